// The flow handlers (kernel/irq/chip.c, handle.c) driven by IO-APIC lines: edge replay,
// level re-delivery after EOI, shared chains, and an interrupt nesting into a spend.
#include <catch2/catch.hpp>

#include <linux/cpumask.h>
#include <linux/delay.h>

#include "irq_test.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;
using test::other_handler;

// kernel/irq/chip.c handle_edge_irq(): an edge that arrives on another CPU while the
// handler runs is marked IRQS_PENDING (the line masked and acked) and the running CPU
// loops once more; the burst counts once in /proc/interrupts.
TEST_CASE("handle_edge_irq: an edge while the handler runs is IRQS_PENDING and replayed after it returns") {
    test::Machine m(test::config(2));
    test::Dev dev(m, 1);
    dev.cost = 100_us;
    int ret = -1;
    m.kthread("driver", [&] {
        ret = request_irq(1, dev_handler, 0, "edgedev", &dev);
        // The move to CPU1 waits for the next interrupt: its ack reprograms the pin, so
        // the second edge lands on CPU1 while CPU0 still runs the first.
        struct cpumask cpu1;
        cpumask_clear(&cpu1);
        cpumask_set_cpu(1, &cpu1);
        irq_set_affinity(1, &cpu1);
        return 0;
    }, 0);
    dev.pulse_at(1_ms);
    dev.pulse_at(1_ms + 50_us);
    m.run_until(5_ms);
    REQUIRE(ret == 0);
    REQUIRE(dev.runs.size() == 2);
    CHECK(dev.runs[0].cpu == 0);
    CHECK(dev.runs[1].cpu == 0);  // replayed by the CPU that was running it
    CHECK(dev.runs[1].start >= dev.runs[0].end);
    CHECK(dev.runs[1].start - dev.runs[0].end < 5_us);  // the loop, not a new interrupt
    auto& desc = test::desc_of(m, 1);
    CHECK(desc.kstat[0] == 1);
    CHECK(desc.kstat[1] == 0);
    CHECK_FALSE(desc.masked());  // the loop unmasked what CPU1 masked
    CHECK_FALSE(desc.istate & kernel::IRQS_PENDING);
}

// On one CPU the second edge cannot enter the flow handler (IF is clear); the ack at the
// start (the local APIC's EOI) lets it wait in IRR, and it is taken after the iret.
TEST_CASE("handle_edge_irq: on one CPU an edge during the handler waits in the local APIC and runs after") {
    test::Machine m;
    test::Dev dev(m, 1);
    dev.cost = 100_us;
    m.kthread("driver", [&] { return request_irq(1, dev_handler, 0, "edgedev", &dev); });
    dev.pulse_at(1_ms);
    dev.pulse_at(1_ms + 50_us);
    dev.pulse_at(1_ms + 60_us);  // merges with the previous one in IRR
    m.run_until(5_ms);
    REQUIRE(dev.runs.size() == 2);
    CHECK(dev.runs[1].start > dev.runs[0].end);
    CHECK(test::kstat_total(m, 1) == 2);  // two hardware entries
}

// kernel/irq/chip.c handle_edge_irq() + kernel/irq/resend.c check_irq_resend(): an edge on
// a disabled line is not handled but recorded (IRQS_PENDING, line masked: lazy disable);
// enable_irq() re-sends it once.
TEST_CASE("handle_edge_irq: edges while disabled are pending and replayed once at enable_irq") {
    test::Machine m;
    test::Dev dev(m, 1);
    long calls_before_enable = -1;
    bool pending_before_enable = false, masked_before_enable = false;
    sim::Time enabled_at = 0;
    m.kthread("driver", [&] {
        request_irq(1, dev_handler, 0, "edgedev", &dev);
        disable_irq(1);
        msleep(5);
        auto& desc = test::desc_of(m, 1);
        calls_before_enable = dev.calls;
        pending_before_enable = desc.istate & kernel::IRQS_PENDING;
        masked_before_enable = desc.masked();
        enabled_at = m.now();
        enable_irq(1);
        return 0;
    });
    dev.pulse_at(1_ms);
    dev.pulse_at(2_ms);  // the line is masked by now: lost at the IO-APIC
    m.run_until(20_ms);
    CHECK(calls_before_enable == 0);
    CHECK(pending_before_enable);
    CHECK(masked_before_enable);
    REQUIRE(dev.runs.size() == 1);
    CHECK(dev.runs[0].start > enabled_at);
    CHECK(test::kstat_total(m, 1) == 1);  // the entry that only set PENDING did not count
    CHECK_FALSE(test::desc_of(m, 1).masked());
}

// kernel/irq/chip.c handle_fasteoi_irq(): on a level line the EOI comes after the
// handlers; until then Remote IRR blocks the pin (no new message even if the line
// bounces), and a line still asserted at the EOI is delivered again.
TEST_CASE("handle_fasteoi_irq: a level line is held by Remote IRR until EOI and re-delivered while asserted") {
    test::Machine m;
    test::Dev dev(m, 16);
    dev.cost = 50_us;
    std::vector<bool> irr_in_handler;
    std::vector<std::uint64_t> sent_in_handler;
    dev.body = [&](test::Dev& d) {
        irr_in_handler.push_back(m.k.ioapic().entry(16).remote_irr);
        sent_in_handler.push_back(m.k.ioapic().messages_sent(16));
        if (d.calls >= 2) d.deassert();  // the first time the device is left asserted
        return IRQ_HANDLED;
    };
    m.kthread("driver", [&] { return request_irq(16, dev_handler, 0, "leveldev", &dev); });
    dev.assert_at(1_ms);
    m.at(1_ms + 20_us, [&] { dev.deassert(); });     // a bounce while in service:
    m.at(1_ms + 25_us, [&] { dev.assert_line(); });  // no message while Remote IRR is set
    m.run_until(5_ms);
    REQUIRE(dev.runs.size() == 2);
    CHECK(dev.runs[1].start > dev.runs[0].end);
    CHECK(irr_in_handler == std::vector<bool>{true, true});
    CHECK(sent_in_handler == std::vector<std::uint64_t>{1, 2});
    CHECK(m.k.ioapic().messages_sent(16) == 2);
    CHECK_FALSE(m.k.ioapic().entry(16).remote_irr);  // the last EOI cleared it
    CHECK(test::kstat_total(m, 16) == 2);
}

// kernel/irq/handle.c __handle_irq_event_percpu(): every action of a shared line runs on
// every interrupt, in registration order, and the results are OR-ed for note_interrupt().
TEST_CASE("handle_irq_event walks every action of a shared line and ORs the results") {
    test::Machine m;
    test::Dev a(m, 17), b(m, 17);
    a.body = [](test::Dev& d) {  // the device that interrupted: clears it, claims it
        d.deassert();
        return IRQ_HANDLED;
    };
    b.body = [](test::Dev&) { return IRQ_NONE; };  // not its interrupt
    int ra = -1, rb = -1;
    m.kthread("driver", [&] {
        ra = request_irq(17, dev_handler, IRQF_SHARED, "devA", &a);
        rb = request_irq(17, other_handler, IRQF_SHARED, "devB", &b);
        return 0;
    });
    for (int i = 1; i <= 3; ++i) a.assert_at(i * 1_ms);
    m.run_until(5_ms);
    REQUIRE(ra == 0);
    REQUIRE(rb == 0);
    REQUIRE(a.runs.size() == 3);
    REQUIRE(b.runs.size() == 3);  // called although devA had handled it
    for (int i = 0; i < 3; ++i) CHECK(b.runs[static_cast<std::size_t>(i)].start >= a.runs[static_cast<std::size_t>(i)].end);
    auto& desc = test::desc_of(m, 17);
    CHECK(desc.kstat[0] == 3);
    // IRQ_HANDLED | IRQ_NONE is handled: the spurious detector saw nothing unhandled.
    CHECK(desc.irqs_unhandled == 0);
    std::string procs = kernel::show_interrupts(m.k);
    CHECK(test::contains(procs, " 17:          3   IO-APIC  17-fasteoi   devA, devB\n"));
}

// arch/x86/kernel/irq.c common_interrupt() on the interrupted stack: an interrupt that
// reaches a CPU spending with IF set runs nested at once and lengthens the spend.
TEST_CASE("an interrupt during a spend with interrupts enabled is handled inside it and lengthens it") {
    test::Machine m;
    test::Dev dev(m, 1);
    dev.cost = 10_us;
    sim::Time start = 0, end = 0;
    m.kthread("spender", [&] {
        request_irq(1, dev_handler, 0, "edgedev", &dev);
        start = m.now();
        dev.pulse_at(start + 50_us);
        udelay(200);
        end = m.now();
        return 0;
    });
    m.run_until(5_ms);
    REQUIRE(dev.runs.size() == 1);
    const test::Run& r = dev.runs[0];
    CHECK(r.start > start + 50_us);
    CHECK(r.end < end);
    CHECK(r.hardirq);
    CHECK(r.comm == "spender");  // it borrowed the spender's stack
    sim::Time handler = r.end - r.start;
    sim::Time entry_exit = m.k.config.costs[kernel::Cost::irq_entry] + m.k.config.costs[kernel::Cost::irq_exit];
    CHECK(end - start >= 200_us + handler + entry_exit);
    CHECK(end - start <= 200_us + handler + entry_exit + 2_us);
}

// arch/x86/include/asm/irqflags.h local_irq_enable(): with IF clear the interrupt waits in
// the local APIC; the spend is not split, and the handler runs at the enable.
TEST_CASE("an interrupt during a spend with interrupts disabled waits for local_irq_enable") {
    test::Machine m;
    test::Dev dev(m, 1);
    dev.cost = 10_us;
    sim::Time start = 0, end = 0, enabled = 0;
    m.kthread("masker", [&] {
        request_irq(1, dev_handler, 0, "edgedev", &dev);
        local_irq_disable();
        start = m.now();
        dev.pulse_at(start + 50_us);
        udelay(200);
        end = m.now();
        enabled = m.now();
        local_irq_enable();
        return 0;
    });
    m.run_until(5_ms);
    REQUIRE(dev.runs.size() == 1);
    CHECK(end - start == 200_us);
    CHECK(dev.runs[0].start >= enabled);
    CHECK(dev.runs[0].start <= enabled + 2_us);
    CHECK(dev.runs[0].comm == "masker");
}
