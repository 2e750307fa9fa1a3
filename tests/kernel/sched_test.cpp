#include <catch2/catch.hpp>

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/sched.h>

#include "kernel/sched/spend.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
// A task that computes `d` in kernel mode in 100 us steps and records when it finished.
std::function<int()> busy(test::Machine& m, sim::Time d, sim::Time* done) {
    return [&m, d, done] {
        for (sim::Time t = 0; t < d; t += 100_us) kernel::spend(100_us);
        *done = m.now();
        return 0;
    };
}
}  // namespace

TEST_CASE("a woken SCHED_FIFO task preempts a SCHED_NORMAL one at once (full preemption)") {
    test::Machine m;
    sim::Time normal_done = 0, rt_start = 0;
    m.kthread("normal", busy(m, 10_ms, &normal_done));
    m.at(2_ms, [&] {
        m.kthread("rt", [&] {
            rt_start = m.now();
            return 0;
        }, -1, SCHED_FIFO, 50);
    });
    m.run_until(20_ms);
    CHECK(rt_start >= 2_ms);
    CHECK(rt_start < 2_ms + 10_us);
    CHECK(normal_done > 10_ms);
}

TEST_CASE("with preemption none a kernel busy loop keeps the CPU until it schedules") {
    kernel::Config c = test::config();
    c.preempt = kernel::PreemptModel::None;
    test::Machine m(c);
    sim::Time normal_done = 0, rt_start = 0;
    m.kthread("normal", busy(m, 5_ms, &normal_done));
    m.at(1_ms, [&] {
        m.kthread("rt", [&] {
            rt_start = m.now();
            return 0;
        }, -1, SCHED_FIFO, 50);
    });
    m.run_until(20_ms);
    CHECK(rt_start >= normal_done);
}

TEST_CASE("user mode is preemptible in every preemption model") {
    kernel::Config c = test::config();
    c.preempt = kernel::PreemptModel::None;
    test::Machine m(c);
    sim::Time rt_start = 0;
    kernel::Task& user = m.k.create_task(kernel::TaskKind::User, "cruncher");
    user.body = [&] {
        kernel::Task& self = *m.k.running();
        self.in_user = true;
        kernel::spend(5_ms);
        m.k.running()->in_user = false;
        return 0;
    };
    m.k.sched().wake_up_new_task(user);
    m.at(1_ms, [&] {
        m.kthread("rt", [&] {
            rt_start = m.now();
            return 0;
        }, -1, SCHED_FIFO, 50);
    });
    m.run_until(20_ms);
    CHECK(rt_start >= 1_ms);
    CHECK(rt_start < 1_ms + 10_us);
}

TEST_CASE("SCHED_NORMAL tasks on one CPU share it in time slices") {
    test::Machine m;
    sim::Time a = 0, b = 0;
    kernel::Task& ta = m.kthread("a", busy(m, 20_ms, &a));
    kernel::Task& tb = m.kthread("b", busy(m, 20_ms, &b));
    m.run_until(100_ms);
    CHECK(a > 30_ms);
    CHECK(b > 30_ms);
    CHECK(ta.ts.nivcsw >= 2);
    CHECK(tb.ts.nivcsw >= 2);
}

TEST_CASE("SCHED_FIFO runs until it blocks: an equal-priority task waits its turn") {
    test::Machine m;
    sim::Time a = 0, b = 0;
    m.kthread("a", busy(m, 20_ms, &a), -1, SCHED_FIFO, 50);
    m.kthread("b", busy(m, 20_ms, &b), -1, SCHED_FIFO, 50);
    m.run_until(100_ms);
    CHECK(a < 21_ms);
    CHECK(b > 40_ms);
}

TEST_CASE("SCHED_RR tasks of one priority take turns every 100 ms") {
    test::Machine m;
    sim::Time a = 0, b = 0;
    kernel::Task& ta = m.kthread("a", busy(m, 250_ms, &a), -1, SCHED_RR, 10);
    m.kthread("b", busy(m, 250_ms, &b), -1, SCHED_RR, 10);
    m.run_until(1_s);
    CHECK(ta.ts.nivcsw >= 2);
    CHECK(a > 400_ms);
    CHECK(b > 400_ms);
}

TEST_CASE("waking a task on an idle CPU sends it a reschedule IPI") {
    test::Machine m(test::config(2));
    DECLARE_COMPLETION(done);
    sim::Time woke = 0, completed = 0;
    m.kthread("waiter", [&] {
        wait_for_completion(&done);
        woke = m.now();
        return 0;
    }, 1);
    m.kthread("waker", [&] {
        msleep(5);
        completed = m.now();
        complete(&done);
        return 0;
    }, 0);
    m.run_until(50_ms);
    CHECK(m.k.cpu(1).lapic.res_count >= 1);
    CHECK(woke > completed);
    CHECK(woke < completed + 10_us);
}

TEST_CASE("a task pinned to a CPU runs only there") {
    test::Machine m(test::config(4));
    std::vector<int> cpus;
    m.kthread("pinned", [&] {
        for (int i = 0; i < 5; ++i) {
            cpus.push_back(smp_processor_id());
            msleep(1);
        }
        return 0;
    }, 2);
    m.run_until(100_ms);
    REQUIRE(cpus.size() == 5);
    for (int c : cpus) CHECK(c == 2);
}

TEST_CASE("a new task goes to an idle CPU") {
    test::Machine m(test::config(2));
    int cpu_a = -1, cpu_b = -1;
    sim::Time d;
    m.kthread("a", [&] {
        cpu_a = smp_processor_id();
        return busy(m, 5_ms, &d)();
    });
    m.kthread("b", [&] {
        cpu_b = smp_processor_id();
        return busy(m, 5_ms, &d)();
    });
    m.run_until(20_ms);
    CHECK(cpu_a != cpu_b);
}

TEST_CASE("a CPU going idle pulls a task queued on a busy one") {
    test::Machine m(test::config(2));
    sim::Time d1 = 0, d2 = 0, d3 = 0;
    int cpu3 = -1;
    m.kthread("long", busy(m, 30_ms, &d1));
    m.kthread("short", busy(m, 2_ms, &d2));
    m.kthread("third", [&] {
        busy(m, 5_ms, &d3)();
        cpu3 = smp_processor_id();
        return 0;
    });
    m.run_until(60_ms);
    // The third task could not get a CPU at first; the short one's CPU picks it up.
    CHECK(d3 < 10_ms);
    CHECK(cpu3 >= 0);
}

TEST_CASE("sched_switch marks a preempted task R+ and a sleeping one S or D") {
    test::Machine m;
    struct Collect : sim::TraceSubscriber {
        std::vector<std::int64_t> states;
        void on_record(const sim::TraceRecord& r) override {
            if (r.kind == static_cast<std::uint16_t>(kernel::trace::Ev::sched_switch) && std::string(r.str[0]) == "normal")
                states.push_back(r.arg[2]);
        }
    } c;
    m.sim.trace().subscribe(&c);
    sim::Time d;
    m.kthread("normal", [&] {
        busy(m, 2_ms, &d)();
        msleep(1);
        return 0;
    });
    m.at(1_ms, [&] { m.kthread("rt", [] { return 0; }, -1, SCHED_FIFO, 50); });
    m.run_until(20_ms);
    m.sim.trace().unsubscribe(&c);
    REQUIRE(c.states.size() >= 2);
    CHECK(c.states[0] == 0x100);  // TASK_REPORT_MAX: preempted, printed R+
    CHECK(c.states[1] == TASK_UNINTERRUPTIBLE);
}

TEST_CASE("a 256-CPU machine boots and runs a task on every CPU") {
    test::Machine m(test::config(256));
    int ran = 0;
    for (int c = 0; c < 256; ++c)
        m.kthread("t" + std::to_string(c), [&] {
            kernel::spend(10_us);
            ++ran;
            return 0;
        }, c);
    m.run_until(1_ms);
    CHECK(ran == 256);
}

TEST_CASE("with preemption voluntary, cond_resched lets a woken RT task in") {
    kernel::Config c = test::config();
    c.preempt = kernel::PreemptModel::Voluntary;
    test::Machine m(c);
    sim::Time rt_start = 0;
    m.kthread("normal", [&] {
        for (int i = 0; i < 50; ++i) {
            kernel::spend(100_us);
            cond_resched();
        }
        return 0;
    });
    m.at(1_ms, [&] {
        m.kthread("rt", [&] {
            rt_start = m.now();
            return 0;
        }, -1, SCHED_FIFO, 50);
    });
    m.run_until(20_ms);
    CHECK(rt_start >= 1_ms);
    CHECK(rt_start < 1_ms + 110_us);  // at the next cond_resched()
}
