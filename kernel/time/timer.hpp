// The timer wheel (kernel/time/timer.c): per-CPU, jiffies-granular, expired in
// TIMER_SOFTIRQ. Buckets follow calc_wheel_index() exactly (a timer is rounded up to its
// level's granularity, one granule at least); within a bucket the newest runs first, as
// hlist_add_head() orders them.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

struct timer_list;
struct hrtimer;

namespace irqlab::kernel {

class Kernel;
class Cpu;
struct HrTimer;

class Timers {
public:
    explicit Timers(Kernel& k);

    // Queues `t` (not pending) on `cpu`'s wheel for t->expires.
    void enqueue(timer_list* t, int cpu);
    // Takes `t` off its wheel; returns whether it was pending.
    bool detach(timer_list* t);
    // Whether `cpu` has a timer whose bucket has come.
    bool due(int cpu) const;
    // The earliest bucket on `cpu`'s wheel, or ~0UL.
    unsigned long next_bucket(int cpu) const;
    // TIMER_SOFTIRQ on `cpu`: runs every timer that was due when it started.
    void run(Cpu& cpu);
    // The timer whose callback `cpu` is running (del_timer_sync waits for it).
    const timer_list* running(int cpu) const { return running_[static_cast<std::size_t>(cpu)]; }
    bool is_running(const timer_list* t) const;

    std::uint64_t next_seq() { return ++seq_; }
    // The pending timers whose struct lies in [lo, hi) (debugobjects' check of a free).
    std::vector<timer_list*> pending_in(std::uintptr_t lo, std::uintptr_t hi) const;

    // --- the driver-facing hrtimers (hrtimer_api.cpp) ---
    // Opens HRTIMER_SOFTIRQ.
    void hrtimer_init_softirq(Kernel& k);
    // The kernel's queue entry for a driver's hrtimer, made on first use (map nodes never
    // move; kept until the kernel goes).
    HrTimer& hrtimer_of(struct hrtimer* t);
    // The driver hrtimers known so far whose struct lies in [lo, hi) (a free's check).
    std::vector<struct hrtimer*> hrtimers_in(std::uintptr_t lo, std::uintptr_t hi) const;
    // Forgets a freed one's queue entry, unless it is still queued.
    void forget_hrtimer(const struct hrtimer* t);
    // Soft timers found due by `cpu`'s timer interrupt, for its HRTIMER_SOFTIRQ.
    std::vector<struct hrtimer*>& hrtimer_soft_due(int cpu) { return hr_soft_due_[static_cast<std::size_t>(cpu)]; }

    // calc_wheel_index(): the bucket's expiry, and (in `idx`) its index in the wheel.
    static unsigned long bucket_expiry(unsigned long expires, unsigned long clk, unsigned hz, unsigned* idx = nullptr);

private:
    using Key = std::pair<unsigned long, std::uint64_t>;  // (bucket, ~seq)
    Kernel& k_;
    std::vector<std::map<Key, timer_list*>> wheels_;
    std::vector<const timer_list*> running_;
    std::uint64_t seq_ = 0;
    std::unordered_map<const struct hrtimer*, HrTimer> hrtimers_;
    std::vector<std::vector<struct hrtimer*>> hr_soft_due_;
};

}  // namespace irqlab::kernel
