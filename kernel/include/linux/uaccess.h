/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User memory access (include/linux/uaccess.h). copy_to_user()/copy_from_user() return the
 * number of bytes NOT copied (0 on success). They may fault a page in, and so sleep: each
 * starts with might_fault(), which reports a call from atomic context as Linux does.
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/types.h>
#include <linux/kernel.h>

__IRQLAB_EXTERN_C_BEGIN
unsigned long _copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long _copy_from_user(void *to, const void __user *from, unsigned long n);
__IRQLAB_EXTERN_C_END

#define might_fault() __might_fault(__FILE__, __LINE__)

static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	might_fault();
	return _copy_to_user(to, from, n);
}
static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	might_fault();
	return _copy_from_user(to, from, n);
}

/* get_user()/put_user() for one scalar: 0 or -EFAULT. */
#define put_user(x, ptr) ({ __typeof__(*(ptr)) __pu_val = (x); \
	copy_to_user((ptr), &__pu_val, sizeof(*(ptr))) ? -EFAULT : 0; })
#define get_user(x, ptr) ({ __typeof__(*(ptr)) __gu_val; \
	int __gu_ret = copy_from_user(&__gu_val, (ptr), sizeof(*(ptr))) ? -EFAULT : 0; \
	(x) = __gu_val; __gu_ret; })

#endif /* _LINUX_UACCESS_H */
