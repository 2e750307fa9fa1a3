/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SPINLOCK_TYPES_H
#define _LINUX_SPINLOCK_TYPES_H

#include <linux/types.h>
#include <linux/lockdep_types.h>

#define SPINLOCK_MAGIC 0xdead4ead
#define SPINLOCK_OWNER_INIT ((void *)-1L)

/* CONFIG_DEBUG_SPINLOCK's layout: the lock word, a magic, the owner (task and CPU). */
typedef struct raw_spinlock {
	unsigned int locked;
	unsigned int magic;
	int owner_cpu;
	void *owner;
	unsigned int nr_spinning; /* irqlab: CPUs spinning on it now, handed over in FIFO order */
	struct lockdep_map dep_map;
} raw_spinlock_t;

typedef struct spinlock {
	struct raw_spinlock rlock;
} spinlock_t;

#define __RAW_SPIN_LOCK_INITIALIZER(lockname)                                           \
	{ .locked = 0, .magic = SPINLOCK_MAGIC, .owner_cpu = -1, .owner = SPINLOCK_OWNER_INIT, \
	  .nr_spinning = 0, .dep_map = { .key = 0, .name = #lockname } }
#define __RAW_SPIN_LOCK_UNLOCKED(lockname) ((raw_spinlock_t)__RAW_SPIN_LOCK_INITIALIZER(lockname))
#define __SPIN_LOCK_INITIALIZER(lockname) { .rlock = __RAW_SPIN_LOCK_INITIALIZER(lockname) }
#define __SPIN_LOCK_UNLOCKED(lockname) ((spinlock_t)__SPIN_LOCK_INITIALIZER(lockname))

#define DEFINE_RAW_SPINLOCK(x) raw_spinlock_t x = __RAW_SPIN_LOCK_INITIALIZER(x)
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_INITIALIZER(x)

#endif /* _LINUX_SPINLOCK_TYPES_H */
