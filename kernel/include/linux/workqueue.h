/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workqueues (include/linux/workqueue.h, 6.12): work items, delayed work and the
 * workqueue API. kernel/workqueue.cpp runs them on per-CPU, unbound and BH worker pools
 * with Linux's concurrency management.
 *
 * A work item's first word holds its state as in Linux: PENDING, INACTIVE, PWQ and LINKED,
 * then either the pool_workqueue it is queued on (PWQ set) or, off queue, the disable
 * depth and the ID of the last pool it ran on.
 */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/symbol.h>
#include <linux/timer.h>
#include <linux/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	atomic_long_t data;
	struct list_head entry;
	work_func_t func;
	/* irqlab: the queued instance's order (what flush_workqueue waits for) and time */
	unsigned long __seq;
	unsigned long __queued_at;
};

#define work_data_bits(work) ((unsigned long *)(&(work)->data))

enum work_bits {
	WORK_STRUCT_PENDING_BIT = 0, /* work item is pending execution */
	WORK_STRUCT_INACTIVE_BIT,    /* work item is inactive */
	WORK_STRUCT_PWQ_BIT,         /* data points to pwq */
	WORK_STRUCT_LINKED_BIT,      /* next work is linked to this one */
	WORK_STRUCT_FLAG_BITS,

	WORK_STRUCT_COLOR_SHIFT = WORK_STRUCT_FLAG_BITS,
	WORK_STRUCT_COLOR_BITS = 4,
	WORK_STRUCT_PWQ_SHIFT = WORK_STRUCT_COLOR_SHIFT + WORK_STRUCT_COLOR_BITS,

	WORK_OFFQ_FLAG_SHIFT = WORK_STRUCT_FLAG_BITS,
	WORK_OFFQ_BH_BIT = WORK_OFFQ_FLAG_SHIFT,
	WORK_OFFQ_FLAG_END,
	WORK_OFFQ_FLAG_BITS = WORK_OFFQ_FLAG_END - WORK_OFFQ_FLAG_SHIFT,

	WORK_OFFQ_DISABLE_SHIFT = WORK_OFFQ_FLAG_SHIFT + WORK_OFFQ_FLAG_BITS,
	WORK_OFFQ_DISABLE_BITS = 16,

	WORK_OFFQ_POOL_SHIFT = WORK_OFFQ_DISABLE_SHIFT + WORK_OFFQ_DISABLE_BITS,
	WORK_OFFQ_LEFT = BITS_PER_LONG - WORK_OFFQ_POOL_SHIFT,
	WORK_OFFQ_POOL_BITS = WORK_OFFQ_LEFT <= 31 ? WORK_OFFQ_LEFT : 31,
};

enum work_flags {
	WORK_STRUCT_PENDING = 1 << WORK_STRUCT_PENDING_BIT,
	WORK_STRUCT_INACTIVE = 1 << WORK_STRUCT_INACTIVE_BIT,
	WORK_STRUCT_PWQ = 1 << WORK_STRUCT_PWQ_BIT,
	WORK_STRUCT_LINKED = 1 << WORK_STRUCT_LINKED_BIT,
	WORK_STRUCT_STATIC = 0,
};

enum wq_misc_consts {
	WORK_NR_COLORS = (1 << WORK_STRUCT_COLOR_BITS),
	WORK_CPU_UNBOUND = NR_CPUS, /* not bound to any CPU, prefer the local CPU */
	WORK_BUSY_PENDING = 1 << 0,
	WORK_BUSY_RUNNING = 1 << 1,
	WORKER_DESC_LEN = 32,
};

#define WORK_OFFQ_BH (1ul << WORK_OFFQ_BH_BIT)
#define WORK_OFFQ_FLAG_MASK (((1ul << WORK_OFFQ_FLAG_BITS) - 1) << WORK_OFFQ_FLAG_SHIFT)
#define WORK_OFFQ_DISABLE_MASK (((1ul << WORK_OFFQ_DISABLE_BITS) - 1) << WORK_OFFQ_DISABLE_SHIFT)
#define WORK_OFFQ_POOL_NONE ((1ul << WORK_OFFQ_POOL_BITS) - 1)
#define WORK_STRUCT_NO_POOL (WORK_OFFQ_POOL_NONE << WORK_OFFQ_POOL_SHIFT)
#define WORK_STRUCT_PWQ_MASK (~((1ul << WORK_STRUCT_PWQ_SHIFT) - 1))

#define WORK_DATA_INIT() ATOMIC_LONG_INIT((long)WORK_STRUCT_NO_POOL)
#define WORK_DATA_STATIC_INIT() ATOMIC_LONG_INIT((long)(WORK_STRUCT_NO_POOL | WORK_STRUCT_STATIC))

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
	/* target workqueue and CPU ->timer uses to queue ->work */
	struct workqueue_struct *wq;
	int cpu;
};

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

enum wq_flags {
	WQ_BH = 1 << 0,             /* execute in bottom half (softirq) context */
	WQ_UNBOUND = 1 << 1,        /* not bound to any cpu */
	WQ_FREEZABLE = 1 << 2,      /* freeze during suspend */
	WQ_MEM_RECLAIM = 1 << 3,    /* may be used for memory reclaim */
	WQ_HIGHPRI = 1 << 4,        /* high priority */
	WQ_CPU_INTENSIVE = 1 << 5,  /* cpu intensive workqueue */
	WQ_SYSFS = 1 << 6,          /* visible in sysfs */
	WQ_POWER_EFFICIENT = 1 << 7,
	WQ_PERCPU = 1 << 8,         /* bound to a specific cpu */

	__WQ_DESTROYING = 1 << 15,  /* internal: workqueue is destroying */
	__WQ_DRAINING = 1 << 16,    /* internal: workqueue is draining */
	__WQ_ORDERED = 1 << 17,     /* internal: workqueue is ordered */
	__WQ_LEGACY = 1 << 18,      /* internal: create*_workqueue() */

	__WQ_BH_ALLOWS = WQ_BH | WQ_HIGHPRI, /* BH wq only allows these */
};

enum wq_consts {
	WQ_MAX_ACTIVE = 512,
	WQ_UNBOUND_MAX_ACTIVE = WQ_MAX_ACTIVE,
	WQ_DFL_ACTIVE = WQ_MAX_ACTIVE / 2,
	WQ_DFL_MIN_ACTIVE = 8,
};

__IRQLAB_EXTERN_C_BEGIN
/* debug_object_init() of the work item (CONFIG_DEBUG_OBJECTS_WORK), as __INIT_WORK calls it. */
void __init_work(struct work_struct *work, int onstack);

/* The system workqueues (workqueue_init_early()); system_percpu_wq and system_dfl_wq
 * are the newer names of system_wq and system_unbound_wq. */
extern struct workqueue_struct *system_wq;
extern struct workqueue_struct *system_percpu_wq;
extern struct workqueue_struct *system_highpri_wq;
extern struct workqueue_struct *system_long_wq;
extern struct workqueue_struct *system_unbound_wq;
extern struct workqueue_struct *system_dfl_wq;
extern struct workqueue_struct *system_freezable_wq;
extern struct workqueue_struct *system_power_efficient_wq;
extern struct workqueue_struct *system_freezable_power_efficient_wq;
extern struct workqueue_struct *system_bh_wq;
extern struct workqueue_struct *system_bh_highpri_wq;

void delayed_work_timer_fn(struct timer_list *t);

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
	__attribute__((format(printf, 1, 4)));
void destroy_workqueue(struct workqueue_struct *wq);

bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *work, unsigned long delay);
bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay);

void __flush_workqueue(struct workqueue_struct *wq);
void drain_workqueue(struct workqueue_struct *wq);
void __warn_flushing_systemwide_wq(void);

bool flush_work(struct work_struct *work);
bool cancel_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);
bool flush_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);

bool disable_work(struct work_struct *work);
bool disable_work_sync(struct work_struct *work);
bool enable_work(struct work_struct *work);
bool disable_delayed_work(struct delayed_work *dwork);
bool disable_delayed_work_sync(struct delayed_work *dwork);
bool enable_delayed_work(struct delayed_work *dwork);

void workqueue_set_max_active(struct workqueue_struct *wq, int max_active);
struct work_struct *current_work(void);
bool current_is_workqueue_rescuer(void);
bool workqueue_congested(int cpu, struct workqueue_struct *wq);
unsigned int work_busy(struct work_struct *work);
int schedule_on_each_cpu(work_func_t func);

__IRQLAB_EXTERN_C_END

/* --- initializers -------------------------------------------------------------------- */

#define __WORK_INITIALIZER(n, f) {                   \
	.data = WORK_DATA_STATIC_INIT(),             \
	.entry = { &(n).entry, &(n).entry },         \
	.func = (f),                                 \
	.__seq = 0,                                  \
	.__queued_at = 0 }

#define __DELAYED_WORK_INITIALIZER(n, f, tflags) {                                  \
	.work = __WORK_INITIALIZER((n).work, (f)),                                  \
	.timer = __TIMER_INITIALIZER(delayed_work_timer_fn, (tflags) | TIMER_IRQSAFE), \
	.wq = 0,                                                                    \
	.cpu = 0 }

#define DECLARE_WORK(n, f) \
	struct work_struct n = __WORK_INITIALIZER(n, f); \
	__IRQLAB_NAME_STATIC(work_, n, f)
#define DECLARE_DELAYED_WORK(n, f) \
	struct delayed_work n = __DELAYED_WORK_INITIALIZER(n, f, 0); \
	__IRQLAB_NAME_STATIC(dwork_, n, f)
#define DECLARE_DEFERRABLE_WORK(n, f) \
	struct delayed_work n = __DELAYED_WORK_INITIALIZER(n, f, TIMER_DEFERRABLE); \
	__IRQLAB_NAME_STATIC(dwork_, n, f)

#define __INIT_WORK(_work, _func, _onstack)                                  \
	do {                                                                 \
		__init_work((_work), (_onstack));                            \
		atomic_long_set(&(_work)->data, (long)WORK_STRUCT_NO_POOL); \
		INIT_LIST_HEAD(&(_work)->entry);                             \
		(_work)->func = irqlab_symbol(_func);                        \
		(_work)->__seq = 0;                                          \
		(_work)->__queued_at = 0;                                    \
	} while (0)

#define INIT_WORK(_work, _func) __INIT_WORK((_work), _func, 0)
#define INIT_WORK_ONSTACK(_work, _func) __INIT_WORK((_work), _func, 1)

#define __INIT_DELAYED_WORK(_work, _func, _tflags)                                      \
	do {                                                                            \
		INIT_WORK(&(_work)->work, (_func));                                     \
		__init_timer(&(_work)->timer, delayed_work_timer_fn, (_tflags) | TIMER_IRQSAFE); \
		(_work)->wq = 0;                                                        \
		(_work)->cpu = 0;                                                       \
	} while (0)

#define INIT_DELAYED_WORK(_work, _func) __INIT_DELAYED_WORK(_work, _func, 0)
#define INIT_DELAYED_WORK_ONSTACK(_work, _func) __INIT_DELAYED_WORK(_work, _func, 0)
#define INIT_DEFERRABLE_WORK(_work, _func) __INIT_DELAYED_WORK(_work, _func, TIMER_DEFERRABLE)

static inline void destroy_work_on_stack(struct work_struct *work) { (void)work; }
static inline void destroy_delayed_work_on_stack(struct delayed_work *work) { (void)work; }

#define work_pending(work) test_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work))
#define delayed_work_pending(w) work_pending(&(w)->work)

#define from_work(var, callback_work, work_fieldname) \
	container_of(callback_work, __typeof__(*var), work_fieldname)

/* --- workqueue constructors ------------------------------------------------------------ */

#define alloc_ordered_workqueue(fmt, flags, ...) \
	alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, ##__VA_ARGS__)
#define create_workqueue(name) alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, (name))
#define create_freezable_workqueue(name) \
	alloc_workqueue("%s", __WQ_LEGACY | WQ_FREEZABLE | WQ_UNBOUND | WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name) \
	alloc_ordered_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, name)

/* --- queueing shorthands --------------------------------------------------------------- */

static inline bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	return queue_work_on(WORK_CPU_UNBOUND, wq, work);
}

static inline bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}

static inline bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	return mod_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}

static inline bool schedule_work_on(int cpu, struct work_struct *work)
{
	return queue_work_on(cpu, system_wq, work);
}

static inline bool schedule_work(struct work_struct *work) { return queue_work(system_wq, work); }

static inline bool schedule_delayed_work_on(int cpu, struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work_on(cpu, system_wq, dwork, delay);
}

static inline bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}

static inline bool enable_and_queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (enable_work(work)) {
		queue_work(wq, work);
		return true;
	}
	return false;
}

/*
 * Flushing a system-wide workqueue warns (Linux means to forbid it). Linux tests with
 * __builtin_constant_p, so it warns only where the argument is visibly one of them; here
 * the test is at run time, so it also warns when one is passed through a variable.
 */
static inline bool __irqlab_is_system_wq(struct workqueue_struct *wq)
{
	return wq == system_wq || wq == system_highpri_wq || wq == system_long_wq || wq == system_unbound_wq ||
	       wq == system_freezable_wq || wq == system_power_efficient_wq ||
	       wq == system_freezable_power_efficient_wq;
}

#define flush_workqueue(wq)                                     \
	do {                                                    \
		struct workqueue_struct *_wq = (wq);            \
		if (__irqlab_is_system_wq(_wq))                 \
			__warn_flushing_systemwide_wq();        \
		__flush_workqueue(_wq);                         \
	} while (0)

#define flush_scheduled_work()                          \
	do {                                            \
		__warn_flushing_systemwide_wq();        \
		__flush_workqueue(system_wq);           \
	} while (0)

#endif /* _LINUX_WORKQUEUE_H */
