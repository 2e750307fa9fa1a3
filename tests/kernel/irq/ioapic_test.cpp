// The IO-APIC model (Intel 82093AA; arch/x86/kernel/apic/io_apic.c programs it): Remote
// IRR on level pins, lost edges on masked pins, re-delivery of asserted level lines.
#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/irq.h>

#include "irq_test.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;

// 82093AA: a level pin sends once and sets Remote IRR; nothing more is sent until the EOI
// for its vector clears Remote IRR, and then at once if the line is still asserted.
// (The register sequence runs in one engine step, before any CPU takes the message.)
TEST_CASE("IO-APIC: Remote IRR blocks a level pin until the EOI, which re-sends an asserted line") {
    test::Machine m;
    test::Dev dev(m, 20);
    m.kthread("driver", [&] { return request_irq(20, dev_handler, 0, "lvl", &dev); });
    struct Step {
        std::uint64_t sent;
        bool irr;
    };
    std::vector<Step> steps;
    m.at(1_ms, [&] {
        kernel::IoApic& io = m.k.ioapic();
        auto note = [&] { steps.push_back({io.messages_sent(20), io.entry(20).remote_irr}); };
        note();
        dev.assert_line();
        note();  // sent, Remote IRR set
        dev.deassert();
        dev.assert_line();
        note();  // a new assertion while in service: nothing
        io.eoi(io.entry(20).vector);
        note();  // EOI with the line still asserted: sent again
        dev.deassert();
        io.eoi(io.entry(20).vector);
        note();  // EOI with the line low: Remote IRR clear, nothing sent
    });
    m.run_until(2_ms);
    REQUIRE(steps.size() == 5);
    CHECK(steps[0].sent == 0);
    CHECK_FALSE(steps[0].irr);
    CHECK(steps[1].sent == 1);
    CHECK(steps[1].irr);
    CHECK(steps[2].sent == 1);
    CHECK(steps[2].irr);
    CHECK(steps[3].sent == 2);
    CHECK(steps[3].irr);
    CHECK(steps[4].sent == 2);
    CHECK_FALSE(steps[4].irr);
}

// 82093AA: masking a level pin holds an asserted line back; unmasking it while still
// asserted sends it. An edge on a masked edge pin is simply lost.
TEST_CASE("IO-APIC: a masked edge pin loses the edge and a masked level pin delivers at unmask") {
    test::Machine m;
    test::Dev edge(m, 5), level(m, 21);
    m.kthread("driver", [&] {
        request_irq(5, dev_handler, 0, "edge", &edge);
        request_irq(21, dev_handler, 0, "level", &level);
        return 0;
    });
    std::vector<std::uint64_t> sent;
    m.at(1_ms, [&] {
        kernel::IoApic& io = m.k.ioapic();
        io.set_mask(5, true);
        io.set_mask(21, true);
        io.pulse_input(5, 0);
        level.assert_line();
        sent.push_back(io.messages_sent(5));
        sent.push_back(io.messages_sent(21));
        io.set_mask(5, false);
        io.set_mask(21, false);
        sent.push_back(io.messages_sent(5));
        sent.push_back(io.messages_sent(21));
    });
    m.run_until(2_ms);
    CHECK(sent == std::vector<std::uint64_t>{0, 0, 0, 1});
    CHECK(edge.calls == 0);
    CHECK(level.calls == 1);
}

// kernel/irq/chip.c irq_disable(): with IRQ_DISABLE_UNLAZY, disable_irq() masks the pin at
// once, so an edge while disabled never reaches the flow handler: no IRQS_PENDING, and
// enable_irq() has nothing to replay (contrast the lazy default in flow_test.cpp).
TEST_CASE("IO-APIC: an unlazy disable masks the edge pin, so an edge meanwhile is lost") {
    test::Machine m;
    test::Dev dev(m, 1);
    bool masked_while_disabled = false;
    m.kthread("driver", [&] {
        request_irq(1, dev_handler, 0, "kbd", &dev);
        irq_set_status_flags(1, IRQ_DISABLE_UNLAZY);
        disable_irq(1);
        masked_while_disabled = m.k.ioapic().entry(1).masked;
        msleep(5);
        enable_irq(1);
        msleep(5);
        free_irq(1, &dev);
        return 0;
    });
    dev.pulse_at(1_ms);
    m.run_until(100_ms);
    // kernel/irq/manage.c __free_irq(): the last action clears IRQ_DISABLE_UNLAZY.
    CHECK_FALSE(test::desc_of(m, 1).settings & IRQ_DISABLE_UNLAZY);
    CHECK(masked_while_disabled);
    CHECK(dev.calls == 0);
    CHECK(m.k.ioapic().messages_sent(1) == 0);
    CHECK_FALSE(test::desc_of(m, 1).istate & kernel::IRQS_PENDING);
}
