/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_t and friends. The simulation runs on one host thread and a simulated CPU is
 * never interrupted between two instructions that take no simulated time, so plain
 * operations are atomic here; the names and semantics are Linux's.
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/types.h>
#include <linux/compiler.h>

#define ATOMIC_INIT(i) { (i) }
#define ATOMIC_LONG_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v) { return READ_ONCE(v->counter); }
static inline void atomic_set(atomic_t *v, int i) { WRITE_ONCE(v->counter, i); }
static inline void atomic_add(int i, atomic_t *v) { v->counter += i; }
static inline void atomic_sub(int i, atomic_t *v) { v->counter -= i; }
static inline void atomic_inc(atomic_t *v) { v->counter++; }
static inline void atomic_dec(atomic_t *v) { v->counter--; }
static inline int atomic_add_return(int i, atomic_t *v) { return v->counter += i; }
static inline int atomic_sub_return(int i, atomic_t *v) { return v->counter -= i; }
static inline int atomic_inc_return(atomic_t *v) { return ++v->counter; }
static inline int atomic_dec_return(atomic_t *v) { return --v->counter; }
static inline int atomic_fetch_add(int i, atomic_t *v) { int old = v->counter; v->counter += i; return old; }
static inline int atomic_fetch_inc(atomic_t *v) { return v->counter++; }
static inline int atomic_fetch_dec(atomic_t *v) { return v->counter--; }
static inline bool atomic_dec_and_test(atomic_t *v) { return --v->counter == 0; }
static inline bool atomic_inc_and_test(atomic_t *v) { return ++v->counter == 0; }
static inline bool atomic_sub_and_test(int i, atomic_t *v) { return (v->counter -= i) == 0; }
static inline int atomic_xchg(atomic_t *v, int n) { int old = v->counter; v->counter = n; return old; }
static inline int atomic_cmpxchg(atomic_t *v, int old, int n)
{
	int cur = v->counter;
	if (cur == old)
		v->counter = n;
	return cur;
}
static inline bool atomic_try_cmpxchg(atomic_t *v, int *old, int n)
{
	int cur = atomic_cmpxchg(v, *old, n);
	if (cur == *old)
		return true;
	*old = cur;
	return false;
}
static inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	if (v->counter == u)
		return false;
	v->counter += a;
	return true;
}
#define atomic_inc_not_zero(v) atomic_add_unless((v), 1, 0)

static inline long atomic_long_read(const atomic_long_t *v) { return READ_ONCE(v->counter); }
static inline void atomic_long_set(atomic_long_t *v, long i) { WRITE_ONCE(v->counter, i); }
static inline void atomic_long_inc(atomic_long_t *v) { v->counter++; }
static inline void atomic_long_dec(atomic_long_t *v) { v->counter--; }
static inline void atomic_long_add(long i, atomic_long_t *v) { v->counter += i; }
static inline long atomic_long_inc_return(atomic_long_t *v) { return ++v->counter; }
static inline long atomic_long_xchg(atomic_long_t *v, long n) { long old = v->counter; v->counter = n; return old; }
static inline long atomic_long_cmpxchg(atomic_long_t *v, long old, long n)
{
	long cur = v->counter;
	if (cur == old)
		v->counter = n;
	return cur;
}

static inline s64 atomic64_read(const atomic64_t *v) { return READ_ONCE(v->counter); }
static inline void atomic64_set(atomic64_t *v, s64 i) { WRITE_ONCE(v->counter, i); }
static inline void atomic64_inc(atomic64_t *v) { v->counter++; }
static inline void atomic64_add(s64 i, atomic64_t *v) { v->counter += i; }

#define xchg(ptr, v) ({ __typeof__(*(ptr)) __old = *(ptr); *(ptr) = (v); __old; })
#define cmpxchg(ptr, o, n) ({ __typeof__(*(ptr)) __cur = *(ptr); if (__cur == (o)) *(ptr) = (n); __cur; })

#include <linux/bitops.h>

#endif /* _LINUX_ATOMIC_H */
