// Ordering expectations ("tasklet kbd_bh runs after irq 1, on the same CPU"), followed on
// the trace while the run goes: each occurrence of `then` must have an occurrence of
// `first` before it, since the previous `then` (on the same CPU, unless same_cpu is
// false). Coalescing is fine (two interrupts, one tasklet run); a `then` with no `first`
// of its own (a tasklet that reschedules itself, a work item queued by someone else) is a
// violation, reported with its time and CPU.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace.hpp"

namespace irqlab::scenario {

// One event as a scenario names it: "irq 17", "softirq NET_RX", "tasklet kbd_bh",
// "work uart_work", "napi eth0", "wakeup reader", "line irqgen.0".
struct EventName {
    std::string text;
    std::uint16_t kind = 0;  // kernel::trace::Ev
    std::int64_t number = -1;  // irq or softirq vector
    std::string name;          // function, device or comm
};

// Parses `text`; false (and `error`) when it names no event kind irqlab traces.
bool parse_event_name(const std::string& text, EventName& out, std::string* error);

struct OrderExpect {
    EventName first, then;
    bool same_cpu = true;
};

class OrderCheck final : public sim::TraceSubscriber {
public:
    struct Result {
        std::uint64_t firsts = 0, thens = 0, violations = 0;
        sim::Time first_violation = -1;
        int violation_cpu = -1;
    };

    OrderCheck(const std::vector<OrderExpect>& rules, int cpus);
    void on_record(const sim::TraceRecord& r) override;
    const std::vector<Result>& results() const { return results_; }

private:
    const std::vector<OrderExpect>& rules_;
    std::vector<Result> results_;
    std::vector<std::vector<bool>> armed_;  // per rule, per CPU (one slot when not same_cpu)
};

}  // namespace irqlab::scenario
