/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modules (include/linux/module.h). A driver file is a module named by KBUILD_MODNAME
 * (the build passes it, as Kbuild does); module_init/module_exit and the MODULE_* tags
 * register it with the simulator when the program starts, and a scenario loads it
 * (its init runs at boot or at the time the scenario says) and may unload it.
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/types.h>
#include <linux/init.h>
#include <linux/kernel.h>

struct module {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	const char *init_name;
	const char *exit_name;
	const char *license;
	const char *author;
	const char *description;
	const char *version;
	void *__irqlab;
};

/* Code built into the kernel (no KBUILD_MODID from the build) has THIS_MODULE == NULL. */
#ifdef KBUILD_MODID
#define __IRQLAB_IN_MODULE 1
#else
#define __IRQLAB_IN_MODULE 0
#define KBUILD_MODID kernel
#endif
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "kernel"
#endif

__IRQLAB_EXTERN_C_BEGIN
/* Called from each module's constructor: makes it known to the simulator. */
void irqlab_register_module(struct module *mod);
struct module *irqlab_module_self(const char *name);
__IRQLAB_EXTERN_C_END

/* One struct module per module file, named after it (KBUILD_MODID is an identifier). */
#define __IRQLAB_THIS_MODULE_SYM __PASTE(__irqlab_module_, KBUILD_MODID)
extern struct module __IRQLAB_THIS_MODULE_SYM;
#if __IRQLAB_IN_MODULE
#define THIS_MODULE (&__IRQLAB_THIS_MODULE_SYM)
#else
#define THIS_MODULE ((struct module *)0)
#endif

#define module_init(initfn)                                                        \
	struct module __IRQLAB_THIS_MODULE_SYM = {                                  \
		.name = KBUILD_MODNAME, .init = (initfn), .exit = 0,                 \
		.init_name = #initfn, .exit_name = 0, .license = 0, .author = 0,     \
		.description = 0, .version = 0, .__irqlab = 0 };                     \
	__attribute__((constructor)) static void __irqlab_modinit_ctor(void)        \
	{                                                                          \
		irqlab_name_symbol((const void *)(initfn), #initfn, KBUILD_MODNAME); \
		irqlab_register_module(&__IRQLAB_THIS_MODULE_SYM);                   \
	}

#define module_exit(exitfn)                                                        \
	__attribute__((constructor(200))) static void __irqlab_modexit_ctor(void)   \
	{                                                                          \
		__IRQLAB_THIS_MODULE_SYM.exit = (exitfn);                            \
		__IRQLAB_THIS_MODULE_SYM.exit_name = #exitfn;                        \
	}

#define __IRQLAB_MODINFO(field, value)                                             \
	__attribute__((constructor(200))) static void __PASTE(__irqlab_modinfo_, field)(void) \
	{                                                                          \
		__IRQLAB_THIS_MODULE_SYM.field = (value);                            \
	}
#define MODULE_LICENSE(l) __IRQLAB_MODINFO(license, l)
#define MODULE_AUTHOR(a) __IRQLAB_MODINFO(author, a)
#define MODULE_DESCRIPTION(d) __IRQLAB_MODINFO(description, d)
#define MODULE_VERSION(v) __IRQLAB_MODINFO(version, v)
#define MODULE_ALIAS(a)
#define MODULE_DEVICE_TABLE(type, name)
#define MODULE_SOFTDEP(s)
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

#define module_param(name, type, perm)
#define MODULE_PARM_DESC(parm, desc)

#endif /* _LINUX_MODULE_H */
