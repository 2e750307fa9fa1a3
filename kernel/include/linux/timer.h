/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timer_list (include/linux/timer.h): jiffies-granular timers on a per-CPU wheel, expired
 * in TIMER_SOFTIRQ off the tick. Bucket rounding is the wheel's (kernel/time/timer.c
 * calc_wheel_index): a timer never fires early and may fire up to one granule late.
 */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/jiffies.h>
#include <linux/symbol.h>

struct timer_list {
	struct hlist_node entry; /* pprev != NULL while pending */
	unsigned long expires;
	void (*function)(struct timer_list *);
	u32 flags;               /* TIMER_CPUMASK bits: the CPU whose wheel holds it */
	/* irqlab: the wheel's key (bucket expiry, enqueue sequence) */
	unsigned long __bucket_expiry;
	unsigned long __seq;
};

#define TIMER_CPUMASK 0x0003FFFF
#define TIMER_MIGRATING 0x00040000
#define TIMER_BASEMASK (TIMER_CPUMASK | TIMER_MIGRATING)
#define TIMER_DEFERRABLE 0x00080000
#define TIMER_PINNED 0x00100000
#define TIMER_IRQSAFE 0x00200000
#define TIMER_INIT_FLAGS (TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE)
#define TIMER_ARRAYSHIFT 22
#define TIMER_ARRAYMASK 0xFFC00000
#define TIMER_TRACE_FLAGMASK (TIMER_MIGRATING | TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE)

#define __TIMER_INITIALIZER(_function, _flags) {                          \
	.entry = { .next = NULL, .pprev = NULL },                         \
	.expires = 0,                                                     \
	.function = (_function),                                          \
	.flags = (_flags),                                                \
	.__bucket_expiry = 0,                                             \
	.__seq = 0 }
#define DEFINE_TIMER(_name, _function) \
	struct timer_list _name = __TIMER_INITIALIZER(_function, 0)

__IRQLAB_EXTERN_C_BEGIN
void __init_timer(struct timer_list *timer, void (*func)(struct timer_list *), unsigned int flags);
void add_timer(struct timer_list *timer);
void add_timer_on(struct timer_list *timer, int cpu);
void add_timer_global(struct timer_list *timer);
int mod_timer(struct timer_list *timer, unsigned long expires);
int mod_timer_pending(struct timer_list *timer, unsigned long expires);
int timer_reduce(struct timer_list *timer, unsigned long expires);
int __timer_delete(struct timer_list *timer);
int timer_delete_sync(struct timer_list *timer);
int timer_shutdown_sync(struct timer_list *timer);
int try_to_del_timer_sync(struct timer_list *timer);
__IRQLAB_EXTERN_C_END

#define timer_setup(timer, callback, flags) __init_timer((timer), irqlab_symbol(callback), (flags))
#define timer_setup_on_stack timer_setup
#define destroy_timer_on_stack(timer) do { } while (0)
#define from_timer(var, callback_timer, timer_fieldname) \
	container_of(callback_timer, __typeof__(*var), timer_fieldname)

/* POSIX <time.h> has a timer_delete() too: an inline keeps the two apart in C++. */
static inline int timer_delete(struct timer_list *timer) { return __timer_delete(timer); }
static inline int timer_pending(const struct timer_list *timer) { return timer->entry.pprev != NULL; }
static inline int del_timer(struct timer_list *timer) { return timer_delete(timer); }
static inline int del_timer_sync(struct timer_list *timer) { return timer_delete_sync(timer); }

#endif /* _LINUX_TIMER_H */
