// The irqgen model and the bus it sits on: registers, line levels, faults (no driver: the
// test plays the driver through the bus).
#include <catch2/catch.hpp>

#include "devices/bus/bus.hpp"
#include "devices/irqgen/irqgen.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/irq_source.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::dev::Bus;
using irqlab::dev::Irqgen;
using irqlab::test::Machine;

namespace {
constexpr sim::Time us = 1000;

struct Board {
    Machine m;
    Bus bus{m.k, m.k.ioapic()};
    std::uint64_t base(const Irqgen& g) const { return g.resources()[0].start; }
};

Irqgen::Config level(int line) {
    Irqgen::Config c;
    c.line = line;
    c.level = true;
    return c;
}
}  // namespace

TEST_CASE("irqgen level: the line is asserted while ENABLE and PENDING, until the driver writes ACK") {
    Board b;
    Irqgen::Config c = level(17);
    c.at = {10 * us};
    Irqgen g(b.bus, c, "irqgen.0");
    g.start();
    b.m.run_until(20 * us);
    // Not enabled yet: the event is pending, the line quiet.
    CHECK(b.bus.mmio_read(b.base(g) + Irqgen::STATUS, 4) == Irqgen::STATUS_PENDING);
    CHECK_FALSE(b.bus.line_asserted(17));
    b.bus.mmio_write(b.base(g) + Irqgen::CTRL, Irqgen::CTRL_ENABLE, 4);
    CHECK(b.bus.line_asserted(17));
    CHECK(b.m.k.ioapic().input(17));
    b.bus.mmio_write(b.base(g) + Irqgen::ACK, Irqgen::STATUS_PENDING, 4);
    CHECK_FALSE(b.bus.line_asserted(17));
    CHECK(b.bus.mmio_read(b.base(g) + Irqgen::STATUS, 4) == 0);
    CHECK(b.bus.mmio_read(b.base(g) + Irqgen::COUNT, 4) == 1);
}

TEST_CASE("two devices on one level line form a wired-OR: the line drops when the last one does") {
    Board b;
    Irqgen::Config c = level(17);
    c.at = {10 * us};
    Irqgen g0(b.bus, c, "irqgen.0");
    Irqgen g1(b.bus, c, "irqgen.1");
    for (Irqgen* g : {&g0, &g1}) {
        b.bus.mmio_write(b.base(*g) + Irqgen::CTRL, Irqgen::CTRL_ENABLE, 4);
        g->start();
    }
    b.m.run_until(20 * us);
    CHECK(b.bus.line_asserted(17));
    b.bus.mmio_write(b.base(g0) + Irqgen::ACK, 1, 4);
    CHECK(b.bus.line_asserted(17));  // irqgen.1 still holds it
    b.bus.mmio_write(b.base(g1) + Irqgen::ACK, 1, 4);
    CHECK_FALSE(b.bus.line_asserted(17));
}

TEST_CASE("irqgen edge: one IO-APIC message per event while enabled, none while disabled") {
    Board b;
    Irqgen::Config c;
    c.line = 5;
    c.every = 10 * us;
    c.start = 10 * us;
    c.count = 4;
    Irqgen g(b.bus, c, "irqgen.0");
    g.start();
    b.m.run_until(25 * us);  // two events while disabled: nothing sent
    CHECK(b.m.k.ioapic().messages_sent(5) == 0);
    b.bus.mmio_write(b.base(g) + Irqgen::CTRL, Irqgen::CTRL_ENABLE, 4);  // pending: one edge now
    b.m.run_until(100 * us);
    CHECK(g.events() == 4);
    CHECK(b.m.k.ioapic().messages_sent(5) == 0);  // the pin is masked: no driver requested IRQ 5
    CHECK_FALSE(b.bus.line_asserted(5));          // edges leave the line low
}

TEST_CASE("the stuck fault keeps a level line asserted after ACK, with nothing pending") {
    Board b;
    Irqgen::Config c = level(19);
    c.at = {10 * us};
    c.stuck = true;
    Irqgen g(b.bus, c, "irqgen.0");
    b.bus.mmio_write(b.base(g) + Irqgen::CTRL, Irqgen::CTRL_ENABLE, 4);
    g.start();
    b.m.run_until(20 * us);
    b.bus.mmio_write(b.base(g) + Irqgen::ACK, 1, 4);
    CHECK(b.bus.mmio_read(b.base(g) + Irqgen::STATUS, 4) == 0);
    CHECK(b.bus.line_asserted(19));
}

TEST_CASE("a spurious level fire holds the line 500ns with nothing pending") {
    Board b;
    Irqgen::Config c = level(18);
    c.spurious = {10 * us};
    Irqgen g(b.bus, c, "irqgen.0");
    g.start();
    b.m.run_until(10 * us);
    CHECK(b.bus.line_asserted(18));
    CHECK(b.bus.mmio_read(b.base(g) + Irqgen::STATUS, 4) == 0);
    b.m.run_until(10 * us + 500);
    CHECK_FALSE(b.bus.line_asserted(18));
}

TEST_CASE("an access nobody answers reads all ones, as a floating bus does") {
    Board b;
    CHECK(b.bus.port_read(0x3f8, 1) == 0xff);
    CHECK(b.bus.port_read(0x3f8, 2) == 0xffff);
    CHECK(b.bus.mmio_read(0xfe000000, 4) == 0xffffffffULL);
    CHECK(b.bus.mmio_read(0xfe000000, 8) == ~0ULL);
}

TEST_CASE("DMA reaches mapped memory only; other accesses fault and are counted") {
    Board b;
    unsigned char buf[64] = {};
    std::uint64_t addr = b.bus.dma_map(buf, sizeof buf);
    const char msg[] = "packet";
    CHECK(b.bus.dma_write(addr + 8, msg, sizeof msg));
    CHECK(std::string(reinterpret_cast<char*>(buf + 8)) == "packet");
    char out[4];
    CHECK_FALSE(b.bus.dma_read(addr + 62, out, 4));  // runs past the mapping
    b.bus.dma_unmap(addr);
    CHECK_FALSE(b.bus.dma_write(addr, msg, 1));
    CHECK(b.bus.dma_faults() == 2);
}

TEST_CASE("an MSI event goes straight to the local APIC the message names; masked, it waits as Pending") {
    Board b;
    Irqgen::Config c;
    c.msi = true;
    c.at = {10 * us, 30 * us};
    Irqgen g(b.bus, c, "irqgen.0");
    test::TestIrq v41(b.m, 0, 0x41, 0), v42(b.m, 0, 0x42, 0);
    b.bus.mmio_write(b.base(g) + Irqgen::CTRL, Irqgen::CTRL_ENABLE, 4);
    *g.msi() = dev::MsiMessage{0xfee00000, 0x41, true};
    g.start();
    b.m.run_until(20 * us);
    CHECK(v41.seen.size() == 1);
    b.bus.mmio_write(b.base(g) + Irqgen::ACK, 1, 4);
    *g.msi() = dev::MsiMessage{0xfee00000, 0x42, false};  // the kernel masks it
    b.m.run_until(40 * us);
    CHECK(v42.seen.empty());
    CHECK(g.info().find("pending") != std::string::npos);
    g.msi()->enabled = true;  // unmasked: the Pending message goes out
    g.msi_written();
    b.m.run_until(50 * us);
    REQUIRE(v42.seen.size() == 1);
    CHECK(v42.seen[0].at == 40 * us + b.m.k.config.costs[kernel::Cost::apic_delivery] + b.m.k.config.costs[kernel::Cost::irq_entry]);
}

TEST_CASE("irqgen inject irq: the device raises its interrupt once, now, as an `at` event would") {
    Board b;
    Irqgen::Config c = level(17);
    c.at = {100 * us};
    Irqgen g(b.bus, c, "irqgen.0");
    g.start();
    b.bus.mmio_write(b.base(g) + Irqgen::CTRL, Irqgen::CTRL_ENABLE, 4);
    b.m.run_until(10 * us);
    CHECK(g.inputs() == std::vector<std::string>{"irq"});
    REQUIRE(g.inject("irq", "") == "");
    // It happens in the engine, at the time it was given, not inside inject().
    CHECK(g.events() == 0);
    CHECK_FALSE(b.bus.line_asserted(17));
    b.m.run_until(10 * us);
    CHECK(g.events() == 1);
    CHECK(b.bus.mmio_read(b.base(g) + Irqgen::STATUS, 4) == Irqgen::STATUS_PENDING);
    CHECK(b.bus.line_asserted(17));
    b.bus.mmio_write(b.base(g) + Irqgen::ACK, 1, 4);
    CHECK_FALSE(b.bus.line_asserted(17));
    // The scenario's own event still comes at its time.
    b.m.run_until(200 * us);
    CHECK(g.events() == 2);
    CHECK(g.inject("irq", "3") == "");
    b.m.run_until(201 * us);
    CHECK(g.events() == 5);
    CHECK(g.inject("irq", "x") == "irq takes a count of events (1 to 1000000), not 'x'");
    CHECK(g.inject("keys", "a") == "device irqgen.0 takes no input 'keys'");
}
