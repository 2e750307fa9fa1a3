// Tasklets (kernel/softirq.c tasklet_action_common() and friends; include/linux/interrupt.h),
// and seed 004's state diagram: Idle, Scheduled, Running, Disabled, Dead.
#include <catch2/catch.hpp>

#include <linux/interrupt.h>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/irq_source.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::test::Machine;

namespace {

constexpr sim::Time us = 1000;

struct Run {
    sim::Time start, end;
    int cpu;
    bool softirq, hardirq;
    std::string task;
};

struct Counter {
    struct tasklet_struct t;
    std::vector<Run> runs;
    sim::Time cost = 0;
    int reschedule = 0;  // times the callback schedules itself again
};

Machine* g_machine = nullptr;

void counter_fn(struct tasklet_struct* t) {
    Counter* c = from_tasklet(c, t, t);
    sim::Time start = g_machine->now();
    if (c->cost) kernel::spend(c->cost);
    c->runs.push_back({start, g_machine->now(), smp_processor_id(), in_serving_softirq() != 0, in_hardirq() != 0,
                       get_current()->comm});
    if (c->reschedule > 0) {
        c->reschedule--;
        tasklet_schedule(&c->t);  // Running -> Scheduled
    }
}

// Schedules from process context as a driver's softirq-safe path would: in a BH-disabled
// section, so local_bh_enable() runs it at once on this CPU.
void schedule_bh(struct tasklet_struct* t) {
    local_bh_disable();
    tasklet_schedule(t);
    local_bh_enable();
}

}  // namespace

TEST_CASE("a tasklet scheduled from a hardirq runs at irq_exit, in softirq context, on that CPU") {
    // kernel/softirq.c __tasklet_schedule_common(), irq_exit() -> invoke_softirq()
    Machine m(test::config(2));
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    test::TestIrq irq(m, 1, 0x40, 2 * us);
    irq.extra = [&] { tasklet_schedule(&c.t); };
    irq.fire_at(100 * us);
    m.run_until(1'000 * us);
    REQUIRE(c.runs.size() == 1);
    CHECK(c.runs[0].cpu == 1);
    CHECK(c.runs[0].softirq);
    CHECK_FALSE(c.runs[0].hardirq);
    CHECK(c.runs[0].start > irq.seen[0].at);
    CHECK(c.runs[0].start < irq.seen[0].at + 5 * us);  // right after the handler, not later
}

TEST_CASE("scheduling a tasklet that is already scheduled does nothing: it runs once") {
    // include/linux/interrupt.h tasklet_schedule(): test_and_set_bit(TASKLET_STATE_SCHED)
    Machine m;
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    m.kthread("driver", [&] {
        local_bh_disable();
        tasklet_schedule(&c.t);
        tasklet_schedule(&c.t);
        tasklet_schedule(&c.t);
        local_bh_enable();
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(c.runs.size() == 1);
    CHECK(c.t.state == 0);  // Idle again: neither SCHED nor RUN
}

TEST_CASE("a tasklet that schedules itself from its callback runs again, never nested (Running -> Scheduled)") {
    // kernel/softirq.c tasklet_action_common(): SCHED is cleared before the callback
    Machine m;
    g_machine = &m;
    Counter c;
    c.reschedule = 2;
    c.cost = 10 * us;
    tasklet_setup(&c.t, counter_fn);
    m.kthread("driver", [&] { schedule_bh(&c.t); return 0; });
    m.run_until(1'000 * us);
    REQUIRE(c.runs.size() == 3);
    CHECK(c.runs[1].start >= c.runs[0].end);
    CHECK(c.runs[2].start >= c.runs[1].end);
}

TEST_CASE("tasklet_disable nests: a disabled tasklet stays queued and runs only after the last enable") {
    // include/linux/interrupt.h tasklet_disable()/tasklet_enable(): t->count
    Machine m;
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    std::size_t after_first_enable = 99;
    m.kthread("driver", [&] {
        tasklet_disable(&c.t);  // Idle -> Disabled
        tasklet_disable(&c.t);
        schedule_bh(&c.t);
        msleep(2);
        tasklet_enable(&c.t);
        msleep(2);
        after_first_enable = c.runs.size();
        tasklet_enable(&c.t);  // -> Idle (the queued run follows)
        msleep(2);
        return 0;
    });
    m.run_until(20'000 * us);
    CHECK(after_first_enable == 0);
    CHECK(c.runs.size() == 1);
    CHECK(atomic_read(&c.t.count) == 0);
}

TEST_CASE("a scheduled disabled tasklet keeps re-raising its softirq, which spills into ksoftirqd, and time advances") {
    // kernel/softirq.c tasklet_action_common(): requeue + __raise_softirq_irqoff(); handle_softirqs() limits
    Machine m;
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    m.kthread("driver", [&] {
        tasklet_disable(&c.t);
        schedule_bh(&c.t);
        return 0;
    });
    m.run_until(3'000 * us);
    CHECK(c.runs.empty());
    CHECK(m.k.cpu(0).softirq_count[TASKLET_SOFTIRQ] > 100);  // passes keep coming
    kernel::Task* ksoftirqd = m.k.find_task("ksoftirqd/0");
    REQUIRE(ksoftirqd);
    CHECK(m.k.cpu(0).curr == ksoftirqd);  // the rest went to ksoftirqd
    tasklet_enable(&c.t);            // (from outside: the next pass runs it)
    m.run_until(20'000 * us);
    CHECK(c.runs.size() == 1);
}

TEST_CASE("tasklet_kill waits for a scheduled tasklet to run, then leaves it unscheduled (Scheduled -> Dead)") {
    // kernel/softirq.c tasklet_kill()
    Machine m(test::config(2));
    g_machine = &m;
    Counter c;
    c.cost = 200 * us;
    tasklet_setup(&c.t, counter_fn);
    sim::Time killed = 0;
    m.kthread("irqsrc", [&] { schedule_bh(&c.t); return 0; }, 0);
    m.kthread("remover", [&] {
        udelay(50);
        tasklet_kill(&c.t);  // waits for the run on CPU0 to end
        killed = m.now();
        return 0;
    }, 1);
    m.run_until(5'000 * us);
    REQUIRE(c.runs.size() == 1);
    CHECK(killed >= c.runs[0].end);
    CHECK(c.t.state == 0);
}

TEST_CASE("tasklet_kill of an idle tasklet returns at once (Idle -> Dead)") {
    // kernel/softirq.c tasklet_kill()
    Machine m;
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    sim::Time took = -1;
    m.kthread("remover", [&] {
        sim::Time t0 = m.now();
        tasklet_kill(&c.t);
        took = m.now() - t0;
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(took == 0);
    CHECK(c.runs.empty());
}

TEST_CASE("tasklet_kill from interrupt context says so, then sleeps in atomic context (the BUG report)") {
    // kernel/softirq.c tasklet_kill(): pr_notice, then wait_var_event() -> might_sleep()
    Machine m;
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] { tasklet_kill(&c.t); };
    irq.fire_at(100 * us);
    m.run_until(1'000 * us);
    std::string d = m.dmesg();
    CHECK(d.find("] Attempt to kill tasklet from interrupt\n") != std::string::npos);
    CHECK(d.find("BUG: sleeping function called from invalid context") != std::string::npos);
}

TEST_CASE("a tasklet never runs on two CPUs at once: scheduled elsewhere while running, it runs after") {
    // kernel/softirq.c tasklet_action_common(): tasklet_trylock() fails -> requeue
    Machine m(test::config(2));
    g_machine = &m;
    Counter c;
    c.cost = 100 * us;
    tasklet_setup(&c.t, counter_fn);
    m.kthread("cpu0", [&] { schedule_bh(&c.t); return 0; }, 0);
    m.kthread("cpu1", [&] {
        udelay(30);
        schedule_bh(&c.t);  // SCHED is clear (it is running): queued on CPU1
        return 0;
    }, 1);
    m.run_until(5'000 * us);
    REQUIRE(c.runs.size() == 2);
    CHECK(c.runs[0].cpu == 0);
    CHECK(c.runs[1].cpu == 1);
    CHECK(c.runs[1].start >= c.runs[0].end);
}

namespace {
int old_data_seen = 0;
void old_style(unsigned long data) { old_data_seen = static_cast<int>(data); }
void new_style(struct tasklet_struct*) { old_data_seen = -1; }
DECLARE_TASKLET(old_tasklet, old_style, 42);  // the pre-5.9 three-argument form
DECLARE_TASKLET(new_tasklet, new_style);      // the 5.9+ form
DECLARE_TASKLET_DISABLED(off_tasklet, new_style);
}  // namespace

TEST_CASE("DECLARE_TASKLET takes both the old (func, data) and the new (callback) form; _DISABLED starts disabled") {
    // include/linux/interrupt.h DECLARE_TASKLET, DECLARE_TASKLET_OLD (5.9: commit b13fecb1c3a6)
    CHECK_FALSE(old_tasklet.use_callback);
    CHECK(old_tasklet.data == 42);
    CHECK(new_tasklet.use_callback);
    CHECK(atomic_read(&off_tasklet.count) == 1);
    Machine m;
    m.kthread("driver", [&] { schedule_bh(&old_tasklet); return 0; });
    m.run_until(1'000 * us);
    CHECK(old_data_seen == 42);
}

namespace {
std::vector<std::string> order;
void lo_fn(struct tasklet_struct*) { order.push_back("lo"); }
void hi_fn(struct tasklet_struct*) { order.push_back("hi"); }
}  // namespace

TEST_CASE("tasklet_hi_schedule runs on HI_SOFTIRQ, before the TASKLET_SOFTIRQ tasklets") {
    // kernel/softirq.c: HI_SOFTIRQ is vector 0, TASKLET_SOFTIRQ 6
    Machine m;
    g_machine = &m;
    order.clear();
    struct tasklet_struct lo, hi;
    tasklet_setup(&lo, lo_fn);
    tasklet_setup(&hi, hi_fn);
    m.kthread("driver", [&] {
        local_bh_disable();
        tasklet_schedule(&lo);
        tasklet_hi_schedule(&hi);
        local_bh_enable();
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(order == std::vector<std::string>{"hi", "lo"});
}

TEST_CASE("/proc/softirqs has Linux's layout and counts handler invocations per CPU") {
    // fs/proc/softirqs.c show_softirqs(); sample rows from research §13.3
    Machine m(test::config(2));
    g_machine = &m;
    Counter c;
    tasklet_setup(&c.t, counter_fn);
    m.kthread("driver", [&] { schedule_bh(&c.t); return 0; }, 1);
    m.run_until(1'000 * us);
    std::string s = kernel::procfs::read(m.k, "/proc/softirqs").value();
    std::vector<std::string> l;
    for (std::size_t at = 0, nl; (nl = s.find('\n', at)) != std::string::npos; at = nl + 1) l.push_back(s.substr(at, nl - at));
    REQUIRE(l.size() == 11);
    CHECK(l[0] == "                    CPU0       CPU1       ");
    CHECK(l[1] == "          HI:          0          0");
    CHECK(l[7] == "     TASKLET:          0          1");
    CHECK(l[10].rfind("         RCU: ", 0) == 0);
}
