#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>

#include "kernel/panic.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("a contended spinlock spins (busy) and is handed over in arrival order") {
    test::Machine m(test::config(3));
    DEFINE_SPINLOCK(lock);
    std::vector<std::string> order;
    sim::Time a_released = 0, b_got = 0;
    auto holder = [&](const char* name, sim::Time delay_before, sim::Time hold, sim::Time* got, sim::Time* released) {
        return [&, name, delay_before, hold, got, released] {
            udelay(static_cast<unsigned long>(delay_before / 1000));
            spin_lock(&lock);
            if (got) *got = m.now();
            order.push_back(name);
            udelay(static_cast<unsigned long>(hold / 1000));
            if (released) *released = m.now();
            spin_unlock(&lock);
            return 0;
        };
    };
    m.kthread("a", holder("a", 0, 100_us, nullptr, &a_released), 0);
    m.kthread("b", holder("b", 10_us, 10_us, &b_got, nullptr), 1);
    m.kthread("c", holder("c", 20_us, 10_us, nullptr, nullptr), 2);
    m.run_until(1_ms);
    CHECK(order == std::vector<std::string>{"a", "b", "c"});
    // b gets it one cache-line transfer after a lets go.
    CHECK(b_got == a_released + m.k.config.costs[kernel::Cost::spinlock_handover]);
    // b's CPU was busy spinning the whole time, not idle.
    m.k.cpu(1).flush_accounting();
    CHECK(m.k.cpu(1).time[int(kernel::CpuTime::System)] >= 100_us);
}

TEST_CASE("spin_lock twice on one CPU is reported as recursion and the CPU hangs") {
    kernel::Config c = test::config(1);
    c.softlockup_thresh = 100 * sim::kNsPerMs;
    test::Machine m(c);
    m.kthread("twice", [] {
        DEFINE_SPINLOCK(l);
        spin_lock(&l);
        spin_lock(&l);
        return 0;
    });
    m.run_until(1_s);
    std::string d = m.dmesg();
    CHECK(d.find("BUG: spinlock recursion on CPU#0, twice/") != std::string::npos);
    CHECK(d.find(" lock: l, .magic: dead4ead, .owner: twice/") != std::string::npos);
    CHECK(m.k.bugs().count("spinlock recursion") == 1);
    CHECK(m.k.bugs().count(kernel::bug::kSoftLockup) == 1);
    CHECK(m.k.cpu(0).hung);
    CHECK_FALSE(m.k.halted_reason().empty());
}

TEST_CASE("unlocking an unlocked spinlock is reported") {
    test::Machine m;
    m.kthread("t", [] {
        DEFINE_SPINLOCK(l);
        spin_unlock(&l);
        preempt_disable();  // rebalance the count spin_unlock dropped
        return 0;
    });
    m.run_until(1_ms);
    CHECK(m.dmesg().find("BUG: spinlock already unlocked on CPU#0, t/") != std::string::npos);
}

TEST_CASE("a spinlock that was never initialised has a bad magic") {
    test::Machine m;
    m.kthread("t", [] {
        spinlock_t l;
        std::memset(&l, 0, sizeof l);
        spin_lock(&l);
        spin_unlock(&l);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(m.dmesg().find("BUG: spinlock bad magic on CPU#0") != std::string::npos);
}

namespace {
bool g_ran;
void test_action() { g_ran = true; }
}  // namespace

TEST_CASE("spin_unlock_bh runs the softirqs raised while the lock was held") {
    test::Machine m;
    g_ran = false;
    bool ran_inside = true;
    m.k.softirqs().open(HRTIMER_SOFTIRQ, test_action, "test_action");
    m.kthread("t", [&] {
        DEFINE_SPINLOCK(l);
        spin_lock_bh(&l);
        raise_softirq(HRTIMER_SOFTIRQ);
        udelay(10);
        ran_inside = g_ran;
        spin_unlock_bh(&l);
        return 0;
    });
    m.run_until(1_ms);
    CHECK_FALSE(ran_inside);
    CHECK(g_ran);
}

TEST_CASE("spin_trylock takes a free lock and fails on a held one without spinning") {
    test::Machine m;
    int first = -1, second = -1;
    m.kthread("t", [&] {
        DEFINE_SPINLOCK(l);
        first = spin_trylock(&l);
        second = spin_trylock(&l);
        spin_unlock(&l);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(first == 1);
    CHECK(second == 0);
    CHECK(m.k.bugs().total() == 0);
}
