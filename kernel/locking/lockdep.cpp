#include "kernel/locking/lockdep.hpp"

#include <linux/lockdep_types.h>

#include <algorithm>

#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

void lockdep_acquire(Kernel& k, struct lockdep_map* map, const void* lock) {
    Task* t = k.running();
    if (t) t->held_locks.push_back({map, lock});
}

void lockdep_release(Kernel& k, struct lockdep_map*, const void* lock) {
    Task* t = k.running();
    if (!t) return;
    // Locks may be released out of order; drop the most recent acquisition of this one.
    for (auto it = t->held_locks.rbegin(); it != t->held_locks.rend(); ++it)
        if (it->lock == lock) {
            t->held_locks.erase(std::next(it).base());
            return;
        }
}

}  // namespace irqlab::kernel
