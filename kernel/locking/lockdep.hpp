// Lock dependency checks in the style of lockdep (kernel/locking/lockdep.c), limited to
// what irqlab checks: the locks each task holds (for reports), recursion on a held lock,
// and irq-safety: a lock class taken in hardirq (softirq) context that is also taken with
// hardirqs (softirqs) enabled is the deadlock "inconsistent lock state" describes.
#pragma once

struct lockdep_map;

namespace irqlab::kernel {

class Kernel;

void lockdep_acquire(Kernel& k, struct lockdep_map* map, const void* lock);
void lockdep_release(Kernel& k, struct lockdep_map* map, const void* lock);

}  // namespace irqlab::kernel
