/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delays. udelay/ndelay/mdelay busy-wait: the CPU spends the time (interrupts still land
 * if they are enabled). msleep/usleep_range sleep: the task blocks on a timer.
 */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H

#include <linux/types.h>

__IRQLAB_EXTERN_C_BEGIN
void ndelay(unsigned long nsecs);
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
void usleep_range_state(unsigned long min, unsigned long max, unsigned int state);
void fsleep(unsigned long usecs);
__IRQLAB_EXTERN_C_END

static inline void ssleep(unsigned int seconds) { msleep(seconds * 1000); }

#endif /* _LINUX_DELAY_H */
