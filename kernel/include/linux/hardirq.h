/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_HARDIRQ_H
#define _LINUX_HARDIRQ_H

#include <linux/preempt.h>
#include <linux/irqflags.h>

__IRQLAB_EXTERN_C_BEGIN
void synchronize_irq(unsigned int irq);
bool synchronize_hardirq(unsigned int irq);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_HARDIRQ_H */
