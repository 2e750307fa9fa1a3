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

/*
 * Tasklets (include/linux/interrupt.h, kernel/softirq.c): deferred work run from
 * TASKLET_SOFTIRQ (or HI_SOFTIRQ) on the CPU that scheduled it, never on two CPUs at once.
 * State: SCHED (queued, will run) and RUN (running now); count > 0 means disabled.
 * Linux deprecates them for BH workqueues (6.9) but 6.12 still has all of this.
 */
struct tasklet_struct {
	struct tasklet_struct *next;
	unsigned long state;
	atomic_t count;
	bool use_callback;
	union {
		void (*func)(unsigned long data);
		void (*callback)(struct tasklet_struct *t);
	};
	unsigned long data;
	unsigned long __sched_at; /* irqlab: when it was last scheduled (for its latency) */
};

enum {
	TASKLET_STATE_SCHED,	/* Tasklet is scheduled for execution */
	TASKLET_STATE_RUN	/* Tasklet is running (SMP only) */
};

#define __DECLARE_TASKLET_CB(name, _callback, _count)                              \
	struct tasklet_struct name = {                                             \
		.next = 0, .state = 0, .count = ATOMIC_INIT(_count),               \
		.use_callback = true, .callback = _callback, .data = 0 };          \
	__IRQLAB_NAME_STATIC(tasklet, name, _callback)
#define __DECLARE_TASKLET_FUNC(name, _func, _data, _count)                         \
	struct tasklet_struct name = {                                             \
		.next = 0, .state = 0, .count = ATOMIC_INIT(_count),               \
		.use_callback = false, .func = _func, .data = (unsigned long)(_data) }; \
	__IRQLAB_NAME_STATIC(tasklet, name, _func)

/* The 5.9+ two-argument form (callback gets the tasklet), and the old one (func, data). */
#define DECLARE_TASKLET_OLD(name, _func) __DECLARE_TASKLET_FUNC(name, _func, 0, 0)
#define DECLARE_TASKLET_DISABLED_OLD(name, _func) __DECLARE_TASKLET_FUNC(name, _func, 0, 1)
#define __IRQLAB_TASKLET_ARGS(_1, _2, _3, which, ...) which
/*
 * DECLARE_TASKLET(name, callback) since 5.9; DECLARE_TASKLET(name, func, data) before
 * (commit b13fecb1c3a6 changed its meaning). Both spellings work here.
 */
#define DECLARE_TASKLET(...)                                                       \
	__IRQLAB_TASKLET_ARGS(__VA_ARGS__, __DECLARE_TASKLET_3, __DECLARE_TASKLET_2, )(__VA_ARGS__)
#define DECLARE_TASKLET_DISABLED(...)                                              \
	__IRQLAB_TASKLET_ARGS(__VA_ARGS__, __DECLARE_TASKLET_DISABLED_3, __DECLARE_TASKLET_DISABLED_2, )(__VA_ARGS__)
#define __DECLARE_TASKLET_2(name, _callback) __DECLARE_TASKLET_CB(name, _callback, 0)
#define __DECLARE_TASKLET_3(name, _func, _data) __DECLARE_TASKLET_FUNC(name, _func, _data, 0)
#define __DECLARE_TASKLET_DISABLED_2(name, _callback) __DECLARE_TASKLET_CB(name, _callback, 1)
#define __DECLARE_TASKLET_DISABLED_3(name, _func, _data) __DECLARE_TASKLET_FUNC(name, _func, _data, 1)

#define from_tasklet(var, callback_tasklet, tasklet_fieldname) \
	container_of(callback_tasklet, __typeof__(*var), tasklet_fieldname)

__IRQLAB_EXTERN_C_BEGIN
void __tasklet_schedule(struct tasklet_struct *t);
void __tasklet_hi_schedule(struct tasklet_struct *t);
void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *));
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data);
void tasklet_kill(struct tasklet_struct *t);
void tasklet_unlock(struct tasklet_struct *t);
void tasklet_unlock_wait(struct tasklet_struct *t);
void tasklet_unlock_spin_wait(struct tasklet_struct *t);
/* Removed from Linux: tasklet_hi_schedule_first() in 4.15, tasklet_kill_immediate() in 5.13. */
void tasklet_hi_schedule_first(struct tasklet_struct *t);
void tasklet_kill_immediate(struct tasklet_struct *t, unsigned int cpu);
__IRQLAB_EXTERN_C_END

#define tasklet_setup(t, callback) tasklet_setup(t, irqlab_symbol(callback))
#define tasklet_init(t, func, data) tasklet_init(t, irqlab_symbol(func), data)

static inline bool tasklet_trylock(struct tasklet_struct *t)
{
	return !test_and_set_bit(TASKLET_STATE_RUN, &t->state);
}

static inline void tasklet_schedule(struct tasklet_struct *t)
{
	if (!test_and_set_bit(TASKLET_STATE_SCHED, &t->state))
		__tasklet_schedule(t);
}

static inline void tasklet_hi_schedule(struct tasklet_struct *t)
{
	if (!test_and_set_bit(TASKLET_STATE_SCHED, &t->state))
		__tasklet_hi_schedule(t);
}

static inline void tasklet_disable_nosync(struct tasklet_struct *t)
{
	atomic_inc(&t->count);
}

/* Do not use in new code: spins instead of sleeping while the tasklet runs. */
static inline void tasklet_disable_in_atomic(struct tasklet_struct *t)
{
	tasklet_disable_nosync(t);
	tasklet_unlock_spin_wait(t);
}

static inline void tasklet_disable(struct tasklet_struct *t)
{
	tasklet_disable_nosync(t);
	tasklet_unlock_wait(t);
}

static inline void tasklet_enable(struct tasklet_struct *t)
{
	atomic_dec(&t->count);
}

#endif /* _LINUX_INTERRUPT_H */
