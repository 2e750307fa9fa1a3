/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqlab_symbol(fn): the function's own name for %ps and the trace.
 *
 * Linux prints handler and callback names from kallsyms; a static C function is invisible
 * to the host's dladdr, so every API that takes a callback (request_irq, tasklet_setup,
 * INIT_WORK, timer_setup, kthread_create, ...) is a macro that passes its argument through
 * irqlab_symbol(), which records the spelled name (and the module it came from) the first
 * time it sees the pointer and returns the pointer unchanged.
 */
#ifndef _LINUX_IRQLAB_SYMBOL_H
#define _LINUX_IRQLAB_SYMBOL_H

#include <linux/compiler.h>

#ifdef KBUILD_MODNAME
#define __IRQLAB_MODNAME KBUILD_MODNAME
#else
#define __IRQLAB_MODNAME 0
#endif

__IRQLAB_EXTERN_C_BEGIN
void irqlab_name_symbol(const void *addr, const char *name, const char *module);
__IRQLAB_EXTERN_C_END

#define irqlab_symbol(fn) \
	(irqlab_name_symbol((const void *)(fn), #fn, __IRQLAB_MODNAME), (fn))

/*
 * A callback in a static initializer (DECLARE_TASKLET, DECLARE_WORK, ...) is named by a
 * constructor instead: a static initializer cannot call irqlab_symbol(). The object gets
 * its name too (%ps of a tasklet or work item).
 */
#define __IRQLAB_NAME_STATIC(kind, name, fn)                                               \
	__attribute__((constructor)) static void __PASTE(__PASTE(__irqlab_, kind), name)(void) \
	{                                                                                  \
		irqlab_name_symbol((const void *)(fn), #fn, __IRQLAB_MODNAME);              \
		irqlab_name_symbol((const void *)&(name), #name, __IRQLAB_MODNAME);         \
	}

#endif /* _LINUX_IRQLAB_SYMBOL_H */
