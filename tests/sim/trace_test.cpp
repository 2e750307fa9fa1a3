#include <catch2/catch.hpp>

#include <vector>

#include "sim/trace.hpp"

using namespace irqlab::sim;

namespace {
struct Collect : TraceSubscriber {
    std::vector<std::uint64_t> seqs;
    void on_record(const TraceRecord& r) override { seqs.push_back(r.seq); }
};
}  // namespace

TEST_CASE("the trace bus numbers records globally and delivers to every subscriber in order") {
    TraceBus bus;
    CHECK_FALSE(bus.active());
    Collect a, b;
    bus.subscribe(&a);
    bus.subscribe(&b);
    CHECK(bus.active());
    TraceRecord r1, r2;
    CHECK(bus.emit(r1) == 1);
    CHECK(bus.emit(r2) == 2);
    CHECK(a.seqs == std::vector<std::uint64_t>{1, 2});
    CHECK(b.seqs == a.seqs);
    bus.unsubscribe(&a);
    TraceRecord r3;
    bus.emit(r3);
    CHECK(a.seqs.size() == 2);
    CHECK(b.seqs.size() == 3);
}
