// Workqueues (kernel/workqueue.c, 6.12): queueing, worker pools and their names,
// concurrency management, max_active, ordering, delayed work, flush, cancel, disable, BH
// workqueues, and the atomic-context check of flush_work.
#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "kernel/irq_source.hpp"
#include "kernel/panic.hpp"
#include "kernel/trace/latency.hpp"
#include "kernel/workqueue.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::test::Machine;

namespace {

constexpr sim::Time us = 1000;
constexpr sim::Time ms = 1000 * us;

struct Run {
    sim::Time start, end;
    int cpu;
    std::string task;
    bool softirq;
};

struct Item {
    struct work_struct work;
    struct delayed_work dwork;
    std::vector<Run> runs;
    sim::Time busy = 0;   // spent on the CPU
    sim::Time sleep = 0;  // slept (msleep)
    int requeue = 0;      // times it queues itself again from its function
};

Machine* g_machine = nullptr;

void record(Item* it) {
    sim::Time start = g_machine->now();
    if (it->busy) kernel::spend(it->busy);
    if (it->sleep) msleep(static_cast<unsigned>(it->sleep / ms));
    it->runs.push_back({start, g_machine->now(), smp_processor_id(), get_current()->comm, in_serving_softirq() != 0});
    if (it->requeue > 0) {
        it->requeue--;
        queue_work(system_wq, &it->work);
    }
}

void item_fn(struct work_struct* w) {
    Item* it = from_work(it, w, work);
    record(it);
}
void delayed_fn(struct work_struct* w) { record(container_of(to_delayed_work(w), Item, dwork)); }

void init(Item& it) {
    INIT_WORK(&it.work, item_fn);
    INIT_DELAYED_WORK(&it.dwork, delayed_fn);
}

bool overlap(const Run& a, const Run& b) { return a.start < b.end && b.start < a.end; }

}  // namespace

TEST_CASE("queue_work_on(): an item already pending is not queued again (returns false) and runs once") {
    // kernel/workqueue.c queue_work_on(): test_and_set_bit(WORK_STRUCT_PENDING_BIT)
    Machine m;
    g_machine = &m;
    Item a;
    init(a);
    std::vector<bool> ret;
    m.kthread("driver", [&] {
        ret.push_back(queue_work(system_wq, &a.work));
        ret.push_back(queue_work(system_wq, &a.work));
        ret.push_back(work_pending(&a.work));
        return 0;
    });
    m.run_until(1 * ms);
    CHECK(ret == std::vector<bool>{true, false, true});
    REQUIRE(a.runs.size() == 1);
    CHECK(a.runs[0].task == "kworker/0:0");
    CHECK_FALSE(work_pending(&a.work));
}

TEST_CASE("process_one_work(): PENDING is cleared before the function runs, so it can queue itself and runs again") {
    // kernel/workqueue.c process_one_work(): set_work_pool_and_clear_pending() before ->func
    Machine m;
    g_machine = &m;
    Item a;
    init(a);
    a.requeue = 2;
    a.busy = 10 * us;
    m.kthread("driver", [&] { return queue_work(system_wq, &a.work) ? 0 : 1; });
    m.run_until(1 * ms);
    REQUIRE(a.runs.size() == 3);
    CHECK(a.runs[1].start >= a.runs[0].end);
    CHECK(a.runs[2].start >= a.runs[1].end);
}

TEST_CASE("format_worker_id(): per-CPU workers are kworker/N:M, highpri kworker/N:MH, unbound kworker/uP:M") {
    // kernel/workqueue.c create_worker(), format_worker_id(); pool IDs count 4 per CPU (2 BH)
    Machine m(test::config(2));
    g_machine = &m;
    Item a, b, c;
    init(a), init(b), init(c);
    m.kthread("driver", [&] {
        queue_work_on(1, system_wq, &a.work);
        queue_work_on(1, system_highpri_wq, &b.work);
        queue_work(system_unbound_wq, &c.work);
        return 0;
    }, 0);
    m.run_until(1 * ms);
    REQUIRE(a.runs.size() == 1);
    REQUIRE(b.runs.size() == 1);
    REQUIRE(c.runs.size() == 1);
    CHECK(a.runs[0].task == "kworker/1:0");
    CHECK(a.runs[0].cpu == 1);
    CHECK(b.runs[0].task == "kworker/1:0H");
    CHECK(c.runs[0].task == "kworker/u8:0");
    // The first worker to run in a pool made the pool's reserve worker (manage_workers()).
    CHECK(m.k.find_task("kworker/1:1") != nullptr);
    CHECK(m.k.find_task("kworker/0:1") == nullptr);
    CHECK(kernel::Task::of(&m.k.find_task("kworker/1:0H")->ts).ts.static_prio == DEFAULT_PRIO - 20);
}

TEST_CASE("wq_worker_sleeping(): on one CPU a second item starts only when the running one sleeps") {
    // kernel/workqueue.c need_more_worker(), kick_pool(), wq_worker_sleeping()
    Machine m;
    g_machine = &m;
    Item busy, sleeper, next1, next2;
    init(busy), init(sleeper), init(next1), init(next2);
    busy.busy = 1 * ms;
    sleeper.sleep = 4 * ms;
    next1.busy = 10 * us;
    next2.busy = 10 * us;
    m.kthread("driver", [&] {
        queue_work(system_wq, &busy.work);
        queue_work(system_wq, &next1.work);
        return 0;
    });
    m.run_until(10 * ms);
    REQUIRE(next1.runs.size() == 1);
    CHECK(next1.runs[0].start >= busy.runs[0].end);  // busy on the CPU: the pool waits
    CHECK(next1.runs[0].task == busy.runs[0].task);  // and the same worker goes on

    m.kthread("driver2", [&] {
        queue_work(system_wq, &sleeper.work);
        queue_work(system_wq, &next2.work);
        return 0;
    });
    m.run_until(30 * ms);
    REQUIRE(next2.runs.size() == 1);
    CHECK(overlap(sleeper.runs[0], next2.runs[0]));  // it ran while the sleeper slept
    CHECK(next2.runs[0].task != sleeper.runs[0].task);
}

TEST_CASE("pwq_tryinc_nr_active(): beyond max_active items wait inactive and are activated in queueing order") {
    // kernel/workqueue.c __queue_work() -> inactive_works, pwq_dec_nr_in_flight() -> activate
    Machine m;
    g_machine = &m;
    std::array<Item, 4> items;
    for (auto& it : items) {
        init(it);
        it.sleep = 2 * ms;  // sleeping items would all run at once without the limit
    }
    struct workqueue_struct* wq = nullptr;
    m.kthread("driver", [&] {
        wq = alloc_workqueue("limited", 0, 2);
        for (auto& it : items) queue_work(wq, &it.work);
        return 0;
    });
    m.run_until(50 * ms);
    for (auto& it : items) REQUIRE(it.runs.size() == 1);
    const Run &r0 = items[0].runs[0], &r1 = items[1].runs[0], &r2 = items[2].runs[0], &r3 = items[3].runs[0];
    CHECK(overlap(r0, r1));  // two at once...
    CHECK(r2.start >= std::min(r0.end, r1.end));  // ...the third when one of them is done
    CHECK(r3.start >= std::max(r0.end, r1.end));
    CHECK(r2.start <= r3.start);  // activated in queueing order
}

TEST_CASE("alloc_ordered_workqueue(): one item at a time, in queueing order, whichever CPU queued it") {
    // include/linux/workqueue.h alloc_ordered_workqueue(): WQ_UNBOUND | __WQ_ORDERED, max_active 1
    Machine m(test::config(2));
    g_machine = &m;
    std::array<Item, 3> items;
    for (auto& it : items) {
        init(it);
        it.sleep = 1 * ms;
    }
    struct workqueue_struct* wq = nullptr;
    m.kthread("driver0", [&] {
        wq = alloc_ordered_workqueue("ordered", 0);
        queue_work(wq, &items[0].work);
        return 0;
    }, 0);
    m.kthread("driver1", [&] {
        udelay(100);
        queue_work(wq, &items[1].work);
        queue_work(wq, &items[2].work);
        return 0;
    }, 1);
    m.run_until(50 * ms);  // msleep(1) sleeps one to two jiffies (4-8 ms at HZ=250)
    for (auto& it : items) REQUIRE(it.runs.size() == 1);
    CHECK(items[1].runs[0].start >= items[0].runs[0].end);
    CHECK(items[2].runs[0].start >= items[1].runs[0].end);
}

TEST_CASE("__queue_work(): an item queued on another CPU while it runs waits for that run, on the first pool") {
    // kernel/workqueue.c __queue_work(): find_worker_executing_work() on the last pool
    Machine m(test::config(2));
    g_machine = &m;
    Item a;
    init(a);
    a.busy = 500 * us;
    m.kthread("driver0", [&] { return queue_work_on(0, system_wq, &a.work) ? 0 : 1; }, 0);
    m.kthread("driver1", [&] {
        udelay(100);
        return queue_work_on(1, system_wq, &a.work) ? 0 : 1;  // it is running on CPU0
    }, 1);
    m.run_until(5 * ms);
    REQUIRE(a.runs.size() == 2);
    CHECK(a.runs[1].start >= a.runs[0].end);
    CHECK(a.runs[1].cpu == 0);
}

TEST_CASE("queue_delayed_work(): the item is queued by its timer after the delay; mod_delayed_work() moves it") {
    // kernel/workqueue.c __queue_delayed_work(), delayed_work_timer_fn(), mod_delayed_work_on()
    Machine m;
    g_machine = &m;
    Item a, b;
    init(a), init(b);
    std::vector<bool> ret;
    m.kthread("driver", [&] {
        ret.push_back(queue_delayed_work(system_wq, &a.dwork, msecs_to_jiffies(10)));
        ret.push_back(queue_delayed_work(system_wq, &a.dwork, msecs_to_jiffies(1)));  // pending: no
        ret.push_back(mod_delayed_work(system_wq, &b.dwork, msecs_to_jiffies(40)));  // idle: false
        ret.push_back(mod_delayed_work(system_wq, &b.dwork, msecs_to_jiffies(20)));  // pending: true
        return 0;
    });
    m.run_until(100 * ms);
    CHECK(ret == std::vector<bool>{true, false, false, true});
    REQUIRE(a.runs.size() == 1);
    CHECK(a.runs[0].start >= 10 * ms);
    CHECK(a.runs[0].start < 20 * ms);  // 3 jiffies at HZ=250, at most a granule late
    REQUIRE(b.runs.size() == 1);
    CHECK(b.runs[0].start >= 20 * ms);
    CHECK(b.runs[0].start < 30 * ms);
}

TEST_CASE("flush_work() waits for a queued or running item and says whether it waited") {
    // kernel/workqueue.c flush_work() -> start_flush_work() + insert_wq_barrier()
    Machine m;
    g_machine = &m;
    Item a;
    init(a);
    a.sleep = 3 * ms;
    std::vector<bool> ret;
    sim::Time returned = 0;
    m.kthread("driver", [&] {
        ret.push_back(flush_work(&a.work));  // never queued
        queue_work(system_wq, &a.work);
        ret.push_back(flush_work(&a.work));
        returned = g_machine->now();
        ret.push_back(flush_work(&a.work));  // done
        return 0;
    });
    m.run_until(20 * ms);
    CHECK(ret == std::vector<bool>{false, true, false});
    REQUIRE(a.runs.size() == 1);
    CHECK(returned >= a.runs[0].end);
}

TEST_CASE("cancel_work_sync() takes a queued item back, or waits for a running one; cancel_delayed_work_sync() stops the timer") {
    // kernel/workqueue.c __cancel_work_sync(): try_to_grab_pending() then __flush_work()
    Machine m;
    g_machine = &m;
    Item queued, running, delayed;
    init(queued), init(running), init(delayed);
    running.sleep = 2 * ms;
    std::vector<bool> ret;
    sim::Time cancel_returned = 0;
    m.kthread("driver", [&] {
        local_bh_disable();  // stays on this CPU: the worker cannot start before the cancel
        queue_work(system_wq, &queued.work);
        ret.push_back(cancel_work(&queued.work));
        local_bh_enable();
        queue_work(system_wq, &running.work);
        msleep(1);  // it is running (asleep) now
        ret.push_back(cancel_work_sync(&running.work));  // not pending: false, but it waits
        cancel_returned = g_machine->now();
        queue_delayed_work(system_wq, &delayed.dwork, msecs_to_jiffies(5));
        ret.push_back(cancel_delayed_work_sync(&delayed.dwork));
        return 0;
    });
    m.run_until(30 * ms);
    CHECK(ret == std::vector<bool>{true, false, true});
    CHECK(queued.runs.empty());
    REQUIRE(running.runs.size() == 1);
    CHECK(cancel_returned >= running.runs[0].end);
    CHECK(delayed.runs.empty());
}

TEST_CASE("__flush_workqueue() waits for what was queued before it, not for what is queued after") {
    // kernel/workqueue.c __flush_workqueue() (flush colors)
    Machine m;
    g_machine = &m;
    Item before, after;
    init(before), init(after);
    before.sleep = 2 * ms;
    after.sleep = 10 * ms;
    struct workqueue_struct* wq = nullptr;
    sim::Time flushed = 0;
    m.kthread("driver", [&] {
        wq = alloc_workqueue("flushme", 0, 0);
        queue_work(wq, &before.work);
        flush_workqueue(wq);
        flushed = g_machine->now();
        return 0;
    });
    m.kthread("other", [&] {
        msleep(1);
        queue_work(wq, &after.work);
        return 0;
    });
    m.run_until(30 * ms);
    REQUIRE(before.runs.size() == 1);
    REQUIRE(after.runs.size() == 1);
    CHECK(flushed >= before.runs[0].end);
    CHECK(flushed < after.runs[0].end);
}

TEST_CASE("destroy_workqueue() drains the queue first; WQ_MEM_RECLAIM has a rescuer kworker/R-name") {
    // kernel/workqueue.c destroy_workqueue() -> drain_workqueue(); init_rescuer()
    Machine m;
    g_machine = &m;
    Item a;
    init(a);
    a.sleep = 2 * ms;
    sim::Time destroyed = 0;
    m.kthread("driver", [&] {
        struct workqueue_struct* wq = alloc_workqueue("reclaim", WQ_MEM_RECLAIM, 0);
        queue_work(wq, &a.work);
        destroy_workqueue(wq);
        destroyed = g_machine->now();
        return 0;
    });
    m.run_until(20 * ms);
    REQUIRE(a.runs.size() == 1);
    CHECK(destroyed >= a.runs[0].end);
    kernel::Task* rescuer = m.k.find_task("kworker/R-recla");  // comm keeps 15 characters
    REQUIRE(rescuer != nullptr);
    CHECK(rescuer->exited);
}

TEST_CASE("alloc_workqueue() clamps max_active with Linux's warning; a BH workqueue with max_active is refused") {
    // kernel/workqueue.c wq_clamp_max_active(), __alloc_workqueue()
    Machine m;
    g_machine = &m;
    struct workqueue_struct* big = nullptr;
    struct workqueue_struct* bh = reinterpret_cast<struct workqueue_struct*>(1);
    m.kthread("driver", [&] {
        big = alloc_workqueue("big", 0, 1000);
        bh = alloc_workqueue("bh", WQ_BH, 4);
        return 0;
    });
    m.run_until(1 * ms);
    REQUIRE(big != nullptr);
    CHECK(big->max_active == WQ_MAX_ACTIVE);
    CHECK(bh == nullptr);
    std::string d = m.dmesg();
    CHECK(d.find("workqueue: max_active 1000 requested for big is out of range, clamping between 1 and 512") !=
          std::string::npos);
    CHECK(d.find("WARNING: CPU: 0 PID:") != std::string::npos);
}

TEST_CASE("disable_work(): a disabled item cannot be queued until enable_work(); enabling too often warns") {
    // kernel/workqueue.c clear_pending_if_disabled(), work_offqd_enable()
    Machine m;
    g_machine = &m;
    Item a;
    init(a);
    std::vector<bool> ret;
    m.kthread("driver", [&] {
        disable_work(&a.work);
        disable_work(&a.work);
        ret.push_back(queue_work(system_wq, &a.work));
        ret.push_back(enable_work(&a.work));  // still disabled once
        ret.push_back(enable_work(&a.work));
        ret.push_back(queue_work(system_wq, &a.work));
        msleep(1);
        enable_work(&a.work);  // underflow
        return 0;
    });
    m.run_until(20 * ms);
    CHECK(ret == std::vector<bool>{false, false, true, true});
    CHECK(a.runs.size() == 1);
    CHECK(m.dmesg().find("workqueue: work disable count underflowed") != std::string::npos);
}

TEST_CASE("WQ_UNBOUND: workers are not concurrency managed, so busy items run side by side on the CPUs") {
    // kernel/workqueue.c: unbound workers carry WORKER_UNBOUND (WORKER_NOT_RUNNING)
    Machine m(test::config(2));
    g_machine = &m;
    Item a, b;
    init(a), init(b);
    a.busy = b.busy = 1 * ms;
    m.kthread("driver", [&] {
        queue_work(system_unbound_wq, &a.work);
        queue_work(system_unbound_wq, &b.work);
        return 0;
    }, 0);
    m.run_until(10 * ms);
    REQUIRE(a.runs.size() == 1);
    REQUIRE(b.runs.size() == 1);
    CHECK(overlap(a.runs[0], b.runs[0]));
    CHECK(a.runs[0].task != b.runs[0].task);
}

TEST_CASE("wq_worker_tick(): an item hogging the CPU over 10 ms turns CPU-intensive and the next item starts") {
    // kernel/workqueue.c wq_worker_tick(), wq_cpu_intensive_thresh_us = 10000
    Machine m;
    g_machine = &m;
    Item hog, next;
    init(hog), init(next);
    hog.busy = 30 * ms;
    m.kthread("driver", [&] {
        queue_work(system_wq, &hog.work);
        queue_work(system_wq, &next.work);
        return 0;
    });
    m.run_until(60 * ms);
    REQUIRE(next.runs.size() == 1);
    CHECK(next.runs[0].start >= 10 * ms);
    CHECK(next.runs[0].start < hog.runs[0].end);
}

TEST_CASE("system_bh_wq: a BH work item runs in softirq context on the CPU that queued it, in queueing order") {
    // kernel/workqueue.c workqueue_softirq_action() from tasklet_action(), bh_worker()
    Machine m(test::config(2));
    g_machine = &m;
    Item a, b;
    init(a), init(b);
    test::TestIrq irq(m, 1, 0x40, 1 * us);
    irq.extra = [&] {
        queue_work(system_bh_wq, &a.work);
        queue_work(system_bh_wq, &b.work);
    };
    irq.fire_at(100 * us);
    m.run_until(1 * ms);
    REQUIRE(a.runs.size() == 1);
    REQUIRE(b.runs.size() == 1);
    CHECK(a.runs[0].softirq);
    CHECK(a.runs[0].cpu == 1);
    CHECK(b.runs[0].start >= a.runs[0].end);
    CHECK(a.runs[0].start < irq.seen[0].at + 10 * us);
}

namespace {
Item g_flushed;
void flushing_tasklet(struct tasklet_struct*) { flush_work(&g_flushed.work); }
}  // namespace

TEST_CASE("flush_work() from a tasklet is a sleep in atomic context: the BUG report names the tasklet") {
    // kernel/workqueue.c flush_work(): might_sleep()
    Machine m;
    g_machine = &m;
    init(g_flushed);
    struct tasklet_struct t;
    tasklet_setup(&t, flushing_tasklet);
    m.kthread("driver", [&] {
        queue_work(system_wq, &g_flushed.work);
        local_bh_disable();
        tasklet_schedule(&t);
        local_bh_enable();
        return 0;
    });
    m.run_until(5 * ms);
    std::string d = m.dmesg();
    CHECK(d.find("BUG: sleeping function called from invalid context at kernel/workqueue.c:4300") != std::string::npos);
    CHECK(d.find("in_atomic(): 1, irqs_disabled(): 0") != std::string::npos);
    CHECK(d.find(" flush_work\n") != std::string::npos);
    CHECK(d.find(" tasklet_action") != std::string::npos);
}

TEST_CASE("queue to start latency is measured per work function") {
    // kernel/trace/latency: what the summary reports
    Machine m;
    g_machine = &m;
    Item a;
    init(a);
    m.kthread("driver", [&] { return queue_work(system_wq, &a.work) ? 0 : 1; });
    m.run_until(1 * ms);
    auto paths = m.k.latency().paths(m.k.symbols());
    auto it = std::find_if(paths.begin(), paths.end(), [](const auto& p) { return p.name == "item_fn"; });
    REQUIRE(it != paths.end());
    CHECK(it->kind == "work");
    CHECK(it->hist->count() == 1);
    CHECK(it->hist->min() > 0);
}

namespace {
struct Doomed {
    struct work_struct work;
    struct timer_list timer;
    struct tasklet_struct tasklet;
};
int doomed_runs = 0;
void doomed_work(struct work_struct*) { doomed_runs++; }
void doomed_timer(struct timer_list*) { doomed_runs++; }
void doomed_tasklet(struct tasklet_struct*) { doomed_runs++; }
}  // namespace

TEST_CASE("debug_check_no_obj_freed(): freeing a queued work item or pending timer is ODEBUG 'free active', a scheduled tasklet a KASAN use-after-free") {
    // lib/debugobjects.c debug_print_object(), work_fixup_free(), timer_fixup_free(); KASAN
    Machine m;
    g_machine = &m;
    doomed_runs = 0;
    m.kthread("driver", [&] {
        auto* d = static_cast<Doomed*>(kzalloc(sizeof(Doomed), GFP_KERNEL));
        INIT_WORK(&d->work, doomed_work);
        timer_setup(&d->timer, doomed_timer, 0);
        tasklet_setup(&d->tasklet, doomed_tasklet);
        local_bh_disable();
        queue_work(system_wq, &d->work);
        mod_timer(&d->timer, irqlab_jiffies() + 2);
        tasklet_schedule(&d->tasklet);
        kfree(d);  // the driver's remove() forgot all three
        local_bh_enable();
        return 0;
    });
    m.run_until(50 * ms);
    std::string d = m.dmesg();
    CHECK(d.find("ODEBUG: free active (active state 0) object: ") != std::string::npos);
    CHECK(d.find(" object type: work_struct hint: doomed_work+0x0/") != std::string::npos);
    CHECK(d.find(" object type: timer_list hint: doomed_timer+0x0/") != std::string::npos);
    CHECK(d.find("WARNING: CPU: 0 PID: ") != std::string::npos);
    CHECK(d.find("BUG: KASAN: slab-use-after-free in tasklet_action_common") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kOdebugFreeActive) == 2);
    CHECK(m.k.bugs().count(kernel::bug::kKasanUseAfterFree) == 1);
    CHECK(doomed_runs == 0);  // the fixups cancelled them; the freed tasklet is not run
}
