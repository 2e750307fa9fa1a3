/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeping mutexes (include/linux/mutex.h). A contended mutex_lock() parks the task on
 * the wait list; mutex_unlock() hands the mutex to the first waiter (FIFO handoff; Linux
 * also spins optimistically on a running owner, which irqlab does not model).
 */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/lockdep_types.h>

struct task_struct;

struct mutex {
	atomic_long_t owner; /* the owning task_struct, 0 when unlocked */
	raw_spinlock_t wait_lock;
	struct list_head wait_list;
	unsigned int magic; /* CONFIG_DEBUG_MUTEXES: points back at the mutex */
	struct lockdep_map dep_map;
};

#define __MUTEX_INITIALIZER(lockname)                                          \
	{ .owner = ATOMIC_LONG_INIT(0),                                        \
	  .wait_lock = __RAW_SPIN_LOCK_INITIALIZER(lockname.wait_lock),        \
	  .wait_list = LIST_HEAD_INIT(lockname.wait_list),                     \
	  .magic = 0x4d555458 /* "MUTX" */,                                    \
	  .dep_map = { .key = 0, .name = #lockname } }
#define DEFINE_MUTEX(mutexname) struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

__IRQLAB_EXTERN_C_BEGIN
void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);
void mutex_lock(struct mutex *lock);
int mutex_lock_interruptible(struct mutex *lock);
int mutex_lock_killable(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);
void mutex_destroy(struct mutex *lock);
__IRQLAB_EXTERN_C_END

#define mutex_init(mutex) do {                                            \
	static struct lock_class_key __key;                               \
	__mutex_init((mutex), #mutex, &__key);                            \
} while (0)

#endif /* _LINUX_MUTEX_H */
