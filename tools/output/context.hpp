// The contexts a CPU nests, as the trace shows them entered and left: what a record does
// to its CPU's context stack. The trace consumers that draw a CPU's nesting (the JSON
// trace, the terminal timeline) read the records through this one table.
//
// Stateless: each consumer keeps its own stack. The rule they share: an exit leaves the
// innermost context of its kind (and key) and everything still open above it, and a
// sched_switch leaves them all (nothing outlives a switch).
#pragma once

#include <cstdint>

#include "sim/trace.hpp"

namespace irqlab::output {

// preempt_count() bits (include/linux/preempt.h).
inline constexpr std::uint32_t kSoftirqOffset = 0x00000100;  // serving a softirq (SOFTIRQ_OFFSET)
inline constexpr std::uint32_t kHardirqMask = 0x000f0000;    // HARDIRQ_MASK
inline constexpr std::uint32_t kNmiMask = 0x00f00000;        // NMI_MASK
// in_interrupt() while serving: NMI, hardirq or a softirq (not a bh-disabled section).
inline constexpr std::uint32_t kInIrq = kNmiMask | kHardirqMask | kSoftirqOffset;

enum class Context : std::uint8_t {
    Hardirq,  // an irq handler (irq_handler_entry/exit); key: the irq
    Sysvec,   // a system vector: local timer, reschedule, call function; key: its entry's kind
    Softirq,  // a softirq vector's action; key: the vector
    Tasklet,  // key: -1
    Work,     // a work item: in its kworker, or in the softirq for a BH workqueue; key: -1
    Timer,    // a timer_list callback (in TIMER_SOFTIRQ); key: -1
    Hrtimer,  // an hrtimer callback; key: -1
};

struct ContextChange {
    enum class Op : std::uint8_t { None, Enter, Exit };
    Op op = Op::None;
    Context context = Context::Hardirq;
    std::int64_t key = -1;  // what an exit names of its entry; -1 on an exit: any
};

// What `r` does to the contexts of the CPU it was emitted on. A work item's records say
// Enter/Exit Work wherever it runs: the caller tells a BH work item (r.preempt_count has
// kSoftirqOffset) from a kworker's.
ContextChange context_change(const sim::TraceRecord& r);

}  // namespace irqlab::output
