#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/kthread.h>

#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
int g_loops;
int looper(void*) {
    while (!kthread_should_stop()) {
        g_loops++;
        msleep(1);
    }
    return 42;
}
int never(void*) {
    g_loops = -1000;
    return 7;
}
}  // namespace

TEST_CASE("kthread_run starts the thread; kthread_stop makes it stop and returns its exit code") {
    test::Machine m;
    g_loops = 0;
    int code = 0;
    m.kthread("controller", [&] {
        struct task_struct* t = kthread_run(looper, nullptr, "looper/%d", 3);
        msleep(30);
        code = kthread_stop(t);
        return 0;
    });
    m.run_until(100_ms);
    CHECK(code == 42);
    CHECK(g_loops >= 3);
    REQUIRE(m.k.find_task("looper/3"));
    CHECK(m.k.find_task("looper/3")->exited);
}

TEST_CASE("a kthread stopped before it ever ran returns -EINTR without running its function") {
    test::Machine m;
    g_loops = 0;
    int code = 0;
    m.kthread("controller", [&] {
        struct task_struct* t = kthread_create(never, nullptr, "never");
        code = kthread_stop(t);
        return 0;
    });
    m.run_until(10_ms);
    CHECK(code == -EINTR);
    CHECK(g_loops == 0);
}

TEST_CASE("a kthread's name is formatted and cut to TASK_COMM_LEN - 1") {
    test::Machine m;
    std::string name;
    m.kthread("controller", [&] {
        struct task_struct* t = kthread_create(never, nullptr, "a-very-long-name-%d", 12345);
        name = t->comm;
        kthread_stop(t);
        return 0;
    });
    m.run_until(10_ms);
    CHECK(name == "a-very-long-nam");
}
