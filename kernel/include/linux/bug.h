/* SPDX-License-Identifier: GPL-2.0 */
/* BUG() and WARN() (include/asm-generic/bug.h), reported as a debug kernel reports them. */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/types.h>

__IRQLAB_EXTERN_C_BEGIN
/* "WARNING: CPU: %d PID: %d at %s:%d %pS", a call trace and the end marker. */
void __warn_printk(const char *file, int line, const char *func, const char *fmt, ...)
	__printf(4, 5);
/* "kernel BUG at %s:%d!" and an oops; the simulated kernel panics. */
__noreturn void __irqlab_bug(const char *file, int line, const char *func);
__IRQLAB_EXTERN_C_END

#define BUG() __irqlab_bug(__FILE__, __LINE__, __func__)
#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

#define __WARN() __warn_printk(__FILE__, __LINE__, __func__, NULL)
#define WARN_ON(condition) ({                                              \
	int __ret_warn_on = !!(condition);                                 \
	if (unlikely(__ret_warn_on))                                       \
		__WARN();                                                  \
	unlikely(__ret_warn_on);                                           \
})
/* (Test frameworks have a WARN of their own: the simulator's C++ does without this one.) */
#if !defined(IRQLAB_SIM_INTERNAL)
#define WARN(condition, format...) ({                                      \
	int __ret_warn_on = !!(condition);                                 \
	if (unlikely(__ret_warn_on))                                       \
		__warn_printk(__FILE__, __LINE__, __func__, format);       \
	unlikely(__ret_warn_on);                                           \
})
#endif
#define WARN_ON_ONCE(condition) ({                                         \
	static bool __warned;                                              \
	int __ret_warn_once = !!(condition);                               \
	if (unlikely(__ret_warn_once && !__warned)) {                      \
		__warned = true;                                           \
		__WARN();                                                  \
	}                                                                  \
	unlikely(__ret_warn_once);                                         \
})
#define WARN_ONCE(condition, format...) ({                                 \
	static bool __warned;                                              \
	int __ret_warn_once = !!(condition);                               \
	if (unlikely(__ret_warn_once && !__warned)) {                      \
		__warned = true;                                           \
		__warn_printk(__FILE__, __LINE__, __func__, format);       \
	}                                                                  \
	unlikely(__ret_warn_once);                                         \
})

#define BUILD_BUG_ON(condition) ((void)sizeof(char[1 - 2 * !!(condition)]))

#endif /* _LINUX_BUG_H */
