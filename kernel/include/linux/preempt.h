/* SPDX-License-Identifier: GPL-2.0 */
/*
 * preempt_count and the context predicates (include/linux/preempt.h). The count lives in
 * the simulated CPU, with Linux's layout:
 *
 *   PREEMPT_MASK 0x000000ff   SOFTIRQ_MASK 0x0000ff00
 *   HARDIRQ_MASK 0x000f0000   NMI_MASK     0x00f00000
 */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H

#include <linux/types.h>

#define PREEMPT_BITS 8
#define SOFTIRQ_BITS 8
#define HARDIRQ_BITS 4
#define NMI_BITS 4

#define PREEMPT_SHIFT 0
#define SOFTIRQ_SHIFT (PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT (SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT (HARDIRQ_SHIFT + HARDIRQ_BITS)

#define __IRQ_MASK(x) ((1UL << (x)) - 1)
#define PREEMPT_MASK (__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK (__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK (__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK (__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET (1UL << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET (1UL << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET (1UL << HARDIRQ_SHIFT)
#define NMI_OFFSET (1UL << NMI_SHIFT)
#define SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET)
#define PREEMPT_DISABLE_OFFSET PREEMPT_OFFSET
#define PREEMPT_LOCK_OFFSET PREEMPT_DISABLE_OFFSET
#define SOFTIRQ_LOCK_OFFSET (SOFTIRQ_DISABLE_OFFSET + PREEMPT_LOCK_OFFSET)
#define PREEMPT_NEED_RESCHED 0x80000000

__IRQLAB_EXTERN_C_BEGIN
int preempt_count(void);
void preempt_count_add(int val);
void preempt_count_sub(int val);
/* preempt_enable() reschedules here when need_resched is set and the count reaches 0. */
void preempt_disable(void);
void preempt_enable(void);
void preempt_enable_no_resched(void);
void preempt_schedule(void);
bool should_resched(int preempt_offset);
__IRQLAB_EXTERN_C_END

#define hardirq_count() (preempt_count() & HARDIRQ_MASK)
#define softirq_count() (preempt_count() & SOFTIRQ_MASK)
#define irq_count() (preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))

#define in_nmi() (preempt_count() & NMI_MASK)
#define in_hardirq() (hardirq_count())
#define in_serving_softirq() (softirq_count() & SOFTIRQ_OFFSET)
#define in_task() (!(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)))
#define in_softirq() (softirq_count())
#define in_interrupt() (irq_count())
#define in_irq() (hardirq_count()) /* deprecated: in_hardirq() */
#define in_atomic() (preempt_count() != 0)

#define preemptible() (preempt_count() == 0 && !irqs_disabled())

#define preempt_disable_notrace() preempt_disable()
#define preempt_enable_notrace() preempt_enable()
#define migrate_disable() preempt_disable()
#define migrate_enable() preempt_enable()

#endif /* _LINUX_PREEMPT_H */
