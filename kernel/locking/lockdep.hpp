// Lock dependency checks in the style of lockdep (kernel/locking/lockdep.c), limited to
// what irqlab checks: the locks each task holds (for reports), and irq-safety: a lock class
// taken in hardirq (softirq) context that is also taken with hardirqs (softirqs) enabled is
// the deadlock "inconsistent lock state" describes. Recursion on a held lock is left to the
// spinlock debug checks; the dependency graph (circular locking, irq inversion through a
// chain of locks) is not modelled.
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

struct lockdep_map;

namespace irqlab::kernel {

class Kernel;
struct Task;

// lock_class: one per lock_class_key; a lock without a key is a class of its own, as Linux
// keys a static lock on its address.
struct LockClass {
    std::string name;
    int name_version = 1;     // printed as "name#2" when an older class has the same name
    int wait_type = 0;        // LD_WAIT_*, printed as -{n:n}
    unsigned usage_mask = 0;  // 1 << enum lock_usage_bit
    // Where each usage bit was first set: the context stack, innermost first.
    std::array<std::vector<std::string>, 10> usage_traces;
};

struct Lockdep {
    Lockdep();
    std::unordered_map<const void*, LockClass> classes;  // by key; nodes never move
    // Which lockdep this is: a map's class_cache holds a class of the lockdep whose id it
    // notes (maps can outlive a simulated kernel).
    unsigned long id;
};

// How a lock is taken, beside its map (lock_acquire()'s other arguments): `fn` is the
// locking function (_raw_spin_lock, mutex_lock), the innermost line of the usage traces;
// `wait_type` the class's LD_WAIT_*; a trylock never marks the class as used in irq context.
struct LockAcquire {
    const char* fn = nullptr;
    int wait_type = 0;  // LD_WAIT_INV: a plain lockdep map
    bool trylock = false;
};

void lockdep_acquire(Kernel& k, struct lockdep_map* map, const void* lock, const LockAcquire& how = {});
void lockdep_release(Kernel& k, struct lockdep_map* map, const void* lock);

// Hardirqs are about to be enabled on this CPU (trace_hardirqs_on()): the locks the running
// task holds are from now on held with hardirqs on, and with softirqs on if they are.
void lockdep_hardirqs_on(Kernel& k);
// Softirqs are about to be enabled (__local_bh_enable_ip() leaving the outermost BH-disabled
// section): with hardirqs on, the held locks are from now on held with softirqs on.
void lockdep_softirqs_on(Kernel& k);

}  // namespace irqlab::kernel
