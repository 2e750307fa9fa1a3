/* SPDX-License-Identifier: GPL-2.0 */
/* Clocks read the simulated time: boot is 0 on every clock (no wall-clock offset). */
#ifndef _LINUX_TIMEKEEPING_H
#define _LINUX_TIMEKEEPING_H

#include <linux/types.h>

__IRQLAB_EXTERN_C_BEGIN
ktime_t ktime_get(void);
u64 ktime_get_ns(void);
u64 ktime_get_mono_fast_ns(void);
u64 local_clock(void);
u64 sched_clock(void);
__IRQLAB_EXTERN_C_END

static inline ktime_t ktime_get_boottime(void) { return ktime_get(); }
static inline ktime_t ktime_get_raw(void) { return ktime_get(); }
static inline u64 ktime_get_boottime_ns(void) { return ktime_get_ns(); }
static inline u64 ktime_get_raw_ns(void) { return ktime_get_ns(); }

#endif /* _LINUX_TIMEKEEPING_H */
