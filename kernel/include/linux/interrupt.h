/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupts and bottom halves (include/linux/interrupt.h): handlers and threaded IRQs,
 * softirqs, tasklets.
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
#include <linux/irqreturn.h>
#include <linux/cpumask.h>

struct device;

/* IRQF_* flags (values of 6.12). */
#define IRQF_TRIGGER_NONE 0x00000000
#define IRQF_TRIGGER_RISING 0x00000001
#define IRQF_TRIGGER_FALLING 0x00000002
#define IRQF_TRIGGER_HIGH 0x00000004
#define IRQF_TRIGGER_LOW 0x00000008
#define IRQF_TRIGGER_MASK (IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW | IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING)
#define IRQF_TRIGGER_PROBE 0x00000010
#define IRQF_SHARED 0x00000080
#define IRQF_PROBE_SHARED 0x00000100
#define __IRQF_TIMER 0x00000200
#define IRQF_PERCPU 0x00000400
#define IRQF_NOBALANCING 0x00000800
#define IRQF_IRQPOLL 0x00001000
#define IRQF_ONESHOT 0x00002000
#define IRQF_NO_SUSPEND 0x00004000
#define IRQF_FORCE_RESUME 0x00008000
#define IRQF_NO_THREAD 0x00010000
#define IRQF_EARLY_RESUME 0x00020000
#define IRQF_COND_SUSPEND 0x00040000
#define IRQF_NO_AUTOEN 0x00080000
#define IRQF_NO_DEBUG 0x00100000
#define IRQF_COND_ONESHOT 0x00200000
#define IRQF_TIMER (__IRQF_TIMER | IRQF_NO_SUSPEND | IRQF_NO_THREAD)
/* IRQF_DISABLED was a no-op from 2.6.35 and was removed in 4.1: old code still compiles. */
#define IRQF_DISABLED 0x00000000

#define IRQ_NOTCONNECTED (1U << 31)

typedef irqreturn_t (*irq_handler_t)(int, void *);

__IRQLAB_EXTERN_C_BEGIN
int request_threaded_irq(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
			 unsigned long flags, const char *name, void *dev);
int request_any_context_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
			    const char *name, void *dev_id);
const void *free_irq(unsigned int irq, void *dev_id);
int devm_request_threaded_irq(struct device *dev, unsigned int irq, irq_handler_t handler,
			      irq_handler_t thread_fn, unsigned long irqflags,
			      const char *devname, void *dev_id);
void devm_free_irq(struct device *dev, unsigned int irq, void *dev_id);
void disable_irq_nosync(unsigned int irq);
bool disable_hardirq(unsigned int irq);
void disable_irq(unsigned int irq);
void enable_irq(unsigned int irq);
void irq_wake_thread(unsigned int irq, void *dev_id);
int irq_set_affinity(unsigned int irq, const struct cpumask *cpumask);
int irq_force_affinity(unsigned int irq, const struct cpumask *cpumask);
int irq_set_affinity_hint(unsigned int irq, const struct cpumask *m);
__IRQLAB_EXTERN_C_END

/* Handlers are named for /proc, the trace and the "nobody cared" report (irqlab_symbol). */
#define request_threaded_irq(irq, handler, thread_fn, flags, name, dev) \
	request_threaded_irq(irq, irqlab_symbol(handler), irqlab_symbol(thread_fn), flags, name, dev)
#define devm_request_threaded_irq(d, irq, handler, thread_fn, flags, name, dev) \
	devm_request_threaded_irq(d, irq, irqlab_symbol(handler), irqlab_symbol(thread_fn), flags, name, dev)

/*
 * request_irq() adds IRQF_COND_ONESHOT since 6.9 (commit c2ddeb29612f). The NULL thread
 * function is typed: in C++ NULL is an integer, and irqlab_symbol(NULL)'s comma expression
 * would not be a null pointer constant any more.
 */
#define request_irq(irq, handler, flags, name, dev) \
	request_threaded_irq(irq, handler, (irq_handler_t)NULL, (flags) | IRQF_COND_ONESHOT, name, dev)
#define devm_request_irq(d, irq, handler, irqflags, devname, dev_id) \
	devm_request_threaded_irq(d, irq, handler, (irq_handler_t)NULL, (irqflags) | IRQF_COND_ONESHOT, devname, dev_id)

/* request_any_context_irq() returns these on success. */
enum {
	IRQC_IS_HARDIRQ = 0,
	IRQC_IS_NESTED,
};

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
