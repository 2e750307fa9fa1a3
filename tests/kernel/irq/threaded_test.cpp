// Threaded interrupts (kernel/irq/manage.c): the irq/N-name thread, IRQ_WAKE_THREAD, the
// default primary handler, IRQF_ONESHOT, and forced threading (threadirqs).
#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/sched.h>

#include "irq_test.hpp"
#include "kernel/sched/task.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;
using test::dev_thread_fn;
using test::other_handler;

// kernel/irq/manage.c setup_irq_thread() + irq_thread(): the thread is "irq/%d-%s" and
// makes itself SCHED_FIFO at MAX_RT_PRIO / 2 (sched_set_fifo()); a primary handler that
// returns IRQ_WAKE_THREAD gets the thread function run there, in process context.
TEST_CASE("request_threaded_irq: thread irq/N-name at SCHED_FIFO 50 runs the thread fn after IRQ_WAKE_THREAD") {
    test::Machine m;
    test::Dev dev(m, 1);
    // The same device's two halves: the primary (in hardirq) defers to the thread.
    dev.body = [](test::Dev&) { return in_hardirq() ? IRQ_WAKE_THREAD : IRQ_HANDLED; };
    int ret = -1;
    m.kthread("driver", [&] {
        ret = request_threaded_irq(1, dev_handler, dev_thread_fn, 0, "kbd", &dev);
        return 0;
    });
    dev.pulse_at(1_ms);
    m.run_until(5_ms);
    REQUIRE(ret == 0);
    kernel::Task* t = m.k.find_task("irq/1-kbd");
    REQUIRE(t != nullptr);
    CHECK(t->ts.policy == SCHED_FIFO);
    CHECK(t->ts.rt_priority == 50);
    REQUIRE(dev.runs.size() == 2);
    CHECK(dev.runs[0].hardirq);  // the primary
    CHECK(dev.runs[0].comm != "irq/1-kbd");
    CHECK(dev.runs[1].start > dev.runs[0].end);  // the thread fn, after the hardirq
    CHECK(dev.runs[1].comm == "irq/1-kbd");
    CHECK(dev.runs[1].task);
    CHECK_FALSE(dev.runs[1].hardirq);
    CHECK_FALSE(dev.runs[1].irqs_off);
    CHECK(test::desc_of(m, 1).threads_active == 0);
}

// kernel/irq/handle.c __irq_wake_thread(): IRQTF_RUNTHREAD is cleared when the thread
// starts a run, so any number of wakeups during that run make exactly one more run.
TEST_CASE("irq thread wakeups during a run coalesce into exactly one more run") {
    test::Machine m;
    test::Dev dev(m, 1);
    int thread_runs = 0;
    dev.body = [&](test::Dev&) {
        if (in_hardirq()) return IRQ_WAKE_THREAD;
        if (++thread_runs == 1) msleep(10);
        return IRQ_HANDLED;
    };
    m.kthread("driver", [&] { return request_threaded_irq(1, dev_handler, dev_thread_fn, 0, "kbd", &dev); });
    for (sim::Time t : {1_ms, 3_ms, 4_ms, 5_ms}) dev.pulse_at(t);
    m.run_until(50_ms);
    int primaries = 0;
    for (const test::Run& r : dev.runs) primaries += r.hardirq ? 1 : 0;
    CHECK(primaries == 4);
    CHECK(thread_runs == 2);
    REQUIRE(dev.runs.size() == 6);
    CHECK(dev.runs.back().comm == "irq/1-kbd");
    CHECK(dev.runs.back().start > 5_ms);
}

// kernel/irq/manage.c request_threaded_irq(): handler == NULL installs
// irq_default_primary_handler (returns IRQ_WAKE_THREAD); kernel/irq/chip.c
// handle_fasteoi_irq() masks an IRQS_ONESHOT line before the handlers, and
// irq_finalize_oneshot() unmasks it only when the thread function has returned: a level
// line asserted again meanwhile is delivered only then.
TEST_CASE("IRQF_ONESHOT keeps a level line masked until the thread function returns") {
    test::Machine m;
    test::Dev dev(m, 16);
    std::vector<bool> masked_in_thread;
    dev.body = [&](test::Dev& d) {
        masked_in_thread.push_back(m.k.ioapic().entry(16).masked);
        d.deassert();                  // the device is serviced ...
        if (d.calls == 1) msleep(10);  // ... slowly, over a sleeping bus
        return IRQ_HANDLED;
    };
    int ret = -1;
    std::uint64_t sent_while_thread_runs = 99;
    m.kthread("driver", [&] {
        ret = request_threaded_irq(16, nullptr, dev_thread_fn, IRQF_ONESHOT, "sensor", &dev);
        return 0;
    });
    dev.assert_at(1_ms);
    dev.assert_at(3_ms);  // a new event while the thread still sleeps
    m.at(4_ms, [&] { sent_while_thread_runs = m.k.ioapic().messages_sent(16); });
    m.run_until(50_ms);
    REQUIRE(ret == 0);
    REQUIRE(dev.runs.size() == 2);
    for (const test::Run& r : dev.runs) {
        CHECK(r.comm == "irq/16-sensor");
        CHECK(r.task);
    }
    CHECK(masked_in_thread == std::vector<bool>{true, true});
    CHECK(sent_while_thread_runs == 1);  // masked: the assertion at 3 ms waited
    CHECK(dev.runs[0].end > 3_ms);
    CHECK(dev.runs[1].start > dev.runs[0].end);
    CHECK(m.k.ioapic().messages_sent(16) == 2);
    CHECK_FALSE(m.k.ioapic().entry(16).masked);  // unmasked after the last thread run
    CHECK(test::kstat_total(m, 16) == 2);
}

// kernel/irq/manage.c irq_setup_forced_threading(): with threadirqs a plain handler
// becomes the thread function of irq/N-name (run by irq_forced_thread_fn() with BH and
// interrupts off); IRQF_NO_THREAD keeps it in hardirq context.
TEST_CASE("threadirqs forces a plain handler into irq/N-name, except IRQF_NO_THREAD") {
    kernel::Config c = test::config();
    c.threadirqs = true;
    test::Machine m(c);
    test::Dev kbd(m, 1), ser(m, 3);
    int r1 = -1, r3 = -1;
    m.kthread("driver", [&] {
        r1 = request_irq(1, dev_handler, 0, "kbd", &kbd);
        r3 = request_irq(3, other_handler, IRQF_NO_THREAD, "serial", &ser);
        return 0;
    });
    kbd.pulse_at(1_ms);
    ser.pulse_at(2_ms);
    m.run_until(5_ms);
    REQUIRE(r1 == 0);
    REQUIRE(r3 == 0);
    kernel::Task* t = m.k.find_task("irq/1-kbd");
    REQUIRE(t != nullptr);
    CHECK(t->ts.policy == SCHED_FIFO);
    CHECK(m.k.find_task("irq/3-serial") == nullptr);
    REQUIRE(kbd.runs.size() == 1);
    CHECK(kbd.runs[0].comm == "irq/1-kbd");
    CHECK_FALSE(kbd.runs[0].hardirq);
    CHECK(kbd.runs[0].irqs_off);  // irq_forced_thread_fn(): local_irq_disable() around it
    REQUIRE(ser.runs.size() == 1);
    CHECK(ser.runs[0].hardirq);
    CHECK(test::desc_of(m, 1).action->flags & IRQF_ONESHOT);  // forced threading adds it
}
