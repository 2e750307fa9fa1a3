// Mutexes (kernel/locking/mutex.c with CONFIG_DEBUG_MUTEXES). irqlab hands an unlocked
// mutex straight to the first waiter (FIFO handoff); Linux also lets a running owner's
// contender spin optimistically, which is not modelled.
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/locking/lockdep.hpp"
#include "kernel/locking/spinlock.hpp"
#include "kernel/panic.hpp"
#include "kernel/sched/task.hpp"

namespace {

constexpr unsigned int kMutexMagic = 0x4d555458;

struct mutex_waiter {
    struct list_head list;
    struct task_struct* task;
};

struct task_struct* owner_of(struct mutex* lock) {
    return reinterpret_cast<struct task_struct*>(atomic_long_read(&lock->owner));
}

// DEBUG_LOCKS_WARN_ON(): a WARN the first time a lock bug shows (debug_locks_off()).
void debug_locks_warn(int line, const char* func, const char* cond, const char* file = "kernel/locking/mutex.c") {
    irqlab::kernel::Kernel& k = irqlab::kernel::Kernel::get();
    if (!k.locking().debug_locks) return;
    k.locking().debug_locks = false;
    irqlab::kernel::warn_report(k, irqlab::kernel::bug::kWarning, file, line, func,
                                std::string("DEBUG_LOCKS_WARN_ON(") + cond + ")");
}

void check_magic(struct mutex* lock) {
    if (lock->magic != kMutexMagic) debug_locks_warn(588, "__mutex_lock_common", "lock->magic != lock");
}

// __mutex_lock_common(): queue at the tail and sleep until the unlocker hands it over.
int lock_slowpath(struct mutex* lock, unsigned int state) {
    struct task_struct* self = get_current();
    mutex_waiter waiter;
    waiter.task = self;
    list_add_tail(&waiter.list, &lock->wait_list);
    int ret = 0;
    for (;;) {
        set_current_state(state);
        if (owner_of(lock) == self) break;
        if ((state & TASK_INTERRUPTIBLE) && signal_pending(self)) {
            ret = -EINTR;
            break;
        }
        schedule();
    }
    __set_current_state(TASK_RUNNING);
    list_del(&waiter.list);
    return ret;
}

// `fn`: the locking function, for lockdep.
int do_lock(struct mutex* lock, unsigned int state, int line, const char* fn) {
    irqlab::kernel::Kernel& k = irqlab::kernel::Kernel::get();
    irqlab::kernel::might_sleep_report(k, "kernel/locking/mutex.c", line);
    check_magic(lock);
    irqlab::kernel::lockdep_acquire(k, &lock->dep_map, lock, {fn, LD_WAIT_SLEEP, false});
    if (!owner_of(lock)) {
        atomic_long_set(&lock->owner, reinterpret_cast<long>(get_current()));
        return 0;
    }
    int ret = lock_slowpath(lock, state);
    if (ret) irqlab::kernel::lockdep_release(k, &lock->dep_map, lock);
    return ret;
}

}  // namespace

extern "C" {

void __mutex_init(struct mutex* lock, const char* name, struct lock_class_key* key) {
    atomic_long_set(&lock->owner, 0);
    __raw_spin_lock_init(&lock->wait_lock, "&lock->wait_lock", nullptr);
    INIT_LIST_HEAD(&lock->wait_list);
    lock->magic = kMutexMagic;
    lock->dep_map.key = key;
    lock->dep_map.name = name;
    lock->dep_map.class_cache = nullptr;
}

// The line numbers are those of the might_sleep() in each function of 6.12's mutex.c.
void mutex_lock(struct mutex* lock) {
    irqlab::kernel::FrameScope frame_("mutex_lock");
    do_lock(lock, TASK_UNINTERRUPTIBLE, 283, "mutex_lock");
}
int mutex_lock_interruptible(struct mutex* lock) {
    irqlab::kernel::FrameScope frame_("mutex_lock_interruptible");
    return do_lock(lock, TASK_INTERRUPTIBLE, 992, "mutex_lock_interruptible");
}
int mutex_lock_killable(struct mutex* lock) {
    irqlab::kernel::FrameScope frame_("mutex_lock_killable");
    return do_lock(lock, TASK_KILLABLE, 1016, "mutex_lock_killable");
}

int mutex_trylock(struct mutex* lock) {
    check_magic(lock);
    if (owner_of(lock)) return 0;
    atomic_long_set(&lock->owner, reinterpret_cast<long>(get_current()));
    irqlab::kernel::lockdep_acquire(irqlab::kernel::Kernel::get(), &lock->dep_map, lock,
                                    {"mutex_trylock", LD_WAIT_SLEEP, true});
    return 1;
}

void mutex_unlock(struct mutex* lock) {
    irqlab::kernel::Kernel& k = irqlab::kernel::Kernel::get();
    check_magic(lock);
    struct task_struct* owner = owner_of(lock);
    if (owner != get_current()) debug_locks_warn(930, "__mutex_unlock_slowpath", "__owner_task(owner) != current");
    irqlab::kernel::lockdep_release(k, &lock->dep_map, lock);
    if (list_empty(&lock->wait_list)) {
        atomic_long_set(&lock->owner, 0);
        return;
    }
    // __mutex_unlock_slowpath(): hand off to the first waiter and wake it.
    mutex_waiter* first = list_first_entry(&lock->wait_list, mutex_waiter, list);
    atomic_long_set(&lock->owner, reinterpret_cast<long>(first->task));
    wake_up_process(first->task);
}

bool mutex_is_locked(struct mutex* lock) { return owner_of(lock) != nullptr; }

void mutex_destroy(struct mutex* lock) {
    if (mutex_is_locked(lock)) debug_locks_warn(114, "mutex_destroy", "mutex_is_locked(lock)", "kernel/locking/mutex-debug.c");
    lock->magic = 0;
}

}  // extern "C"
