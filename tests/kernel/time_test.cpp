#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/timer.h>

#include "kernel/time/tick.hpp"
#include "kernel/time/timer.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("jiffies start at INITIAL_JIFFIES, five minutes before the 32-bit wrap") {
    test::Machine m;
    unsigned long j0 = 0, j1 = 0;
    m.kthread("t", [&] {
        j0 = irqlab_jiffies();
        msleep(100);
        j1 = irqlab_jiffies();
        return 0;
    });
    m.run_until(1_s);
    CHECK(j0 == 0x100000000UL - 300 * 250);
    CHECK(j1 - j0 >= 25);
}

TEST_CASE("jiffies conversions round up to whole ticks, as Linux's do") {
    test::Machine m;
    CHECK(msecs_to_jiffies(1) == 1);
    CHECK(msecs_to_jiffies(4) == 1);
    CHECK(msecs_to_jiffies(5) == 2);
    CHECK(usecs_to_jiffies(1) == 1);
    CHECK(jiffies_to_msecs(250) == 1000);
    CHECK(time_after(10UL, 9UL));
    CHECK(time_before(0xfffffff0UL, 0x100000010UL));
    CHECK(time_after(0UL, static_cast<unsigned long>(-1)));  // wraps like Linux's
}

TEST_CASE("the timer wheel rounds a timer up to its bucket: never early") {
    const unsigned long clk = 1000;
    CHECK(kernel::Timers::bucket_expiry(clk + 1, clk, 250) == clk + 2);
    CHECK(kernel::Timers::bucket_expiry(clk + 62, clk, 250) == clk + 63);
    // Beyond level 0 (63 jiffies) the granularity is 8 jiffies.
    unsigned long b = kernel::Timers::bucket_expiry(clk + 100, clk, 250);
    CHECK(b >= clk + 100);
    CHECK(b % 8 == 0);
    CHECK(kernel::Timers::bucket_expiry(clk - 5, clk, 250) == clk);
}

TEST_CASE("msleep sleeps at least as asked, until the wheel's bucket comes") {
    test::Machine m;
    sim::Time woke = 0;
    m.kthread("sleeper", [&] {
        msleep(10);  // 3 jiffies, bucket +4: the 4th tick at HZ=250
        woke = m.now();
        return 0;
    });
    m.run_until(100_ms);
    CHECK(woke >= 16_ms);
    CHECK(woke < 16_ms + 20_us);
}

TEST_CASE("usleep_range ends between its bounds (at the hard expiry when nothing else fires)") {
    test::Machine m;
    sim::Time start = 0, woke = 0;
    m.kthread("sleeper", [&] {
        start = m.now();
        usleep_range(100, 200);
        woke = m.now();
        return 0;
    });
    m.run_until(10_ms);
    CHECK(woke - start >= 200_us);
    CHECK(woke - start < 200_us + 10_us);
}

TEST_CASE("udelay busy-waits: the CPU stays busy in the kernel") {
    test::Machine m;
    m.kthread("spinner", [] {
        udelay(500);
        return 0;
    });
    m.run_until(1_ms);
    m.k.cpu(0).flush_accounting();
    CHECK(m.k.cpu(0).time[int(kernel::CpuTime::System)] >= 500_us);
}

TEST_CASE("schedule_timeout returns the jiffies left when woken early") {
    test::Machine m;
    long left = -1;
    struct task_struct* sleeper = nullptr;
    m.kthread("sleeper", [&] {
        sleeper = get_current();
        set_current_state(TASK_INTERRUPTIBLE);
        left = schedule_timeout(100);
        return 0;
    });
    m.kthread("waker", [&] {
        msleep(40);
        wake_up_process(sleeper);
        return 0;
    });
    m.run_until(1_s);
    CHECK(left > 80);
    CHECK(left < 100);
}

namespace {
struct Probe {
    struct timer_list t;
    int runs = 0;
    bool in_softirq_ctx = false;
    int rearm = 0;
    sim::Time last = 0;
};
Probe* g_probe;
void probe_fn(struct timer_list* t) {
    Probe* p = from_timer(p, t, t);
    p->runs++;
    p->in_softirq_ctx = in_serving_softirq();
    p->last = irqlab::kernel::Kernel::get().now();
    if (p->rearm-- > 0) mod_timer(t, irqlab_jiffies() + 1);
}
}  // namespace

TEST_CASE("a timer_list runs in TIMER_SOFTIRQ; mod_timer on a pending timer returns 1; del_timer stops it") {
    test::Machine m;
    Probe p;
    g_probe = &p;
    int mod_pending = -1, del_pending = -1, del_again = -1;
    m.kthread("armer", [&] {
        timer_setup(&p.t, probe_fn, 0);
        mod_timer(&p.t, irqlab_jiffies() + 10);
        mod_pending = mod_timer(&p.t, irqlab_jiffies() + 5);
        msleep(100);
        mod_timer(&p.t, irqlab_jiffies() + 50);
        del_pending = del_timer(&p.t);
        del_again = del_timer(&p.t);
        return 0;
    });
    m.run_until(1_s);
    CHECK(mod_pending == 1);
    CHECK(p.runs == 1);
    CHECK(p.in_softirq_ctx);
    CHECK(del_pending == 1);
    CHECK(del_again == 0);
    CHECK(m.k.cpu(0).softirq_count[TIMER_SOFTIRQ] >= 1);
}

TEST_CASE("a timer re-armed from its own callback runs again at its next bucket") {
    test::Machine m;
    Probe p;
    p.rearm = 3;
    m.kthread("armer", [&] {
        timer_setup(&p.t, probe_fn, 0);
        mod_timer(&p.t, irqlab_jiffies() + 1);
        return 0;
    });
    m.run_until(1_s);
    CHECK(p.runs == 4);
}

TEST_CASE("an idle machine stops its tick (NO_HZ idle)") {
    test::Machine m(test::config(2));
    m.run_until(1_s);
    CHECK(m.k.cpu(0).lapic.loc_count == 0);
    CHECK(m.k.cpu(1).lapic.loc_count == 0);
}

TEST_CASE("a busy CPU takes HZ ticks a second") {
    test::Machine m;
    m.kthread("busy", [] {
        irqlab::kernel::spend(2_s);
        return 0;
    });
    m.run_until(1_s + 100_us);  // the tick at 1 s has been taken
    CHECK(m.k.cpu(0).lapic.loc_count == 250);
}

TEST_CASE("ktime_get reads the simulated clock") {
    test::Machine m;
    s64 t = -1;
    m.kthread("t", [&] {
        msleep(10);
        t = ktime_get_ns();
        return 0;
    });
    m.run_until(1_s);
    CHECK(t >= 10'000'000);
}
