#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "kernel/panic.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("a contended mutex_lock sleeps, leaving the CPU to others") {
    test::Machine m;
    DEFINE_MUTEX(mx);
    sim::Time got = 0;
    unsigned state_seen = 99;
    kernel::Task* waiter = nullptr;
    m.kthread("holder", [&] {
        mutex_lock(&mx);
        msleep(10);
        state_seen = waiter->ts.__state;
        mutex_unlock(&mx);
        return 0;
    });
    m.kthread("waiter", [&] {
        waiter = m.k.running();
        udelay(1);
        mutex_lock(&mx);
        got = m.now();
        mutex_unlock(&mx);
        return 0;
    });
    m.run_until(100_ms);
    CHECK(state_seen == TASK_UNINTERRUPTIBLE);
    CHECK(got >= 10_ms);
    m.k.cpu(0).flush_accounting();
    CHECK(m.k.cpu(0).time[int(kernel::CpuTime::Idle)] > 8_ms);  // nobody spun
}

TEST_CASE("an unlocked mutex goes to its waiters first come, first served") {
    test::Machine m(test::config(1));
    DEFINE_MUTEX(mx);
    std::vector<std::string> order;
    m.kthread("holder", [&] {
        mutex_lock(&mx);
        msleep(5);
        mutex_unlock(&mx);
        return 0;
    });
    for (const char* name : {"w1", "w2", "w3"})
        m.kthread(name, [&, name] {
            mutex_lock(&mx);
            order.push_back(name);
            mutex_unlock(&mx);
            return 0;
        });
    m.run_until(100_ms);
    CHECK(order == std::vector<std::string>{"w1", "w2", "w3"});
}

TEST_CASE("mutex_trylock fails on a held mutex and never sleeps") {
    test::Machine m;
    DEFINE_MUTEX(mx);
    int first = -1, second = -1;
    m.kthread("t", [&] {
        first = mutex_trylock(&mx);
        second = mutex_trylock(&mx);
        mutex_unlock(&mx);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(first == 1);
    CHECK(second == 0);
}

TEST_CASE("mutex_lock with a spinlock held is 'sleeping function called from invalid context'") {
    test::Machine m;
    m.kthread("bad", [] {
        DEFINE_SPINLOCK(l);
        DEFINE_MUTEX(mx);
        spin_lock(&l);
        mutex_lock(&mx);
        mutex_unlock(&mx);
        spin_unlock(&l);
        return 0;
    });
    m.run_until(1_ms);
    std::string d = m.dmesg();
    CHECK(d.find("BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283") != std::string::npos);
    CHECK(d.find("in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: ") != std::string::npos);
    CHECK(d.find("preempt_count: 1, expected: 0") != std::string::npos);
    CHECK(d.find(" mutex_lock\n") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kSleepInAtomic) == 1);
}

TEST_CASE("mutex_unlock by a task that does not own it warns once") {
    test::Machine m;
    DEFINE_MUTEX(mx);
    m.kthread("owner", [&] {
        mutex_lock(&mx);
        msleep(10);
        return 0;
    });
    m.kthread("thief", [&] {
        msleep(2);
        mutex_unlock(&mx);
        return 0;
    });
    m.run_until(50_ms);
    CHECK(m.dmesg().find("DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kWarning) == 1);
}
