#include "kernel/time/timer.hpp"

#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/timer.h>

#include "kernel/debugobjects.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/tick.hpp"

namespace irqlab::kernel {

namespace {
constexpr unsigned kLvlClkShift = 3;
constexpr unsigned kLvlBits = 6;
constexpr unsigned long kLvlSize = 1UL << kLvlBits;
constexpr unsigned long lvl_shift(unsigned n) { return n * kLvlClkShift; }
constexpr unsigned long lvl_gran(unsigned n) { return 1UL << lvl_shift(n); }
constexpr unsigned long lvl_start(unsigned n) { return (kLvlSize - 1) << ((n - 1) * kLvlClkShift); }

unsigned long calc_index(unsigned long expires, unsigned lvl, unsigned* idx) {
    expires = (expires >> lvl_shift(lvl)) + 1;
    if (idx) *idx = static_cast<unsigned>(lvl * kLvlSize + (expires & (kLvlSize - 1)));
    return expires << lvl_shift(lvl);
}
}  // namespace

// calc_wheel_index(), returning only the bucket's expiry.
unsigned long Timers::bucket_expiry(unsigned long expires, unsigned long clk, unsigned hz, unsigned* idx) {
    const unsigned depth = hz > 100 ? 9 : 8;
    unsigned long delta = expires - clk;
    for (unsigned lvl = 0; lvl + 1 < depth; ++lvl)
        if (delta < lvl_start(lvl + 1)) return calc_index(expires, lvl, idx);
    if (static_cast<long>(delta) < 0) {
        if (idx) *idx = static_cast<unsigned>(clk & (kLvlSize - 1));
        return clk;
    }
    const unsigned long cutoff = lvl_start(depth);
    if (delta >= cutoff) expires = clk + (cutoff - lvl_gran(depth - 1));
    return calc_index(expires, depth - 1, idx);
}

Timers::Timers(Kernel& k)
    : k_(k), wheels_(static_cast<std::size_t>(k.nr_cpus())), running_(static_cast<std::size_t>(k.nr_cpus()), nullptr) {}

void Timers::enqueue(timer_list* t, int cpu) {
    unsigned long clk = jiffies_at(k_, k_.now());
    unsigned idx = 0;
    t->__bucket_expiry = bucket_expiry(t->expires, clk, k_.config.hz, &idx);
    t->__seq = next_seq();
    t->flags = (t->flags & ~(TIMER_BASEMASK | TIMER_ARRAYMASK)) | static_cast<u32>(cpu) | (idx << TIMER_ARRAYSHIFT);
    t->entry.pprev = &t->entry.next;  // pending
    wheels_[static_cast<std::size_t>(cpu)].emplace(Key{t->__bucket_expiry, ~t->__seq}, t);
    tick_nohz_timer_added(k_.cpu(cpu), t->__bucket_expiry);
}

std::vector<timer_list*> Timers::pending_in(std::uintptr_t lo, std::uintptr_t hi) const {
    std::vector<timer_list*> out;
    for (const auto& wheel : wheels_)
        for (const auto& [key, t] : wheel) {
            auto a = reinterpret_cast<std::uintptr_t>(t);
            if (a >= lo && a < hi) out.push_back(t);
        }
    return out;
}

bool Timers::detach(timer_list* t) {
    if (!t->entry.pprev) return false;
    auto& wheel = wheels_[t->flags & TIMER_CPUMASK];
    wheel.erase(Key{t->__bucket_expiry, ~t->__seq});
    t->entry.pprev = nullptr;
    t->entry.next = nullptr;
    return true;
}

bool Timers::due(int cpu) const {
    const auto& wheel = wheels_[static_cast<std::size_t>(cpu)];
    return !wheel.empty() && wheel.begin()->first.first <= jiffies_at(k_, k_.now());
}

unsigned long Timers::next_bucket(int cpu) const {
    const auto& wheel = wheels_[static_cast<std::size_t>(cpu)];
    return wheel.empty() ? ~0UL : wheel.begin()->first.first;
}

bool Timers::is_running(const timer_list* t) const {
    for (const timer_list* r : running_)
        if (r == t) return true;
    return false;
}

void Timers::run(Cpu& cpu) {
    auto& wheel = wheels_[static_cast<std::size_t>(cpu.id)];
    unsigned long now = jiffies_at(k_, k_.now());
    // Take the due ones off first: a callback re-arming its timer lands in a later run.
    std::vector<std::pair<timer_list*, unsigned long>> due;
    while (!wheel.empty() && wheel.begin()->first.first <= now) {
        due.emplace_back(wheel.begin()->second, wheel.begin()->second->__seq);
        wheel.erase(wheel.begin());
    }
    for (auto [t, seq] : due) {
        // Deleted, or re-armed, by an earlier callback of this batch.
        if (!t->entry.pprev || t->__seq != seq) continue;
        t->entry.pprev = nullptr;
        t->entry.next = nullptr;
        auto fn = t->function;
        running_[static_cast<std::size_t>(cpu.id)] = t;
        const char* name = k_.symbols().name_of(reinterpret_cast<const void*>(fn));
        Task& task = *k_.running();
        std::uint64_t saved = task.cause;
        if (k_.tracing()) {
            sim::TraceRecord r;
            r.ptr = t;
            r.str[0] = name;
            r.arg[0] = static_cast<std::int64_t>(now);
            task.cause = k_.emit(trace::Ev::timer_expire_entry, r);
        }
        task.frames.emplace_back(name, task.frames.empty() ? false : task.frames.back().irq);
        fn(t);
        task.frames.pop_back();
        if (k_.tracing()) {
            sim::TraceRecord r;
            r.ptr = t;
            k_.emit(trace::Ev::timer_expire_exit, r);
        }
        task.cause = saved;
        running_[static_cast<std::size_t>(cpu.id)] = nullptr;
        k_.wake_spinners();  // del_timer_sync() callers wait for this
    }
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API (include/linux/timer.h).

using irqlab::kernel::Kernel;

namespace {

void trace_start(Kernel& k, timer_list* t) {
    if (!k.tracing()) return;
    irqlab::sim::TraceRecord r;
    r.ptr = t;
    r.str[0] = k.symbols().name_of(reinterpret_cast<const void*>(t->function));
    r.arg[0] = static_cast<std::int64_t>(t->expires);
    r.arg[1] = static_cast<std::int64_t>(t->expires - irqlab::kernel::jiffies_at(k, k.now()));
    r.arg[2] = static_cast<std::int64_t>(t->flags & TIMER_CPUMASK);
    r.arg[3] = static_cast<std::int64_t>(t->__bucket_expiry);
    r.arg[4] = static_cast<std::int64_t>(t->flags);  // CPU, flags and the wheel index, as Linux packs them
    k.emit(irqlab::kernel::trace::Ev::timer_start, r);
}

// __mod_timer(): (re)queue on the current CPU, or on `cpu` when pinned there.
int mod_timer_on(timer_list* t, unsigned long expires, int cpu, bool pending_only) {
    Kernel& k = Kernel::get();
    if (pending_only && !timer_pending(t)) return 0;
    if (timer_pending(t) && t->expires == expires) return 1;
    bool was_pending = k.timers().detach(t);
    t->expires = expires;
    if (cpu < 0) cpu = k.this_cpu().id;
    k.timers().enqueue(t, cpu);
    trace_start(k, t);
    return was_pending ? 1 : 0;
}

}  // namespace

extern "C" {

void __init_timer(struct timer_list* timer, void (*func)(struct timer_list*), unsigned int flags) {
    irqlab::kernel::debug_object_init(timer);
    timer->entry.next = nullptr;
    timer->entry.pprev = nullptr;
    timer->function = func;
    timer->flags = flags & TIMER_INIT_FLAGS;
    timer->__bucket_expiry = 0;
    timer->__seq = 0;
}

void add_timer(struct timer_list* timer) {
    if (WARN_ON_ONCE(timer_pending(timer))) return;
    mod_timer_on(timer, timer->expires, -1, false);
}

void add_timer_on(struct timer_list* timer, int cpu) {
    if (WARN_ON_ONCE(timer_pending(timer))) return;
    mod_timer_on(timer, timer->expires, cpu, false);
}

void add_timer_global(struct timer_list* timer) { add_timer(timer); }

int mod_timer(struct timer_list* timer, unsigned long expires) { return mod_timer_on(timer, expires, -1, false); }

int mod_timer_pending(struct timer_list* timer, unsigned long expires) {
    return mod_timer_on(timer, expires, -1, true);
}

int timer_reduce(struct timer_list* timer, unsigned long expires) {
    if (timer_pending(timer) && !time_before(expires, timer->expires)) return 1;
    return mod_timer_on(timer, expires, -1, false);
}

int __timer_delete(struct timer_list* timer) {
    Kernel& k = Kernel::get();
    bool was = k.timers().detach(timer);
    if (was && k.tracing()) {
        irqlab::sim::TraceRecord r;
        r.ptr = timer;
        k.emit(irqlab::kernel::trace::Ev::timer_cancel, r);
    }
    return was ? 1 : 0;
}

int try_to_del_timer_sync(struct timer_list* timer) {
    Kernel& k = Kernel::get();
    if (k.timers().is_running(timer)) return -1;
    return timer_delete(timer);
}

int timer_delete_sync(struct timer_list* timer) {
    Kernel& k = Kernel::get();
    // kernel/time/timer.c __timer_delete_sync(): not from hardirq unless IRQSAFE.
    WARN_ON(in_hardirq() && !(timer->flags & TIMER_IRQSAFE));
    int ret = timer_delete(timer);
    // Wait while its callback runs on another CPU (Linux spins; from its own callback this
    // never ends, as in Linux).
    irqlab::kernel::spin_until([&] { return !k.timers().is_running(timer); });
    return ret;
}

int timer_shutdown_sync(struct timer_list* timer) {
    int ret = timer_delete_sync(timer);
    timer->function = nullptr;
    return ret;
}

}  // extern "C"
