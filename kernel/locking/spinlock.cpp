// Spinlocks (kernel/locking/spinlock.c, spinlock_debug.c with CONFIG_DEBUG_SPINLOCK).
#include "kernel/locking/spinlock.hpp"

#include <linux/kernel.h>
#include <linux/spinlock.h>

#include <algorithm>
#include <cstdio>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/locking/lockdep.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {

// spin_dump(): "BUG: spinlock %s on CPU#%d, %s/%d" and the lock's fields. Only the first
// lock bug is reported (debug_locks_off()).
void spin_bug(raw_spinlock_t* lock, const char* msg) {
    Kernel& k = Kernel::get();
    if (!k.locking().debug_locks) return;
    k.locking().debug_locks = false;
    Task* t = k.running();
    auto* owner = static_cast<struct task_struct*>(lock->owner == SPINLOCK_OWNER_INIT ? nullptr : lock->owner);
    char line[256];
    std::snprintf(line, sizeof line, "BUG: spinlock %s on CPU#%d, %s/%d", msg, static_cast<int>(t->ts.cpu), t->comm(),
                  t->pid());
    k.bugs().record(k, std::string("spinlock ") + msg, line);
    printk_emit(k, LOGLEVEL_EMERG, line);
    std::string name = lock->dep_map.name ? lock->dep_map.name : k.symbols().symbolize(lock, true);
    std::snprintf(line, sizeof line, " lock: %s, .magic: %08x, .owner: %s/%d, .owner_cpu: %d", name.c_str(),
                  lock->magic, owner ? owner->comm : "<none>", owner ? owner->pid : -1, lock->owner_cpu);
    printk_emit(k, LOGLEVEL_EMERG, line);
    dump_stack(k, {"spin_bug", "do_raw_spin_lock"});
}

// spin_acquire() as lockdep sees it: spinlock_t's LD_WAIT_CONFIG is LD_WAIT_SPIN too.
LockAcquire spin_acquire(const char* fn, bool trylock = false) { return {fn, LD_WAIT_SPIN, trylock}; }

// `fn`: the locking function, for lockdep's traces.
void do_raw_spin_lock(raw_spinlock_t* lock, const char* fn) {
    Kernel& k = Kernel::get();
    Task* t = k.running();
    int cpu = static_cast<int>(t->ts.cpu);
    // Lockdep looks first (__raw_spin_lock()'s spin_acquire() comes before the debug checks):
    // an interrupt handler taking a lock its CPU holds is reported as an inconsistent lock
    // state, and then spins.
    lockdep_acquire(k, &lock->dep_map, lock, spin_acquire(fn));
    if (lock->magic != SPINLOCK_MAGIC) spin_bug(lock, "bad magic");
    if (lock->owner == &t->ts) spin_bug(lock, "recursion");
    if (lock->owner_cpu == cpu) spin_bug(lock, "cpu recursion");
    if (!lock->locked) {
        lock->locked = 1;
    } else {
        // Contended: spin, with a ticket, until an unlock hands the lock over.
        Locking& l = k.locking();
        SpinWaiter w{lock, l.next_ticket++, cpu, false};
        l.waiters.push_back(&w);
        lock->nr_spinning++;
        spin_until([&w] { return w.granted; });
        lock->nr_spinning--;
        l.waiters.erase(std::find(l.waiters.begin(), l.waiters.end(), &w));
    }
    lock->owner_cpu = static_cast<int>(k.running()->ts.cpu);
    lock->owner = &k.running()->ts;
}

int do_raw_spin_trylock(raw_spinlock_t* lock, const char* fn) {
    Kernel& k = Kernel::get();
    if (lock->locked) return 0;
    lock->locked = 1;
    lockdep_acquire(k, &lock->dep_map, lock, spin_acquire(fn, true));
    lock->owner_cpu = static_cast<int>(k.running()->ts.cpu);
    lock->owner = &k.running()->ts;
    return 1;
}

void do_raw_spin_unlock(raw_spinlock_t* lock) {
    Kernel& k = Kernel::get();
    Task* t = k.running();
    if (lock->magic != SPINLOCK_MAGIC) spin_bug(lock, "bad magic");
    if (!lock->locked) spin_bug(lock, "already unlocked");
    if (lock->owner != &t->ts) spin_bug(lock, "wrong owner");
    if (lock->owner_cpu != static_cast<int>(t->ts.cpu)) spin_bug(lock, "wrong CPU");
    lock->owner = SPINLOCK_OWNER_INIT;
    lock->owner_cpu = -1;
    lockdep_release(k, &lock->dep_map, lock);
    if (!lock->nr_spinning) {
        lock->locked = 0;
        return;
    }
    // Hand over to the earliest ticket; the cache line takes a moment to get there.
    SpinWaiter* next = nullptr;
    for (SpinWaiter* w : k.locking().waiters)
        if (w->lock == lock && !w->granted && (!next || w->ticket < next->ticket)) next = w;
    if (!next) {
        lock->locked = 0;
        return;
    }
    next->granted = true;
    k.cpu(next->cpu).poke(k.config.costs[Cost::spinlock_handover]);
}

}  // namespace

}  // namespace irqlab::kernel

using irqlab::kernel::Kernel;

extern "C" {

void __raw_spin_lock_init(raw_spinlock_t* lock, const char* name, struct lock_class_key* key) {
    lock->locked = 0;
    lock->magic = SPINLOCK_MAGIC;
    lock->owner_cpu = -1;
    lock->owner = SPINLOCK_OWNER_INIT;
    lock->nr_spinning = 0;
    lock->dep_map.key = key;
    lock->dep_map.name = name;
    lock->dep_map.class_cache = nullptr;
}

void __irqlab_spin_lock_init(spinlock_t* lock, const char* name, struct lock_class_key* key) {
    __raw_spin_lock_init(&lock->rlock, name, key);
    if (Kernel* k = Kernel::get_if()) k->drivers().note_probe_object(irqlab::kernel::ProbeObject::Spinlock, lock);
}

void _raw_spin_lock(raw_spinlock_t* lock) {
    preempt_disable();
    irqlab::kernel::do_raw_spin_lock(lock, "_raw_spin_lock");
}

void _raw_spin_lock_bh(raw_spinlock_t* lock) {
    Kernel::get().this_cpu().preempt_count += SOFTIRQ_LOCK_OFFSET;  // __local_bh_disable_ip
    irqlab::kernel::do_raw_spin_lock(lock, "_raw_spin_lock_bh");
}

void _raw_spin_lock_irq(raw_spinlock_t* lock) {
    local_irq_disable();
    preempt_disable();
    irqlab::kernel::do_raw_spin_lock(lock, "_raw_spin_lock_irq");
}

unsigned long _raw_spin_lock_irqsave(raw_spinlock_t* lock) {
    unsigned long flags;
    local_irq_save(flags);
    preempt_disable();
    irqlab::kernel::do_raw_spin_lock(lock, "_raw_spin_lock_irqsave");
    return flags;
}

int _raw_spin_trylock(raw_spinlock_t* lock) {
    preempt_disable();
    if (irqlab::kernel::do_raw_spin_trylock(lock, "_raw_spin_trylock")) return 1;
    preempt_enable();
    return 0;
}

int _raw_spin_trylock_bh(raw_spinlock_t* lock) {
    Kernel::get().this_cpu().preempt_count += SOFTIRQ_LOCK_OFFSET;
    if (irqlab::kernel::do_raw_spin_trylock(lock, "_raw_spin_trylock_bh")) return 1;
    Kernel::get().this_cpu().preempt_count -= PREEMPT_LOCK_OFFSET;
    local_bh_enable();
    return 0;
}

void _raw_spin_unlock(raw_spinlock_t* lock) {
    irqlab::kernel::do_raw_spin_unlock(lock);
    preempt_enable();
}

void _raw_spin_unlock_bh(raw_spinlock_t* lock) {
    irqlab::kernel::do_raw_spin_unlock(lock);
    // __local_bh_enable_ip(SOFTIRQ_LOCK_OFFSET): the preempt part and the BH part together.
    Kernel::get().this_cpu().preempt_count -= SOFTIRQ_LOCK_OFFSET - SOFTIRQ_DISABLE_OFFSET;
    local_bh_enable();
}

void _raw_spin_unlock_irq(raw_spinlock_t* lock) {
    irqlab::kernel::do_raw_spin_unlock(lock);
    local_irq_enable();
    preempt_enable();
}

void _raw_spin_unlock_irqrestore(raw_spinlock_t* lock, unsigned long flags) {
    irqlab::kernel::do_raw_spin_unlock(lock);
    local_irq_restore(flags);
    preempt_enable();
}

}  // extern "C"
