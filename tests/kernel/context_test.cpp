#include <catch2/catch.hpp>

#include <linux/bottom_half.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>

#include "irq_source.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
struct Ctx {
    bool task, interrupt, hardirq, serving, softirq, atomic, irqs_off;
    unsigned count;
};
Ctx now_ctx() {
    return {in_task(), in_interrupt() != 0, in_hardirq() != 0, in_serving_softirq() != 0, in_softirq() != 0,
            in_atomic(), irqs_disabled(), static_cast<unsigned>(preempt_count())};
}
std::vector<Ctx>* g_seen;
void test_softirq_action() { g_seen->push_back(now_ctx()); }
}  // namespace

TEST_CASE("preempt_count has Linux's layout") {
    CHECK(PREEMPT_MASK == 0x000000ffUL);
    CHECK(SOFTIRQ_MASK == 0x0000ff00UL);
    CHECK(HARDIRQ_MASK == 0x000f0000UL);
    CHECK(NMI_MASK == 0x00f00000UL);
    CHECK(SOFTIRQ_DISABLE_OFFSET == 0x200);
    CHECK(HARDIRQ_OFFSET == 0x10000);
}

TEST_CASE("a kthread runs in task context, preemptible") {
    test::Machine m;
    Ctx c{};
    m.kthread("t", [&] {
        c = now_ctx();
        return 0;
    });
    m.run_until(1_ms);
    CHECK(c.task);
    CHECK_FALSE(c.interrupt);
    CHECK_FALSE(c.atomic);
    CHECK_FALSE(c.irqs_off);
    CHECK(c.count == 0);
}

TEST_CASE("a spinlock makes the holder atomic; the irqsave variant also disables IRQs") {
    test::Machine m;
    Ctx plain{}, irqsave{};
    m.kthread("t", [&] {
        DEFINE_SPINLOCK(l);
        spin_lock(&l);
        plain = now_ctx();
        spin_unlock(&l);
        unsigned long flags;
        spin_lock_irqsave(&l, flags);
        irqsave = now_ctx();
        spin_unlock_irqrestore(&l, flags);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(plain.atomic);
    CHECK(plain.task);
    CHECK_FALSE(plain.irqs_off);
    CHECK(plain.count == 1);
    CHECK(irqsave.irqs_off);
}

TEST_CASE("local_bh_disable counts as softirq context without serving one") {
    test::Machine m;
    Ctx c{};
    m.kthread("t", [&] {
        local_bh_disable();
        c = now_ctx();
        local_bh_enable();
        return 0;
    });
    m.run_until(1_ms);
    CHECK(c.softirq);
    CHECK(c.interrupt);  // in_interrupt() includes BH-disabled sections
    CHECK_FALSE(c.serving);
    CHECK(c.task);  // in_task() is only false while serving a softirq
    CHECK(c.count == 0x200);
}

TEST_CASE("a hardirq handler runs with HARDIRQ_OFFSET and IRQs off; its softirq runs at irq_exit with IRQs on") {
    test::Machine m;
    std::vector<Ctx> seen;
    g_seen = &seen;
    test::TestIrq irq(m, 0, 0x40, 1_us);
    irq.extra = [&] {
        seen.push_back(now_ctx());
        raise_softirq(HRTIMER_SOFTIRQ);
    };
    m.k.softirqs().open(HRTIMER_SOFTIRQ, test_softirq_action, "test_softirq_action");
    irq.fire_at(100_us);
    m.run_until(1_ms);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].hardirq);
    CHECK(seen[0].irqs_off);
    CHECK_FALSE(seen[0].task);
    CHECK((seen[0].count & HARDIRQ_MASK) == HARDIRQ_OFFSET);
    CHECK(seen[1].serving);
    CHECK_FALSE(seen[1].hardirq);
    CHECK_FALSE(seen[1].irqs_off);
    CHECK_FALSE(seen[1].task);
    CHECK(m.k.cpu(0).softirq_count[HRTIMER_SOFTIRQ] == 1);
}

TEST_CASE("a softirq raised with BH disabled runs at local_bh_enable, not before") {
    test::Machine m;
    std::vector<Ctx> seen;
    g_seen = &seen;
    m.k.softirqs().open(HRTIMER_SOFTIRQ, test_softirq_action, "test_softirq_action");
    sim::Time raised = 0, enabled = 0;
    std::size_t seen_before_enable = 99;
    m.kthread("t", [&] {
        local_bh_disable();
        raise_softirq(HRTIMER_SOFTIRQ);
        raised = m.now();
        udelay(20);
        seen_before_enable = seen.size();
        enabled = m.now();
        local_bh_enable();
        return 0;
    });
    m.run_until(1_ms);
    CHECK(seen_before_enable == 0);
    REQUIRE(seen.size() == 1);
    CHECK(enabled - raised == 20_us);
}
