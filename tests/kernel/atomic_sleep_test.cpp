#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/spinlock.h>

#include "irq_source.hpp"
#include "kernel/panic.hpp"

#include <functional>

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("msleep with a spinlock held is 'scheduling while atomic', and the sleep is spent busy") {
    test::Machine m(test::config(2));
    sim::Time start = 0, end = 0;
    m.kthread("bad", [&] {
        DEFINE_SPINLOCK(l);
        spin_lock(&l);
        start = m.now();
        msleep(10);
        end = m.now();
        spin_unlock(&l);
        return 0;
    });
    m.run_until(100_ms);
    std::string d = m.dmesg();
    CHECK(d.find("BUG: scheduling while atomic: bad/") != std::string::npos);
    CHECK(d.find("/0x00000002\n") != std::string::npos);  // the spinlock's 1, plus __schedule's
    CHECK(d.find(" msleep\n") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kSchedulingWhileAtomic) == 1);
    CHECK(end - start >= 10_ms);
    // The CPU did not switch away while holding the lock.
    CHECK(m.k.cpu(0).nr_switches + m.k.cpu(1).nr_switches <= 2);
}

TEST_CASE("might_sleep in a hardirq handler names the context and the interrupted task") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 1_us);
    irq.extra = [] { might_sleep(); };
    irq.fire_at(100_us);
    m.run_until(1_ms);
    std::string d = m.dmesg();
    CHECK(d.find("BUG: sleeping function called from invalid context at tests/kernel/atomic_sleep_test.cpp:") != std::string::npos);
    CHECK(d.find("in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 0, name: swapper/0") != std::string::npos);
    CHECK(d.find("preempt_count: 10001, expected: 0") != std::string::npos);
    CHECK(d.find(" <IRQ>\n") != std::string::npos);
    CHECK(d.find(" </IRQ>\n") != std::string::npos);
}

TEST_CASE("the atomic-sleep report is printed once a second, but every occurrence is counted") {
    test::Machine m;
    m.kthread("repeat", [] {
        for (int i = 0; i < 3; ++i) {
            preempt_disable();
            might_sleep();
            preempt_enable();
            msleep(100);
        }
        preempt_disable();
        msleep(1);  // (also a scheduling-while-atomic bug)
        preempt_enable();
        return 0;
    });
    m.run_until(2_s);
    std::string d = m.dmesg();
    std::size_t printed = 0;
    for (std::size_t p = 0; (p = d.find("BUG: sleeping function called", p)) != std::string::npos; ++p) ++printed;
    CHECK(m.k.bugs().count(kernel::bug::kSleepInAtomic) == 3);
    CHECK(printed == 1);
}

TEST_CASE("schedule() in a softirq prints the softirq's preempt_count") {
    test::Machine m;
    test::TestIrq irq(m, 0, 0x40, 1_us);
    static test::Machine* mp = &m;
    m.k.softirqs().open(HRTIMER_SOFTIRQ, [] { msleep(1); }, "bad_softirq");
    irq.extra = [] { raise_softirq(HRTIMER_SOFTIRQ); };
    irq.fire_at(100_us);
    m.run_until(50_ms);
    (void)mp;
    CHECK(m.dmesg().find("BUG: scheduling while atomic: swapper/0/0/0x00000102") != std::string::npos);
}

namespace {
// What a tasklet calls that may sleep; one at a time (the tasklet only knows a global).
std::function<void()> g_blocking_call;
void blocking_tasklet(struct tasklet_struct*) { g_blocking_call(); }
}  // namespace

TEST_CASE("each blocking call made from a tasklet is reported with the context stack, and the run goes on") {
    // might_sleep() (___might_sleep) in mutex_lock, kmalloc(GFP_KERNEL), wait_event,
    // synchronize_irq (kernel/irq/manage.c __synchronize_irq's wait_event); msleep has none
    // in 6.12, so its report is __schedule_bug's "scheduling while atomic".
    struct Case {
        const char* call;
        std::function<void()> body;
        const char* report;
    };
    static DEFINE_MUTEX(mutex);
    static DECLARE_WAIT_QUEUE_HEAD(never);
    const Case cases[] = {
        {"msleep", [] { msleep(1); }, "BUG: scheduling while atomic: driver/"},
        {"mutex_lock", [] { mutex_lock(&mutex); mutex_unlock(&mutex); },
         "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:"},
        {"kmalloc", [] { kfree(kmalloc(64, GFP_KERNEL)); },
         "BUG: sleeping function called from invalid context at include/linux/sched/mm.h:"},
        {"wait_event", [] { wait_event_timeout(never, false, 1); },
         "BUG: sleeping function called from invalid context at "},
        {"synchronize_irq", [] { synchronize_irq(1); },
         "BUG: sleeping function called from invalid context at kernel/irq/manage.c:119"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.call);
        test::Machine m;
        g_blocking_call = c.body;
        struct tasklet_struct t;
        tasklet_setup(&t, blocking_tasklet);
        bool after = false;
        m.kthread("driver", [&] {
            local_bh_disable();
            tasklet_schedule(&t);
            local_bh_enable();  // the tasklet runs here, in softirq context on this task
            after = true;
            return 0;
        });
        m.run_until(20_ms);
        std::string d = m.dmesg();
        CHECK(d.find(c.report) != std::string::npos);
        CHECK(d.find(" blocking_tasklet\n") != std::string::npos);
        CHECK(d.find(" tasklet_action") != std::string::npos);
        CHECK(after);
    }
}
