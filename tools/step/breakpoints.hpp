// The stepper's breakpoints: where `continue` stops. Each matches trace records of one
// kind (an irq's handler entry, a softirq's entry, a tasklet or work function starting,
// a NAPI poll, a BUG report) or a simulated time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace irqlab::step {

struct Breakpoint {
    enum class Kind { Irq, Vector, Softirq, Tasklet, Work, Napi, Time, Bug };
    int number = 0;
    Kind kind = Kind::Irq;
    std::int64_t value = 0;  // irq, vector, softirq number
    std::string name;        // tasklet, work function, NAPI device
    sim::Time time = 0;
    std::uint64_t hits = 0;

    bool matches(const sim::TraceRecord& r) const;
    // "irq 4", "softirq NET_RX", "tasklet kbd_bh", "time 5ms", "bug".
    std::string what() const;
};

class Breakpoints {
public:
    // Parses `break`'s words ("irq 4", "vector 0x22", "softirq NET_RX", "time 2ms") and
    // adds the breakpoint; returns its number, or 0 with `error` set.
    int add(const std::vector<std::string>& words, std::string& error);
    bool remove(int number);
    void clear() { list_.clear(); }
    void reset_hits() {
        for (Breakpoint& b : list_) b.hits = 0;
    }
    const std::vector<Breakpoint>& list() const { return list_; }
    Breakpoint* find(int number);
    // The first record breakpoint that `r` hits, or nullptr.
    Breakpoint* hit(const sim::TraceRecord& r);
    // The earliest time breakpoint after `now` (sim::kNever for none).
    sim::Time next_time(sim::Time now) const;
    // The time breakpoints in (from, to], latest last.
    std::vector<const Breakpoint*> times_in(sim::Time from, sim::Time to) const;
    bool empty() const { return list_.empty(); }

private:
    std::vector<Breakpoint> list_;
    int next_number_ = 1;
};

// The softirq vector named `name` (NET_RX, net_rx, NET_RX_SOFTIRQ), or -1.
int softirq_number(const std::string& name);

}  // namespace irqlab::step
