/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H

#include <linux/types.h>
#include <linux/jiffies.h>

#define KTIME_MAX ((s64)~((u64)1 << 63))

static inline ktime_t ktime_set(const s64 secs, const unsigned long nsecs) { return secs * NSEC_PER_SEC + (s64)nsecs; }
static inline ktime_t ns_to_ktime(u64 ns) { return (ktime_t)ns; }
static inline ktime_t ms_to_ktime(u64 ms) { return (ktime_t)(ms * NSEC_PER_MSEC); }
static inline ktime_t us_to_ktime(u64 us) { return (ktime_t)(us * NSEC_PER_USEC); }
static inline s64 ktime_to_ns(const ktime_t kt) { return kt; }
static inline s64 ktime_to_us(const ktime_t kt) { return kt / NSEC_PER_USEC; }
static inline s64 ktime_to_ms(const ktime_t kt) { return kt / NSEC_PER_MSEC; }
static inline ktime_t ktime_add(const ktime_t a, const ktime_t b) { return a + b; }
static inline ktime_t ktime_sub(const ktime_t a, const ktime_t b) { return a - b; }
static inline ktime_t ktime_add_ns(const ktime_t kt, u64 nsec) { return kt + (s64)nsec; }
static inline ktime_t ktime_add_us(const ktime_t kt, u64 usec) { return kt + (s64)(usec * NSEC_PER_USEC); }
static inline ktime_t ktime_add_ms(const ktime_t kt, u64 msec) { return kt + (s64)(msec * NSEC_PER_MSEC); }
static inline int ktime_compare(const ktime_t a, const ktime_t b) { return a < b ? -1 : a > b ? 1 : 0; }
static inline bool ktime_after(const ktime_t a, const ktime_t b) { return a > b; }
static inline bool ktime_before(const ktime_t a, const ktime_t b) { return a < b; }
static inline s64 ktime_us_delta(const ktime_t later, const ktime_t earlier) { return ktime_to_us(later - earlier); }
static inline s64 ktime_ms_delta(const ktime_t later, const ktime_t earlier) { return ktime_to_ms(later - earlier); }

#include <linux/timekeeping.h>

#endif /* _LINUX_KTIME_H */
