#include <catch2/catch.hpp>

#include <linux/completion.h>
#include <linux/delay.h>

#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("complete before wait_for_completion: the wait does not block") {
    test::Machine m;
    DECLARE_COMPLETION(c);
    sim::Time before = 0, after = 0;
    m.kthread("t", [&] {
        complete(&c);
        before = m.now();
        wait_for_completion(&c);
        after = m.now();
        return 0;
    });
    m.run_until(1_ms);
    CHECK(after - before < 1_us);
}

TEST_CASE("each complete releases one waiter; complete_all releases all, for good") {
    test::Machine m(test::config(2));
    DECLARE_COMPLETION(one);
    DECLARE_COMPLETION(all);
    int passed_one = 0, passed_all = 0;
    for (int i = 0; i < 3; ++i) {
        m.kthread("o" + std::to_string(i), [&] {
            wait_for_completion(&one);
            passed_one++;
            return 0;
        });
        m.kthread("a" + std::to_string(i), [&] {
            wait_for_completion(&all);
            passed_all++;
            wait_for_completion(&all);
            return 0;
        });
    }
    m.kthread("releaser", [&] {
        msleep(5);
        complete(&one);
        complete_all(&all);
        return 0;
    });
    m.run_until(100_ms);
    CHECK(passed_one == 1);
    CHECK(passed_all == 3);
}

TEST_CASE("wait_for_completion_timeout returns 0 at the timeout") {
    test::Machine m;
    DECLARE_COMPLETION(c);
    unsigned long r = 99;
    m.kthread("t", [&] {
        r = wait_for_completion_timeout(&c, msecs_to_jiffies(10));
        return 0;
    });
    m.run_until(100_ms);
    CHECK(r == 0);
}
