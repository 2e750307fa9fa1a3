// Interrupt latency per IRQ: from the device's line change (assertion or edge) to the
// first handler's entry, following the trace's cause links (line -> IO-APIC message ->
// local APIC IRR -> accepted -> irq_handler_entry). Each line change is measured once, at
// the first delivery it caused: the IO-APIC re-sending a level line that stayed asserted
// is not a new request, and a replayed (resent) interrupt has no line change behind it.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "sim/trace.hpp"

namespace irqlab::output {

class IrqLatency final : public sim::TraceSubscriber {
public:
    void on_record(const sim::TraceRecord& r) override;

    struct Stats {
        std::uint64_t count = 0;
        sim::Time min = 0, median = 0, p99 = 0, max = 0;
    };
    // Per IRQ number, in order.
    std::map<int, Stats> stats() const;

private:
    void prune(std::uint64_t now_seq);
    // The records of a delivery, each to the record it came from; line changes not yet
    // measured, with their times.
    std::unordered_map<std::uint64_t, std::uint64_t> links_;
    std::unordered_map<std::uint64_t, sim::Time> origins_;
    std::map<int, std::vector<sim::Time>> samples_;
};

}  // namespace irqlab::output
