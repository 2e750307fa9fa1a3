#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/spinlock.h>

#include "kernel/panic.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("a CPU that does not schedule for the threshold gets the soft lockup report") {
    kernel::Config c = test::config(1);
    c.softlockup_thresh = 1 * sim::kNsPerSec;
    test::Machine m(c);
    m.kthread("hog", [] {
        preempt_disable();
        irqlab::kernel::spend(3 * sim::kNsPerSec);
        preempt_enable();
        return 0;
    });
    m.run_until(5 * sim::kNsPerSec);
    std::string d = m.dmesg();
    CHECK(d.find("watchdog: BUG: soft lockup - CPU#0 stuck for 1s! [hog:") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kSoftLockup) >= 1);
    // A long loop still ends: the run goes on.
    CHECK_FALSE(m.k.cpu(0).hung);
    CHECK(m.k.find_task("hog")->exited);
}

TEST_CASE("a CPU spinning on a lock nobody will release is declared hung and the run stops") {
    kernel::Config c = test::config(2);
    c.softlockup_thresh = 1 * sim::kNsPerSec;
    test::Machine m(c);
    DEFINE_SPINLOCK(l);
    m.kthread("leaker", [&] {
        spin_lock(&l);
        return 0;  // exits holding it
    }, 0);
    m.kthread("victim", [&] {
        msleep(10);
        spin_lock(&l);
        return 0;
    }, 1);
    auto status = m.sim.run_until(10 * sim::kNsPerSec);
    CHECK(status == sim::Simulator::Status::Stopped);
    CHECK(m.k.cpu(1).hung);
    CHECK(m.dmesg().find("soft lockup - CPU#1") != std::string::npos);
}

TEST_CASE("spinning with interrupts off is a hard lockup") {
    kernel::Config c = test::config(2);
    c.softlockup_thresh = 2 * sim::kNsPerSec;
    test::Machine m(c);
    DEFINE_SPINLOCK(l);
    m.kthread("leaker", [&] {
        spin_lock(&l);
        return 0;
    }, 0);
    m.kthread("victim", [&] {
        unsigned long flags;
        msleep(10);
        spin_lock_irqsave(&l, flags);
        (void)flags;
        return 0;
    }, 1);
    m.sim.run_until(10 * sim::kNsPerSec);
    CHECK(m.dmesg().find("Watchdog detected hard LOCKUP on cpu 1") != std::string::npos);
    CHECK(m.k.cpu(1).hung);
}
