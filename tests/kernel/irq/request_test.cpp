// request_irq/free_irq and the disable/enable/synchronize API (kernel/irq/manage.c): return
// codes and messages exactly as Linux 6.12 gives them.
#include <catch2/catch.hpp>

#include <linux/delay.h>

#include "irq_test.hpp"
#include "kernel/panic.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;
using test::dev_thread_fn;
using test::other_handler;

// kernel/irq/manage.c request_threaded_irq(): a shared request must name its device
// (free_irq finds the action by dev_id); refused silently.
TEST_CASE("request_irq: IRQF_SHARED with a NULL dev_id is -EINVAL, silently") {
    test::Machine m;
    int ret = 0;
    m.kthread("driver", [&] {
        ret = request_irq(16, dev_handler, IRQF_SHARED, "nodev", nullptr);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(ret == -EINVAL);
    CHECK_FALSE(test::contains(m.dmesg(), "genirq"));
    CHECK(test::desc_of(m, 16).action == nullptr);
}

// kernel/irq/manage.c request_threaded_irq(): irq_to_desc() finds nothing.
TEST_CASE("request_irq: an IRQ with no descriptor is -EINVAL and IRQ_NOTCONNECTED is -ENOTCONN") {
    test::Machine m;
    test::Dev dev(m, 1);
    int no_desc = 0, cascade = 0, notconn = 0;
    m.kthread("driver", [&] {
        no_desc = request_irq(5000, dev_handler, 0, "far", &dev);
        cascade = request_irq(2, dev_handler, 0, "cascade", &dev);  // IRQ 2 has none on a PC
        notconn = request_irq(IRQ_NOTCONNECTED, dev_handler, 0, "nc", &dev);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(no_desc == -EINVAL);
    CHECK(cascade == -EINVAL);
    CHECK(notconn == -ENOTCONN);
}

// kernel/irq/manage.c __setup_irq(): a second request on a line whose first action is not
// IRQF_SHARED is a flags mismatch: -EBUSY and pr_err("Flags mismatch irq %d. %08x (%s) vs.
// %08x (%s)\n") under the file's pr_fmt "genirq: ". request_irq() adds IRQF_COND_ONESHOT.
TEST_CASE("request_irq: a second non-shared request is -EBUSY with genirq's Flags mismatch message") {
    test::Machine m;
    test::Dev a(m, 3), b(m, 3);
    int ra = -1, rb = 0;
    m.kthread("driver", [&] {
        ra = request_irq(3, dev_handler, 0, "first", &a);
        rb = request_irq(3, other_handler, 0, "second", &b);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(ra == 0);
    CHECK(rb == -EBUSY);
    CHECK(test::contains(m.dmesg(), "] genirq: Flags mismatch irq 3. 00200000 (second) vs. 00200000 (first)\n"));
    auto& desc = test::desc_of(m, 3);
    REQUIRE(desc.action != nullptr);
    CHECK(desc.action->next == nullptr);
}

// kernel/irq/manage.c __setup_irq(): sharing needs IRQF_SHARED on both sides, the same
// trigger bits and the same ONESHOT. The IO-APIC has no irq_set_type, so the line's
// trigger type is only recorded by the second sharer; a third with other bits mismatches.
TEST_CASE("request_irq: sharers must agree on IRQF_SHARED, the trigger type and ONESHOT") {
    test::Machine m;
    test::Dev a(m, 16), b(m, 16), c(m, 16), d(m, 16), e(m, 16), f(m, 16);
    int ra = -1, rb = -1, rc = 0, rd = -1, re = 0, rf = 0;
    m.kthread("driver", [&] {
        ra = request_irq(16, dev_handler, IRQF_SHARED, "a", &a);
        rb = request_irq(16, dev_handler, IRQF_SHARED | IRQF_TRIGGER_LOW, "b", &b);   // sets LOW
        rc = request_irq(16, dev_handler, IRQF_SHARED | IRQF_TRIGGER_HIGH, "c", &c);  // mismatch
        rd = request_irq(16, dev_handler, IRQF_SHARED, "d", &d);  // inherits LOW
        re = request_irq(16, dev_handler, 0, "e", &e);            // not shared
        rf = request_threaded_irq(16, nullptr, dev_thread_fn, IRQF_SHARED | IRQF_ONESHOT, "f", &f);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(ra == 0);
    CHECK(rb == 0);
    CHECK(rc == -EBUSY);
    CHECK(rd == 0);
    CHECK(re == -EBUSY);
    CHECK(rf == -EBUSY);  // ONESHOT differs from the first action
    std::string d_ = m.dmesg();
    CHECK(test::contains(d_, "genirq: Flags mismatch irq 16. 00200084 (c) vs. 00200080 (a)\n"));
    CHECK(test::contains(d_, "genirq: Flags mismatch irq 16. 00200008 (e) vs. 00200080 (a)\n"));
    CHECK(test::contains(d_, "genirq: Flags mismatch irq 16. 00002088 (f) vs. 00200080 (a)\n"));
    int n = 0;
    for (auto* act = test::desc_of(m, 16).action; act; act = act->next) ++n;
    CHECK(n == 3);
}

// kernel/irq/manage.c __setup_irq(): a NULL primary handler means irq_default_primary_handler,
// which returns IRQ_WAKE_THREAD with the line unmasked: a level line would storm, so
// !ONESHOT is refused (except on ONESHOT_SAFE chips such as MSI).
TEST_CASE("request_threaded_irq: handler NULL without IRQF_ONESHOT is -EINVAL with genirq's message") {
    test::Machine m;
    test::Dev dev(m, 16);
    int ret = 0, both_null = 0;
    m.kthread("driver", [&] {
        ret = request_threaded_irq(16, nullptr, dev_thread_fn, 0, "sensor", &dev);
        both_null = request_threaded_irq(16, nullptr, nullptr, IRQF_ONESHOT, "none", &dev);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(ret == -EINVAL);
    CHECK(both_null == -EINVAL);
    CHECK(test::contains(m.dmesg(), "] genirq: Threaded irq requested with handler=NULL and !ONESHOT for sensor (irq 16)\n"));
    CHECK(test::desc_of(m, 16).action == nullptr);
    kernel::Task* t = m.k.find_task("irq/16-sensor");
    CHECK((t == nullptr || t->exited));  // the thread made for it was stopped
}

// kernel/irq/manage.c __free_irq(): no action with that dev_id: WARN(1, "Trying to free
// already-free IRQ %d\n"), and NULL.
TEST_CASE("free_irq twice warns 'Trying to free already-free IRQ' and returns NULL") {
    test::Machine m;
    test::Dev dev(m, 4);
    const void* first = nullptr;
    const void* second = &dev;
    m.kthread("driver", [&] {
        request_irq(4, dev_handler, 0, "ttyS0", &dev);
        first = free_irq(4, &dev);
        second = free_irq(4, &dev);
        return 0;
    });
    m.run_until(1_ms);
    REQUIRE(first != nullptr);
    CHECK(std::string(static_cast<const char*>(first)) == "ttyS0");
    CHECK(second == nullptr);
    std::string d = m.dmesg();
    CHECK(test::contains(d, "Trying to free already-free IRQ 4\n"));
    CHECK(test::contains(d, "WARNING: CPU: 0 PID: "));
    CHECK(m.k.bugs().count("Trying to free already-free IRQ") == 1);
    CHECK(test::count_of(d, "already-free") == 1);
}

// kernel/irq/manage.c __disable_irq()/__enable_irq(): depth counts disables; only the
// enable that brings it from 1 to 0 enables the line; one more is WARN "Unbalanced enable
// for IRQ %d\n" and changes nothing.
TEST_CASE("disable_irq nests: two disables need two enables, and a third enable is 'Unbalanced enable for IRQ'") {
    test::Machine m;
    test::Dev dev(m, 1);
    long after_one_enable = -1, after_two_enables = -1;
    unsigned depth_after_extra = 99;
    m.kthread("driver", [&] {
        request_irq(1, dev_handler, 0, "kbd", &dev);
        disable_irq(1);
        disable_irq(1);
        enable_irq(1);
        msleep(10);  // an edge comes at 5 ms
        after_one_enable = dev.calls;
        enable_irq(1);
        msleep(1);
        after_two_enables = dev.calls;
        enable_irq(1);  // unbalanced
        depth_after_extra = test::desc_of(m, 1).depth;
        return 0;
    });
    dev.pulse_at(5_ms);
    dev.pulse_at(40_ms);  // still enabled after the bad enable
    m.run_until(50_ms);
    CHECK(after_one_enable == 0);
    CHECK(after_two_enables == 1);
    CHECK(depth_after_extra == 0);
    CHECK(dev.calls == 2);
    std::string d = m.dmesg();
    CHECK(test::contains(d, "Unbalanced enable for IRQ 1\n"));
    CHECK(test::count_of(d, "Unbalanced enable") == 1);
    CHECK(m.k.bugs().count("Unbalanced enable for IRQ") == 1);
}

// kernel/irq/manage.c disable_irq_nosync(): callable from the IRQ's own handler (it does not
// wait for the handler to finish); enable_irq() later lets the next interrupt in.
TEST_CASE("disable_irq_nosync from the handler itself disables the line without waiting") {
    test::Machine m;
    test::Dev dev(m, 1);
    dev.body = [](test::Dev& d) {
        disable_irq_nosync(static_cast<unsigned>(d.pin));
        return IRQ_HANDLED;
    };
    long calls_at_enable = -1;
    m.kthread("driver", [&] {
        request_irq(1, dev_handler, 0, "kbd", &dev);
        msleep(20);
        calls_at_enable = dev.calls;
        enable_irq(1);
        return 0;
    });
    dev.pulse_at(2_ms);
    dev.pulse_at(6_ms);  // disabled: pending, replayed at enable_irq
    m.run_until(50_ms);
    CHECK(calls_at_enable == 1);
    CHECK(dev.calls == 2);
    CHECK(test::desc_of(m, 1).depth == 1);  // the replayed handler disabled it again
    CHECK(m.k.bugs().total() == 0);
}

// kernel/irq/manage.c synchronize_irq() / disable_irq(): wait until a handler running on
// another CPU has returned.
TEST_CASE("synchronize_irq and disable_irq wait for a handler running on another CPU") {
    test::Machine m(test::config(2));
    test::Dev dev(m, 1);
    dev.cost = 300_us;
    sim::Time sync_called = 0, sync_returned = 0, disable_returned = 0;
    m.kthread("driver", [&] {
        request_irq(1, dev_handler, 0, "kbd", &dev);  // the vector lands on CPU0
        return 0;
    }, 1);
    m.kthread("syncer", [&] {
        while (dev.calls == 0) udelay(10);  // the handler has started on CPU0
        sync_called = m.now();
        synchronize_irq(1);
        sync_returned = m.now();
        while (dev.calls < 2) udelay(10);
        disable_irq(1);
        disable_returned = m.now();
        return 0;
    }, 1);
    dev.pulse_at(1_ms);
    dev.pulse_at(3_ms);
    m.run_until(10_ms);
    REQUIRE(dev.runs.size() == 2);
    CHECK(dev.runs[0].cpu == 0);
    CHECK(sync_called < dev.runs[0].end);
    CHECK(sync_returned >= dev.runs[0].end);
    CHECK(disable_returned >= dev.runs[1].end);
    CHECK(disable_returned < dev.runs[1].end + 10_us);
}
