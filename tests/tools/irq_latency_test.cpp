// The summary's interrupt latency: line change to handler entry, along the cause links.
#include <catch2/catch.hpp>

#include "kernel/trace/events.hpp"
#include "tools/output/irq_latency.hpp"

using namespace irqlab;
using Ev = kernel::trace::Ev;

namespace {
sim::TraceRecord rec(std::uint64_t seq, std::uint64_t cause, sim::Time t, Ev kind, std::int64_t a0) {
    sim::TraceRecord r;
    r.seq = seq;
    r.cause = cause;
    r.time = t;
    r.kind = static_cast<std::uint16_t>(kind);
    r.arg[0] = a0;
    return r;
}
}  // namespace

TEST_CASE("latency runs from the line's assertion to the first handler entry it caused, once per assertion") {
    output::IrqLatency lat;
    lat.on_record(rec(1, 0, 1000, Ev::irqlab_line, 1));           // assert
    lat.on_record(rec(2, 1, 1000, Ev::irqlab_ioapic_send, 17));
    lat.on_record(rec(3, 2, 1100, Ev::irqlab_lapic_irr, 32));
    lat.on_record(rec(4, 3, 1400, Ev::irqlab_lapic_accept, 32));
    lat.on_record(rec(5, 4, 1500, Ev::irq_handler_entry, 17));    // 500ns after the assertion
    lat.on_record(rec(6, 4, 1600, Ev::irq_handler_entry, 17));    // a shared line's second action
    lat.on_record(rec(7, 1, 9000, Ev::irqlab_ioapic_send, 17));   // re-sent: the line stayed asserted
    lat.on_record(rec(8, 7, 9100, Ev::irqlab_lapic_irr, 32));
    lat.on_record(rec(9, 8, 9400, Ev::irqlab_lapic_accept, 32));
    lat.on_record(rec(10, 9, 9500, Ev::irq_handler_entry, 17));
    lat.on_record(rec(11, 0, 20000, Ev::irqlab_line, 0));         // a deassertion is no request
    auto stats = lat.stats();
    REQUIRE(stats.count(17) == 1);
    CHECK(stats[17].count == 1);
    CHECK(stats[17].median == 500);
    CHECK(stats[17].max == 500);
}

TEST_CASE("latencies of several interrupts give their median, 99th percentile and maximum") {
    output::IrqLatency lat;
    std::uint64_t seq = 0;
    for (sim::Time d : {300, 100, 200, 900}) {
        std::uint64_t line = seq + 1, send = seq + 2, entry = seq + 3;
        seq += 3;
        lat.on_record(rec(line, 0, 0, Ev::irqlab_line, 2));
        lat.on_record(rec(send, line, 0, Ev::irqlab_ioapic_send, 5));
        lat.on_record(rec(entry, send, d, Ev::irq_handler_entry, 5));
    }
    auto s = lat.stats()[5];
    CHECK(s.count == 4);
    CHECK(s.min == 100);
    CHECK(s.median == 200);
    CHECK(s.max == 900);
    CHECK(s.p99 == 900);
}
