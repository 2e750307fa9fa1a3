// The driver-facing hrtimers (kernel/time/hrtimer.c): hard ones in the local timer
// interrupt, soft ones in HRTIMER_SOFTIRQ, periodic ones through hrtimer_forward_now().
#include <catch2/catch.hpp>

#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include <vector>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/panic.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
struct Fired {
    sim::Time at;
    bool hardirq, softirq;
};
struct Probe {
    struct hrtimer timer;
    std::vector<Fired> fired;
    int periods = 0;       // restart this many more times
    ktime_t period = 0;
    u64 overruns = 0;
};
sim::Time now() { return static_cast<sim::Time>(ktime_get()); }

enum hrtimer_restart probe_fn(struct hrtimer* t) {
    Probe* p = container_of(t, Probe, timer);
    p->fired.push_back({now(), in_hardirq() != 0, in_serving_softirq() != 0});
    if (p->periods-- <= 0) return HRTIMER_NORESTART;
    p->overruns += hrtimer_forward_now(t, p->period);
    return HRTIMER_RESTART;
}
}  // namespace

TEST_CASE("a hard hrtimer runs its callback in the local timer interrupt at its expiry, not at a tick") {
    // __hrtimer_run_queues() from hrtimer_interrupt()
    test::Machine m;
    Probe p;
    m.kthread("arm", [&] {
        hrtimer_setup(&p.timer, probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
        hrtimer_start(&p.timer, us_to_ktime(250), HRTIMER_MODE_REL);
        return hrtimer_is_queued(&p.timer) ? 0 : 1;
    });
    m.run_until(5_ms);
    REQUIRE(p.fired.size() == 1);
    CHECK(p.fired[0].hardirq);
    CHECK_FALSE(p.fired[0].softirq);
    CHECK(p.fired[0].at >= 250_us);
    CHECK(p.fired[0].at < 260_us);  // the interrupt's entry, not the next 4ms tick
    CHECK_FALSE(hrtimer_active(&p.timer));
}

TEST_CASE("a _SOFT hrtimer runs in HRTIMER_SOFTIRQ, and stays queued until it does") {
    // hrtimer_run_softirq()
    test::Machine m;
    Probe p;
    m.kthread("arm", [&] {
        hrtimer_setup(&p.timer, probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
        hrtimer_start(&p.timer, us_to_ktime(100), HRTIMER_MODE_REL_SOFT);
        return 0;
    });
    m.run_until(2_ms);
    REQUIRE(p.fired.size() == 1);
    CHECK_FALSE(p.fired[0].hardirq);
    CHECK(p.fired[0].softirq);
    CHECK(p.fired[0].at >= 100_us);
    std::string softirqs = kernel::procfs::show_softirqs(m.k);
    CHECK(softirqs.find("HRTIMER:          1") != std::string::npos);
}

TEST_CASE("HRTIMER_RESTART with hrtimer_forward_now makes a periodic timer, one period apart") {
    // __run_hrtimer() re-enqueues; hrtimer_forward() moves the expiry by whole periods
    test::Machine m;
    Probe p;
    p.periods = 4;
    p.period = us_to_ktime(100);
    m.kthread("arm", [&] {
        hrtimer_setup(&p.timer, probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
        hrtimer_start(&p.timer, us_to_ktime(1000), HRTIMER_MODE_ABS);
        return 0;
    });
    m.run_until(3_ms);
    REQUIRE(p.fired.size() == 5);
    for (std::size_t i = 0; i < p.fired.size(); ++i) {
        CAPTURE(i);
        CHECK(p.fired[i].at >= static_cast<sim::Time>(1000 + 100 * i) * 1_us);
        CHECK(p.fired[i].at < static_cast<sim::Time>(1000 + 100 * i + 10) * 1_us);
    }
    CHECK(p.overruns == 4);  // each callback ran within its period: one forward each
}

TEST_CASE("hrtimer_forward counts the periods missed and lands after now") {
    // hrtimer_forward(): orun = delta / interval, then one more if still not after now
    test::Machine m;
    struct hrtimer t;
    u64 orun = 0, late = 0;
    ktime_t expires = 0;
    m.kthread("t", [&] {
        hrtimer_init(&t, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
        hrtimer_set_expires(&t, 1000);
        orun = hrtimer_forward(&t, 3500, 1000);  // 1000 -> 4000: periods at 2000, 3000, 4000
        expires = hrtimer_get_expires(&t);
        late = hrtimer_forward(&t, 100, 1000);   // before the expiry: nothing to do
        return 0;
    });
    m.run_until(1_ms);
    CHECK(orun == 3);
    CHECK(expires == 4000);
    CHECK(late == 0);
}

TEST_CASE("hrtimer_cancel takes a queued timer off (1), an idle one is 0, and it never fires") {
    // hrtimer_try_to_cancel() / remove_hrtimer()
    test::Machine m;
    Probe p;
    int first = -2, second = -2;
    m.kthread("t", [&] {
        hrtimer_setup(&p.timer, probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
        hrtimer_start(&p.timer, us_to_ktime(500), HRTIMER_MODE_REL_SOFT);
        first = hrtimer_cancel(&p.timer);
        second = hrtimer_cancel(&p.timer);
        return 0;
    });
    m.run_until(2_ms);
    CHECK(first == 1);
    CHECK(second == 0);
    CHECK(p.fired.empty());
}

namespace {
struct hrtimer g_slow;
bool g_slow_done = false;
enum hrtimer_restart slow_fn(struct hrtimer*) {
    irqlab::kernel::spend(200_us);  // a long callback, in the interrupt on CPU0
    g_slow_done = true;
    return HRTIMER_NORESTART;
}
}  // namespace

TEST_CASE("hrtimer_try_to_cancel of a running callback is -1; hrtimer_cancel waits for it to finish") {
    // hrtimer_callback_running(), hrtimer_cancel_wait_running()
    test::Machine m(test::config(2));
    int tried = -2, cancelled = -2;
    bool done_when_returned = false;
    m.kthread("arm", [&] {
        hrtimer_setup(&g_slow, slow_fn, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
        hrtimer_start(&g_slow, us_to_ktime(100), HRTIMER_MODE_ABS);
        return 0;
    }, 0);
    m.kthread("cancel", [&] {
        msleep(0);
        while (now() < 150_us) irqlab::kernel::spend(10_us);
        tried = hrtimer_try_to_cancel(&g_slow);
        cancelled = hrtimer_cancel(&g_slow);
        done_when_returned = g_slow_done;
        return 0;
    }, 1);
    m.run_until(2_ms);
    CHECK(tried == -1);
    CHECK(cancelled == 0);  // it had already left the queue to run
    CHECK(done_when_returned);
}

TEST_CASE("kfree of a struct with an armed hrtimer is ODEBUG 'free active', and the timer is cancelled") {
    // debug_check_no_obj_freed() with hrtimer_debug_descr: hrtimer_fixup_free()
    test::Machine m;
    Probe* p = nullptr;
    m.kthread("t", [&] {
        p = static_cast<Probe*>(kzalloc(sizeof(Probe), GFP_KERNEL));
        hrtimer_setup(&p->timer, probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
        hrtimer_start(&p->timer, us_to_ktime(200), HRTIMER_MODE_REL);
        kfree(p);
        return 0;
    });
    m.run_until(2_ms);  // the expiry passes: a timer left queued would call into freed memory
    std::string d = m.dmesg();
    CHECK(d.find("ODEBUG: free active (active state 0) object: ") != std::string::npos);
    CHECK(d.find(" object type: hrtimer hint: probe_fn") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kOdebugFreeActive) == 1);
}
