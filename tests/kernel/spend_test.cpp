#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/irqflags.h>

#include "irq_source.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
sim::Time entry_exit(test::Machine& m) {
    return m.k.config.costs[kernel::Cost::irq_entry] + m.k.config.costs[kernel::Cost::irq_exit];
}
}  // namespace

TEST_CASE("an interrupt during a spend with IRQs on is handled nested at once; the spend resumes after") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 10_us);
    sim::Time start = 0, end = 0;
    m.kthread("spender", [&] {
        start = m.now();
        udelay(100);
        end = m.now();
        return 0;
    });
    irq.fire_at(30_us);
    m.run_until(1_ms);
    REQUIRE(irq.seen.size() == 1);
    CHECK(irq.seen[0].at == 30_us + m.k.config.costs[kernel::Cost::irq_entry]);
    CHECK(irq.seen[0].in_hardirq);
    CHECK_FALSE(irq.seen[0].in_task);
    CHECK(irq.seen[0].irqs_off);
    CHECK(irq.seen[0].interrupted == "spender");
    // The spend took its own 100 us plus the whole interrupt.
    CHECK(end - start == 100_us + 10_us + entry_exit(m));
}

TEST_CASE("with IRQs off an interrupt waits in IRR and lands at local_irq_enable") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 5_us);
    sim::Time enabled_at = 0;
    m.kthread("masker", [&] {
        local_irq_disable();
        udelay(100);
        enabled_at = m.now();
        local_irq_enable();
        return 0;
    });
    irq.fire_at(20_us);
    m.run_until(1_ms);
    REQUIRE(irq.seen.size() == 1);
    CHECK(irq.seen[0].at == enabled_at + m.k.config.costs[kernel::Cost::irq_entry]);
    CHECK(enabled_at >= 100_us);
}

TEST_CASE("local_irq_restore of an enabled state delivers what is pending at once") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 1_us);
    sim::Time restored_at = 0;
    m.kthread("saver", [&] {
        unsigned long flags;
        local_irq_save(flags);
        udelay(50);
        restored_at = m.now();
        local_irq_restore(flags);
        return 0;
    });
    irq.fire_at(10_us);
    m.run_until(1_ms);
    REQUIRE(irq.seen.size() == 1);
    CHECK(irq.seen[0].at == restored_at + m.k.config.costs[kernel::Cost::irq_entry]);
}

TEST_CASE("an idle CPU halts, and an interrupt wakes it and runs on the idle task") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 1_us);
    irq.fire_at(500_us);
    m.run_until(1_ms);
    REQUIRE(irq.seen.size() == 1);
    CHECK(irq.seen[0].interrupted == "swapper/0");
    CHECK(irq.seen[0].at == 500_us + m.k.config.costs[kernel::Cost::irq_entry]);
}

TEST_CASE("a second edge of a vector already pending merges into it (one IRR bit per vector)") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 1_us);
    m.kthread("masker", [&] {
        local_irq_disable();
        udelay(100);
        local_irq_enable();
        return 0;
    });
    irq.fire_at(10_us);
    irq.fire_at(20_us);
    m.run_until(1_ms);
    CHECK(irq.seen.size() == 1);
}

TEST_CASE("a higher-priority-class vector is delivered before a lower one") {
    test::Machine m;
    test::TestIrq low(m, 0, 0x41, 1_us), high(m, 0, 0x91, 1_us);
    m.kthread("masker", [&] {
        local_irq_disable();
        udelay(100);
        local_irq_enable();
        return 0;
    });
    low.fire_at(10_us);
    high.fire_at(20_us);
    m.run_until(1_ms);
    REQUIRE(low.seen.size() == 1);
    REQUIRE(high.seen.size() == 1);
    CHECK(high.seen[0].at < low.seen[0].at);
}
