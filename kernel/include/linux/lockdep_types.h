/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What irqlab's lockdep-style checker needs from a lock: a class (one per initialisation
 * site, as Linux keys it on a static lock_class_key) and a name for reports.
 */
#ifndef _LINUX_LOCKDEP_TYPES_H
#define _LINUX_LOCKDEP_TYPES_H

/*
 * The wait type of a lock class, printed as -{outer:inner} after the lock's name. Without
 * CONFIG_PROVE_RAW_LOCK_NESTING (6.12's default) spinlock_t is a spinning lock like
 * raw_spinlock_t, so LD_WAIT_CONFIG is LD_WAIT_SPIN and a mutex is 3.
 */
enum lockdep_wait_type {
	LD_WAIT_INV = 0, /* not checked, catch all */
	LD_WAIT_FREE, /* wait free, rcu etc.. */
	LD_WAIT_SPIN, /* spin loops, raw_spinlock_t etc.. */
	LD_WAIT_CONFIG = LD_WAIT_SPIN, /* preemptible in PREEMPT_RT, spinlock_t etc.. */
	LD_WAIT_SLEEP, /* sleeping locks, mutex_t etc.. */
	LD_WAIT_MAX, /* must be last */
};

struct lock_class_key {
	char __one_byte; /* its address is the class */
};

struct lockdep_map {
	struct lock_class_key *key;
	const char *name;
	/* Linux's class_cache[]: the class found at the last acquisition. A map can outlive a
	 * simulated kernel, so irqlab also notes whose class it is. */
	void *class_cache;
	unsigned long __irqlab_lockdep;
};

#define STATIC_LOCKDEP_MAP_INIT(_name, _key) { .key = (_key), .name = (_name) }

#endif /* _LINUX_LOCKDEP_TYPES_H */
