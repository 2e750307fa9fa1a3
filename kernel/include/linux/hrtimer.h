/* SPDX-License-Identifier: GPL-2.0 */
/*
 * High-resolution timers (include/linux/hrtimer.h) on CLOCK_MONOTONIC, which is simulated
 * time. A timer expires at the local APIC timer interrupt programmed for it: its callback
 * runs in hardirq context, or, started with an _SOFT mode, in HRTIMER_SOFTIRQ. irqlab
 * simplifications: every clock is the one simulated clock; a timer stays on the CPU that
 * started it (no migration to a busy CPU); a soft timer is handed to HRTIMER_SOFTIRQ at the
 * interrupt that found it due. hrtimer_setup() is 6.13's; with hrtimer_init() and a plain
 * assignment to ->function the trace shows the callback's address, not its name.
 */
#ifndef _LINUX_HRTIMER_H
#define _LINUX_HRTIMER_H

#include <linux/types.h>
#include <linux/ktime.h>
#include <linux/symbol.h>

#ifndef CLOCK_REALTIME
#define CLOCK_REALTIME 0
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif
#ifndef CLOCK_BOOTTIME
#define CLOCK_BOOTTIME 7
#endif
#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

enum hrtimer_mode {
	HRTIMER_MODE_ABS	= 0x00,
	HRTIMER_MODE_REL	= 0x01,
	HRTIMER_MODE_PINNED	= 0x02,
	HRTIMER_MODE_SOFT	= 0x04,
	HRTIMER_MODE_HARD	= 0x08,

	HRTIMER_MODE_ABS_PINNED = HRTIMER_MODE_ABS | HRTIMER_MODE_PINNED,
	HRTIMER_MODE_REL_PINNED = HRTIMER_MODE_REL | HRTIMER_MODE_PINNED,

	HRTIMER_MODE_ABS_SOFT	= HRTIMER_MODE_ABS | HRTIMER_MODE_SOFT,
	HRTIMER_MODE_REL_SOFT	= HRTIMER_MODE_REL | HRTIMER_MODE_SOFT,

	HRTIMER_MODE_ABS_PINNED_SOFT = HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_SOFT,
	HRTIMER_MODE_REL_PINNED_SOFT = HRTIMER_MODE_REL_PINNED | HRTIMER_MODE_SOFT,

	HRTIMER_MODE_ABS_HARD	= HRTIMER_MODE_ABS | HRTIMER_MODE_HARD,
	HRTIMER_MODE_REL_HARD	= HRTIMER_MODE_REL | HRTIMER_MODE_HARD,

	HRTIMER_MODE_ABS_PINNED_HARD = HRTIMER_MODE_ABS_PINNED | HRTIMER_MODE_HARD,
	HRTIMER_MODE_REL_PINNED_HARD = HRTIMER_MODE_REL_PINNED | HRTIMER_MODE_HARD,
};

enum hrtimer_restart {
	HRTIMER_NORESTART,	/* Timer is not restarted */
	HRTIMER_RESTART,	/* Timer must be restarted */
};

#define HRTIMER_STATE_INACTIVE	0x00
#define HRTIMER_STATE_ENQUEUED	0x01

struct hrtimer {
	ktime_t _softexpires;	/* the earliest it may expire */
	ktime_t __expires;	/* node.expires: the latest (range end) */
	enum hrtimer_restart (*function)(struct hrtimer *);
	u8 state;
	u8 is_rel;
	u8 is_soft;
	u8 is_hard;
	int __running;		/* irqlab: the callback runs now (base->running == timer) */
};

__IRQLAB_EXTERN_C_BEGIN
void hrtimer_init(struct hrtimer *timer, int which_clock, enum hrtimer_mode mode);
void __hrtimer_setup(struct hrtimer *timer, enum hrtimer_restart (*function)(struct hrtimer *),
		     int clock_id, enum hrtimer_mode mode);
void hrtimer_start_range_ns(struct hrtimer *timer, ktime_t tim, u64 range_ns, const enum hrtimer_mode mode);
int hrtimer_cancel(struct hrtimer *timer);
int hrtimer_try_to_cancel(struct hrtimer *timer);
u64 hrtimer_forward(struct hrtimer *timer, ktime_t now, ktime_t interval);
bool hrtimer_active(const struct hrtimer *timer);
ktime_t hrtimer_get_remaining(const struct hrtimer *timer);
__IRQLAB_EXTERN_C_END

#define hrtimer_setup(timer, function, clock_id, mode) \
	__hrtimer_setup((timer), irqlab_symbol(function), (clock_id), (mode))

static inline void hrtimer_start(struct hrtimer *timer, ktime_t tim, const enum hrtimer_mode mode)
{
	hrtimer_start_range_ns(timer, tim, 0, mode);
}

static inline u64 hrtimer_forward_now(struct hrtimer *timer, ktime_t interval)
{
	return hrtimer_forward(timer, ktime_get(), interval);
}

static inline void hrtimer_set_expires(struct hrtimer *timer, ktime_t time)
{
	timer->__expires = time;
	timer->_softexpires = time;
}

static inline void hrtimer_set_expires_range_ns(struct hrtimer *timer, ktime_t time, u64 delta)
{
	timer->_softexpires = time;
	timer->__expires = ktime_add_ns(time, delta);
}

static inline void hrtimer_add_expires_ns(struct hrtimer *timer, u64 ns)
{
	timer->__expires = ktime_add_ns(timer->__expires, ns);
	timer->_softexpires = ktime_add_ns(timer->_softexpires, ns);
}

static inline ktime_t hrtimer_get_expires(const struct hrtimer *timer) { return timer->__expires; }
static inline ktime_t hrtimer_get_softexpires(const struct hrtimer *timer) { return timer->_softexpires; }
static inline bool hrtimer_is_queued(struct hrtimer *timer) { return timer->state & HRTIMER_STATE_ENQUEUED; }
static inline bool hrtimer_callback_running(struct hrtimer *timer) { return timer->__running != 0; }
static inline ktime_t hrtimer_cb_get_time(const struct hrtimer *timer) { (void)timer; return ktime_get(); }

#endif /* _LINUX_HRTIMER_H */
