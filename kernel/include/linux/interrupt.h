/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupts and bottom halves (include/linux/interrupt.h): softirqs here; handlers,
 * threaded IRQs, tasklets and the rest follow in the same header.
 */
#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <linux/hardirq.h>
#include <linux/bottom_half.h>
#include <linux/symbol.h>

/* Softirq vectors: Linux's ten, in Linux's order (a lower number runs first). */
enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	IRQ_POLL_SOFTIRQ,
	TASKLET_SOFTIRQ,
	SCHED_SOFTIRQ,
	HRTIMER_SOFTIRQ,
	RCU_SOFTIRQ,
	NR_SOFTIRQS
};

/* 6.12 dropped the softirq_action argument (commit e68ac2b48849). */
struct softirq_action {
	void (*action)(void);
};

__IRQLAB_EXTERN_C_BEGIN
extern const char *const softirq_to_name[NR_SOFTIRQS];
void open_softirq(int nr, void (*action)(void));
void raise_softirq(unsigned int nr);
void raise_softirq_irqoff(unsigned int nr);
void __raise_softirq_irqoff(unsigned int nr);
unsigned int local_softirq_pending(void);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_INTERRUPT_H */
