/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks (include/linux/spinlock.h). A contended lock really spins: the waiting CPU
 * stays busy (spending simulated time) until the holder unlocks, and waiters get the lock
 * in the order they arrived. CONFIG_DEBUG_SPINLOCK's reports are on: recursion on one CPU,
 * unlocking an unlocked lock, unlocking from another CPU, a bad magic (uninitialised lock).
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/bottom_half.h>
#include <linux/spinlock_types.h>

__IRQLAB_EXTERN_C_BEGIN
void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name, struct lock_class_key *key);
/* irqlab: __raw_spin_lock_init() for a spinlock_t, which also notes a lock a driver's probe
 * sets up so that a scenario can name it by the device (Linux calls the former directly). */
void __irqlab_spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key);
void _raw_spin_lock(raw_spinlock_t *lock);
void _raw_spin_lock_bh(raw_spinlock_t *lock);
void _raw_spin_lock_irq(raw_spinlock_t *lock);
unsigned long _raw_spin_lock_irqsave(raw_spinlock_t *lock);
int _raw_spin_trylock(raw_spinlock_t *lock);
int _raw_spin_trylock_bh(raw_spinlock_t *lock);
void _raw_spin_unlock(raw_spinlock_t *lock);
void _raw_spin_unlock_bh(raw_spinlock_t *lock);
void _raw_spin_unlock_irq(raw_spinlock_t *lock);
void _raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags);
__IRQLAB_EXTERN_C_END

#define raw_spin_lock_init(lock) do {                                     \
	static struct lock_class_key __key;                               \
	__raw_spin_lock_init((lock), #lock, &__key);                      \
} while (0)
#define raw_spin_lock(lock) _raw_spin_lock(lock)
#define raw_spin_lock_bh(lock) _raw_spin_lock_bh(lock)
#define raw_spin_lock_irq(lock) _raw_spin_lock_irq(lock)
#define raw_spin_lock_irqsave(lock, flags) do { (flags) = _raw_spin_lock_irqsave(lock); } while (0)
#define raw_spin_trylock(lock) _raw_spin_trylock(lock)
#define raw_spin_unlock(lock) _raw_spin_unlock(lock)
#define raw_spin_unlock_bh(lock) _raw_spin_unlock_bh(lock)
#define raw_spin_unlock_irq(lock) _raw_spin_unlock_irq(lock)
#define raw_spin_unlock_irqrestore(lock, flags) _raw_spin_unlock_irqrestore((lock), (flags))
#define raw_spin_is_locked(lock) (READ_ONCE((lock)->locked) != 0)

#define spin_lock_init(_lock) do {                                        \
	static struct lock_class_key __key;                               \
	__irqlab_spin_lock_init((_lock), #_lock, &__key);                 \
} while (0)

static inline void spin_lock(spinlock_t *lock) { _raw_spin_lock(&lock->rlock); }
static inline void spin_lock_bh(spinlock_t *lock) { _raw_spin_lock_bh(&lock->rlock); }
static inline void spin_lock_irq(spinlock_t *lock) { _raw_spin_lock_irq(&lock->rlock); }
#define spin_lock_irqsave(lock, flags) do { (flags) = _raw_spin_lock_irqsave(&(lock)->rlock); } while (0)
static inline int spin_trylock(spinlock_t *lock) { return _raw_spin_trylock(&lock->rlock); }
static inline int spin_trylock_bh(spinlock_t *lock) { return _raw_spin_trylock_bh(&lock->rlock); }
#define spin_trylock_irqsave(lock, flags) ({                              \
	local_irq_save(flags);                                            \
	spin_trylock(lock) ? 1 : ({ local_irq_restore(flags); 0; });      \
})
static inline void spin_unlock(spinlock_t *lock) { _raw_spin_unlock(&lock->rlock); }
static inline void spin_unlock_bh(spinlock_t *lock) { _raw_spin_unlock_bh(&lock->rlock); }
static inline void spin_unlock_irq(spinlock_t *lock) { _raw_spin_unlock_irq(&lock->rlock); }
static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	_raw_spin_unlock_irqrestore(&lock->rlock, flags);
}
static inline int spin_is_locked(spinlock_t *lock) { return raw_spin_is_locked(&lock->rlock); }
#define assert_spin_locked(lock) BUG_ON(!spin_is_locked(lock))

#endif /* _LINUX_SPINLOCK_H */
