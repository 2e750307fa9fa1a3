/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_BH_H
#define _LINUX_BH_H

#include <linux/preempt.h>

__IRQLAB_EXTERN_C_BEGIN
void local_bh_disable(void);
/* Runs pending softirqs when the count drops out of BH-disabled context. */
void local_bh_enable(void);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_BH_H */
