#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/wait.h>

#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("wait_event sleeps until woken with its condition true") {
    test::Machine m;
    DECLARE_WAIT_QUEUE_HEAD(wq);
    bool flag = false;
    sim::Time woke = 0, set_at = 0;
    m.kthread("waiter", [&] {
        wait_event(wq, flag);
        woke = m.now();
        return 0;
    });
    m.kthread("setter", [&] {
        msleep(10);
        flag = true;
        set_at = m.now();
        wake_up(&wq);
        return 0;
    });
    m.run_until(100_ms);
    CHECK(woke >= set_at);
    CHECK(woke < set_at + 10_us);
}

TEST_CASE("a wake_up with the condition still false puts the waiter back to sleep") {
    test::Machine m;
    DECLARE_WAIT_QUEUE_HEAD(wq);
    int value = 0;
    int seen = -1;
    m.kthread("waiter", [&] {
        wait_event(wq, value == 2);
        seen = value;
        return 0;
    });
    m.kthread("setter", [&] {
        msleep(5);
        value = 1;
        wake_up(&wq);
        msleep(5);
        value = 2;
        wake_up(&wq);
        return 0;
    });
    m.run_until(100_ms);
    CHECK(seen == 2);
}

TEST_CASE("wait_event_timeout returns 0 when the time runs out and the jiffies left otherwise") {
    test::Machine m;
    DECLARE_WAIT_QUEUE_HEAD(wq);
    bool flag = false;
    long timed_out = -1, in_time = -1;
    m.kthread("waiter", [&] {
        timed_out = wait_event_timeout(wq, flag, msecs_to_jiffies(20));
        in_time = wait_event_timeout(wq, flag, msecs_to_jiffies(200));
        return 0;
    });
    m.kthread("setter", [&] {
        msleep(100);
        flag = true;
        wake_up(&wq);
        return 0;
    });
    m.run_until(1_s);
    CHECK(timed_out == 0);
    CHECK(in_time > 0);
}

TEST_CASE("wake_up_all wakes every waiter; wake_up wakes one exclusive waiter") {
    test::Machine m(test::config(2));
    DECLARE_WAIT_QUEUE_HEAD(wq);
    DECLARE_WAIT_QUEUE_HEAD(xq);
    bool go = false, xgo = false;
    int woken = 0, xwoken = 0;
    for (int i = 0; i < 3; ++i) {
        m.kthread("w" + std::to_string(i), [&] {
            wait_event(wq, go);
            woken++;
            return 0;
        });
        m.kthread("x" + std::to_string(i), [&] {
            wait_event_interruptible_exclusive(xq, xgo);
            xwoken++;
            return 0;
        });
    }
    m.kthread("waker", [&] {
        msleep(10);
        go = xgo = true;
        wake_up_all(&wq);
        wake_up(&xq);
        return 0;
    });
    m.run_until(100_ms);
    CHECK(woken == 3);
    CHECK(xwoken == 1);
}
