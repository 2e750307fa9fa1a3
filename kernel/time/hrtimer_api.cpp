// The driver-facing hrtimer API (kernel/time/hrtimer.c) on the per-CPU hrtimer queues of
// hrtimer.hpp. Each struct hrtimer gets the kernel's HrTimer for it at init; hard timers
// run their callback in the local timer interrupt, soft ones are handed to HRTIMER_SOFTIRQ
// (hrtimer_run_softirq), and HRTIMER_RESTART re-enqueues at the forwarded expiry
// (__run_hrtimer).
#include <linux/hrtimer.h>
#include <linux/interrupt.h>

#include <algorithm>

#include "kernel/debugobjects.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/hrtimer.hpp"
#include "kernel/time/timer.hpp"

namespace irqlab::kernel {

namespace {

void trace_hr(Kernel& k, trace::Ev kind, struct hrtimer* t, bool with_function, std::int64_t a0 = 0,
           std::int64_t a1 = 0, std::int64_t a2 = 0, std::int64_t a3 = 0) {
    if (!k.tracing()) return;
    sim::TraceRecord r;
    r.ptr = t;
    if (with_function) r.str[0] = k.symbols().name_of(reinterpret_cast<const void*>(t->function));
    r.arg[0] = a0;
    r.arg[1] = a1;
    r.arg[2] = a2;
    r.arg[3] = a3;
    k.emit(kind, r);
}

void enqueue(Kernel& k, struct hrtimer* t, int cpu);

// __run_hrtimer(): the callback with the timer marked running; RESTART re-enqueues it at
// the expiry the callback forwarded it to, unless it was started again meanwhile.
void run_hrtimer(Kernel& k, struct hrtimer* t) {
    trace_hr(k, trace::Ev::hrtimer_expire_entry, t, true, k.now());
    Task& task = *k.running();
    bool irq = !task.frames.empty() && task.frames.back().irq;
    task.frames.emplace_back(k.symbols().name_of(reinterpret_cast<const void*>(t->function)), irq);
    t->__running = 1;
    enum hrtimer_restart restart = t->function(t);
    t->__running = 0;
    k.running()->frames.pop_back();
    trace_hr(k, trace::Ev::hrtimer_expire_exit, t, false);
    if (restart != HRTIMER_NORESTART && !(t->state & HRTIMER_STATE_ENQUEUED)) enqueue(k, t, k.this_cpu().id);
    k.wake_spinners();  // hrtimer_cancel() callers wait for the callback
}

// The queue's expiry of one of ours, in the local timer interrupt.
void expired(HrTimer& h) {
    auto* t = static_cast<struct hrtimer*>(h.owner);
    Kernel& k = Kernel::get();
    if (t->is_soft) {
        // Still enqueued (in the soft base) until HRTIMER_SOFTIRQ runs it.
        k.timers().hrtimer_soft_due(k.this_cpu().id).push_back(t);
        raise_softirq_irqoff(k.this_cpu(), HRTIMER_SOFTIRQ);
        return;
    }
    t->state = HRTIMER_STATE_INACTIVE;
    run_hrtimer(k, t);
}

void enqueue(Kernel& k, struct hrtimer* t, int cpu) {
    HrTimer& h = k.timers().hrtimer_of(t);
    t->state = HRTIMER_STATE_ENQUEUED;
    hrtimer_start(k.cpu(cpu), h, static_cast<sim::Time>(t->_softexpires), static_cast<sim::Time>(t->__expires));
}

// remove_hrtimer(): off its queue (or the softirq's list of due ones). Whether it was on one.
bool remove(Kernel& k, struct hrtimer* t) {
    if (!(t->state & HRTIMER_STATE_ENQUEUED)) return false;
    hrtimer_cancel(k.timers().hrtimer_of(t));
    for (int cpu = 0; cpu < k.nr_cpus(); ++cpu) std::erase(k.timers().hrtimer_soft_due(cpu), t);
    t->state = HRTIMER_STATE_INACTIVE;
    return true;
}

}  // namespace

// decode_hrtimer_mode() of the trace event: enum hrtimer_mode's values are 0..11 in this order.
const char* hrtimer_mode_name(std::int64_t mode) {
    static const char* const names[] = {"ABS",      "REL",      "ABS|PINNED",      "REL|PINNED",
                                        "ABS|SOFT", "REL|SOFT", "ABS|PINNED|SOFT", "REL|PINNED|SOFT",
                                        "ABS|HARD", "REL|HARD", "ABS|PINNED|HARD", "REL|PINNED|HARD"};
    static_assert(HRTIMER_MODE_REL_PINNED_HARD == 11);
    return mode >= 0 && mode <= HRTIMER_MODE_REL_PINNED_HARD ? names[mode] : "?";
}

// hrtimer_run_softirq(): the soft timers the interrupt found due, in expiry order.
void hrtimer_run_softirq() {
    Kernel& k = Kernel::get();
    auto& due = k.timers().hrtimer_soft_due(k.this_cpu().id);
    std::vector<struct hrtimer*> run;
    run.swap(due);
    std::stable_sort(run.begin(), run.end(),
                     [](const struct hrtimer* a, const struct hrtimer* b) { return a->__expires < b->__expires; });
    for (struct hrtimer* t : run) {
        if (!(t->state & HRTIMER_STATE_ENQUEUED)) continue;  // cancelled meanwhile
        t->state = HRTIMER_STATE_INACTIVE;
        run_hrtimer(k, t);
    }
}

void Timers::hrtimer_init_softirq(Kernel& k) {
    hr_soft_due_.resize(static_cast<std::size_t>(k.nr_cpus()));
    k.softirqs().open(HRTIMER_SOFTIRQ, hrtimer_run_softirq, "hrtimer_run_softirq");
}

HrTimer& Timers::hrtimer_of(struct hrtimer* t) {
    HrTimer& h = hrtimers_[t];
    h.owner = t;
    h.function = expired;
    return h;
}

std::vector<struct hrtimer*> Timers::hrtimers_in(std::uintptr_t lo, std::uintptr_t hi) const {
    std::vector<struct hrtimer*> out;
    for (const auto& [t, h] : hrtimers_) {
        auto a = reinterpret_cast<std::uintptr_t>(t);
        if (a >= lo && a < hi) out.push_back(static_cast<struct hrtimer*>(h.owner));
    }
    return out;
}

void Timers::forget_hrtimer(const struct hrtimer* t) {
    auto it = hrtimers_.find(t);
    if (it != hrtimers_.end() && it->second.cpu < 0) hrtimers_.erase(it);
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API.

using irqlab::kernel::Kernel;

extern "C" {

void hrtimer_init(struct hrtimer* timer, int, enum hrtimer_mode mode) {
    Kernel& k = Kernel::get();
    // A timer initialized again while armed would lose its queue entry: take it off first.
    irqlab::kernel::remove(k, timer);
    irqlab::kernel::debug_object_init(timer);
    *timer = {};
    timer->is_soft = (mode & HRTIMER_MODE_SOFT) != 0;
    timer->is_hard = !timer->is_soft;
    timer->is_rel = (mode & HRTIMER_MODE_REL) != 0;
}

void __hrtimer_setup(struct hrtimer* timer, enum hrtimer_restart (*function)(struct hrtimer*), int clock_id,
                     enum hrtimer_mode mode) {
    hrtimer_init(timer, clock_id, mode);
    timer->function = function;
}

void hrtimer_start_range_ns(struct hrtimer* timer, ktime_t tim, u64 range_ns, const enum hrtimer_mode mode) {
    Kernel& k = Kernel::get();
    bool was_armed = irqlab::kernel::remove(k, timer);
    if (mode & HRTIMER_MODE_REL) tim = ktime_add(tim, static_cast<ktime_t>(k.now()));
    hrtimer_set_expires_range_ns(timer, tim, range_ns);
    irqlab::kernel::trace_hr(k, irqlab::kernel::trace::Ev::hrtimer_start, timer, true, timer->__expires,
                          timer->_softexpires, mode, was_armed);
    irqlab::kernel::enqueue(k, timer, k.this_cpu().id);
}

int hrtimer_try_to_cancel(struct hrtimer* timer) {
    Kernel& k = Kernel::get();
    if (hrtimer_callback_running(timer)) return -1;
    if (!irqlab::kernel::remove(k, timer)) return 0;
    irqlab::kernel::trace_hr(k, irqlab::kernel::trace::Ev::hrtimer_cancel, timer, false);
    return 1;
}

// hrtimer_cancel(): a callback running on another CPU is waited for (hrtimer_cancel_wait_running()
// spins with cpu_relax() on !PREEMPT_RT).
int hrtimer_cancel(struct hrtimer* timer) {
    for (;;) {
        int ret = hrtimer_try_to_cancel(timer);
        if (ret >= 0) return ret;
        irqlab::kernel::spin_until([timer] { return !hrtimer_callback_running(timer); });
    }
}

u64 hrtimer_forward(struct hrtimer* timer, ktime_t now, ktime_t interval) {
    ktime_t delta = ktime_sub(now, hrtimer_get_expires(timer));
    if (delta < 0) return 0;
    if (timer->state & HRTIMER_STATE_ENQUEUED) {
        Kernel& k = Kernel::get();
        irqlab::kernel::warn_report(k, irqlab::kernel::bug::kWarning, "kernel/time/hrtimer.c", 1056, "hrtimer_forward", "");
        return 0;
    }
    if (interval < 1) interval = 1;  // hrtimer_resolution: 1 ns with high resolution
    u64 orun = 1;
    if (delta >= interval) {
        s64 incr = ktime_to_ns(interval);
        orun = static_cast<u64>(delta / incr);
        hrtimer_add_expires_ns(timer, static_cast<u64>(incr) * orun);
        if (hrtimer_get_expires(timer) > now) return orun;
        orun++;
    }
    hrtimer_add_expires_ns(timer, static_cast<u64>(interval));
    return orun;
}

bool hrtimer_active(const struct hrtimer* timer) { return (timer->state & HRTIMER_STATE_ENQUEUED) || timer->__running; }

ktime_t hrtimer_get_remaining(const struct hrtimer* timer) {
    return ktime_sub(hrtimer_get_expires(timer), static_cast<ktime_t>(Kernel::get().now()));
}

}  // extern "C"
