/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jiffies and HZ. HZ is a scenario setting (machine.hz, default 250) rather than a
 * compile-time constant, so it is a variable here; jiffies is read from the simulated
 * clock (it starts at INITIAL_JIFFIES, five minutes before the 32-bit wrap, as in Linux).
 */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

__IRQLAB_EXTERN_C_BEGIN
extern unsigned int irqlab_hz;
unsigned long irqlab_jiffies(void);
u64 get_jiffies_64(void);
unsigned int jiffies_to_msecs(const unsigned long j);
unsigned int jiffies_to_usecs(const unsigned long j);
u64 jiffies_to_nsecs(const unsigned long j);
unsigned long msecs_to_jiffies(const unsigned int m);
unsigned long usecs_to_jiffies(const unsigned int u);
unsigned long nsecs_to_jiffies(u64 n);
__IRQLAB_EXTERN_C_END

#define HZ irqlab_hz
#define USER_HZ 100
#define MSEC_PER_SEC 1000L
#define USEC_PER_MSEC 1000L
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define USEC_PER_SEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * (int)HZ))
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)

#if !defined(IRQLAB_SIM_INTERNAL)
#define jiffies irqlab_jiffies()
#define jiffies_64 get_jiffies_64()
#endif

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_is_before_jiffies(a) time_after(irqlab_jiffies(), a)
#define time_is_after_jiffies(a) time_before(irqlab_jiffies(), a)
#define time_after64(a, b) ((s64)((b) - (a)) < 0)
#define time_before64(a, b) time_after64(b, a)

#endif /* _LINUX_JIFFIES_H */
