// Waiting for and taking back work (kernel/workqueue.c, 6.12): flush_work with a barrier
// item queued behind the target, cancel and disable through try_to_grab_pending(), and
// flush_workqueue / drain_workqueue / destroy_workqueue.
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/workqueue.hpp"

namespace irqlab::kernel {

namespace {

enum : unsigned {
    WORK_CANCEL_DELAYED = 1 << 0,
    WORK_CANCEL_DISABLE = 1 << 1,
};

struct WqBarrier {
    struct work_struct work;
    struct completion done;
};

void wq_barrier_func(struct work_struct* work) {
    auto* barr = container_of(work, WqBarrier, work);
    complete(&barr->done);
}

struct OffqData {
    unsigned long pool_id, disable, flags;
};

OffqData offqd_unpack(unsigned long data) {
    return {data >> WORK_OFFQ_POOL_SHIFT, (data & WORK_OFFQ_DISABLE_MASK) >> WORK_OFFQ_DISABLE_SHIFT,
            data & WORK_OFFQ_FLAG_MASK};
}

unsigned long offqd_pack_flags(const OffqData& d) { return (d.disable << WORK_OFFQ_DISABLE_SHIFT) | d.flags; }

void warn_once(Kernel& k, bool& warned, int line, const char* func, const std::string& msg) {
    if (warned) return;
    warned = true;
    warn_report(k, bug::kWarning, "kernel/workqueue.c", line, func, msg);
}

// try_to_grab_pending(): 1 if the item was pending (now taken off its queue or timer), 0 if
// it was idle, -EAGAIN if it is pending somewhere it cannot be taken from yet. Either way
// of success, the caller owns PENDING.
int try_to_grab_pending(Kernel& k, struct work_struct* work, unsigned cflags) {
    if (cflags & WORK_CANCEL_DELAYED) {
        struct delayed_work* dwork = to_delayed_work(work);
        if (del_timer(&dwork->timer)) return 1;
    }
    if (!test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work))) return 0;
    WorkerPool* pool = get_work_pool(k, work);
    PoolWorkqueue* pwq = get_work_pwq(work);
    if (!pool || !pwq || pwq->pool != pool) return -EAGAIN;
    unsigned long work_data = *work_data_bits(work);
    // An inactive item may have a flush barrier linked behind it: that goes to the worklist.
    if (work_data & WORK_STRUCT_INACTIVE) move_linked_works(work, &pool->worklist);
    list_del_init(&work->entry);
    atomic_long_set(&work->data, static_cast<long>((static_cast<unsigned long>(pool->id) << WORK_OFFQ_POOL_SHIFT) |
                                                   (pool->bh ? WORK_OFFQ_BH : 0) | WORK_STRUCT_PENDING));
    pwq_dec_nr_in_flight(*pwq, work_data, work->__seq);
    return 1;
}

// work_grab_pending(): retries until it owns PENDING (a delayed item's timer, taken without
// WORK_CANCEL_DELAYED, has to fire first). Returns with interrupts off, as Linux does.
bool work_grab_pending(Kernel& k, struct work_struct* work, unsigned cflags, unsigned long* irq_flags) {
    for (;;) {
        *irq_flags = arch_local_irq_save();
        int ret = try_to_grab_pending(k, work, cflags);
        if (ret >= 0) return ret;
        arch_local_irq_restore(*irq_flags);
        spend(Cost::api_call);  // cpu_relax()
    }
}

bool start_flush_work(Kernel& k, struct work_struct* work, WqBarrier& barr) {
    WorkerPool* pool = get_work_pool(k, work);
    if (!pool) return false;
    PoolWorkqueue* pwq = get_work_pwq(work);
    Worker* worker = nullptr;
    if (pwq) {
        if (pwq->pool != pool) return false;
    } else {
        worker = find_worker_executing_work(*pool, work);
        if (!worker) return false;
        pwq = worker->current_pwq;
    }
    // insert_wq_barrier(): behind the queued target (linked to it), or first in the list
    // of the worker running it. The barrier does not count against max_active.
    INIT_WORK(&barr.work, wq_barrier_func);
    init_completion(&barr.done);
    unsigned long work_flags = WORK_STRUCT_INACTIVE;
    struct list_head* head;
    if (worker) {
        head = worker->scheduled.next;
    } else {
        unsigned long* bits = work_data_bits(work);
        head = work->entry.next;
        work_flags |= *bits & WORK_STRUCT_LINKED;
        *bits |= WORK_STRUCT_LINKED;
    }
    insert_work(*pwq, &barr.work, head, work_flags);
    return true;
}

bool flush_work_common(struct work_struct* work, bool from_cancel) {
    Kernel& k = Kernel::get();
    static bool warned_func = false;
    if (!work->func) {
        warn_once(k, warned_func, 4241, "__flush_work", "");
        return false;
    }
    WqBarrier barr;
    unsigned long flags = arch_local_irq_save();
    bool started = start_flush_work(k, work, barr);
    arch_local_irq_restore(flags);
    if (!started) return false;
    unsigned long data = *work_data_bits(work);
    if (from_cancel && !(data & WORK_STRUCT_PWQ) && (data & WORK_OFFQ_BH)) {
        // A BH item cannot be slept on from BH context: busy-wait for it.
        spin_until([&barr] { return barr.done.done > 0; });
        return true;
    }
    wait_for_completion(&barr.done);
    return true;
}

bool cancel_common(struct work_struct* work, unsigned cflags) {
    Kernel& k = Kernel::get();
    unsigned long irq_flags;
    bool ret = work_grab_pending(k, work, cflags, &irq_flags);
    OffqData d = offqd_unpack(*work_data_bits(work));
    if (cflags & WORK_CANCEL_DISABLE) {
        static bool warned = false;
        if (d.disable < (1ul << WORK_OFFQ_DISABLE_BITS) - 1)
            d.disable++;
        else
            warn_once(k, warned, 4354, "work_offqd_disable", "workqueue: work disable count overflowed");
    }
    set_work_pool_and_clear_pending(work, d.pool_id, offqd_pack_flags(d));
    arch_local_irq_restore(irq_flags);
    return ret;
}

bool cancel_sync_common(struct work_struct* work, unsigned cflags) {
    Kernel& k = Kernel::get();
    bool ret = cancel_common(work, cflags | WORK_CANCEL_DISABLE);
    if (*work_data_bits(work) & WORK_OFFQ_BH) {
        static bool warned = false;
        if (k.this_cpu().preempt_count & HARDIRQ_MASK) warn_once(k, warned, 4391, "__cancel_work_sync", "");
    } else {
        might_sleep_report(k, "kernel/workqueue.c", 4393);
    }
    if (k.workqueues().online()) flush_work_common(work, true);
    if (!(cflags & WORK_CANCEL_DISABLE)) enable_work(work);
    return ret;
}

bool pwq_is_empty(const PoolWorkqueue& pwq) { return !pwq.nr_active && list_empty(&pwq.inactive_works); }

}  // namespace

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API.

using irqlab::kernel::Kernel;
namespace kn = irqlab::kernel;

extern "C" {

bool flush_work(struct work_struct* work) {
    kn::FrameScope frame_("flush_work");
    kn::might_sleep_report(Kernel::get(), "kernel/workqueue.c", 4300);
    return kn::flush_work_common(work, false);
}

bool flush_delayed_work(struct delayed_work* dwork) {
    unsigned long flags = arch_local_irq_save();
    if (del_timer_sync(&dwork->timer)) kn::queue_work_locked(dwork->cpu, dwork->wq, &dwork->work);
    arch_local_irq_restore(flags);
    return flush_work(&dwork->work);
}

bool cancel_work(struct work_struct* work) { return kn::cancel_common(work, 0); }
bool cancel_delayed_work(struct delayed_work* dwork) { return kn::cancel_common(&dwork->work, kn::WORK_CANCEL_DELAYED); }
bool disable_work(struct work_struct* work) { return kn::cancel_common(work, kn::WORK_CANCEL_DISABLE); }
bool disable_delayed_work(struct delayed_work* dwork) {
    return kn::cancel_common(&dwork->work, kn::WORK_CANCEL_DELAYED | kn::WORK_CANCEL_DISABLE);
}

bool cancel_work_sync(struct work_struct* work) {
    kn::FrameScope frame_("cancel_work_sync");
    return kn::cancel_sync_common(work, 0);
}
bool cancel_delayed_work_sync(struct delayed_work* dwork) {
    kn::FrameScope frame_("cancel_delayed_work_sync");
    return kn::cancel_sync_common(&dwork->work, kn::WORK_CANCEL_DELAYED);
}
bool disable_work_sync(struct work_struct* work) {
    kn::FrameScope frame_("disable_work_sync");
    return kn::cancel_sync_common(work, kn::WORK_CANCEL_DISABLE);
}
bool disable_delayed_work_sync(struct delayed_work* dwork) {
    kn::FrameScope frame_("disable_delayed_work_sync");
    return kn::cancel_sync_common(&dwork->work, kn::WORK_CANCEL_DELAYED | kn::WORK_CANCEL_DISABLE);
}

bool enable_work(struct work_struct* work) {
    Kernel& k = Kernel::get();
    unsigned long irq_flags;
    kn::work_grab_pending(k, work, 0, &irq_flags);
    kn::OffqData d = kn::offqd_unpack(*work_data_bits(work));
    static bool warned = false;
    if (d.disable > 0)
        d.disable--;
    else
        kn::warn_once(k, warned, 4362, "work_offqd_enable", "workqueue: work disable count underflowed");
    kn::set_work_pool_and_clear_pending(work, d.pool_id, kn::offqd_pack_flags(d));
    arch_local_irq_restore(irq_flags);
    return !d.disable;
}

bool enable_delayed_work(struct delayed_work* dwork) { return enable_work(&dwork->work); }

bool mod_delayed_work_on(int cpu, struct workqueue_struct* wq, struct delayed_work* dwork, unsigned long delay) {
    Kernel& k = Kernel::get();
    irqlab::kernel::spend(irqlab::kernel::Cost::api_call);
    unsigned long irq_flags;
    bool ret = kn::work_grab_pending(k, &dwork->work, kn::WORK_CANCEL_DELAYED, &irq_flags);
    if (!kn::clear_pending_if_disabled(&dwork->work)) kn::queue_delayed_locked(cpu, wq, dwork, delay);
    arch_local_irq_restore(irq_flags);
    return ret;
}

// Waits for every item queued before the call (Linux's flush colors guarantee exactly that).
void __flush_workqueue(struct workqueue_struct* wq) {
    kn::FrameScope frame_("__flush_workqueue");
    mutex_lock(&wq->mutex);
    unsigned long before = wq->next_seq;
    bool idle = wq->in_flight.empty() || *wq->in_flight.begin() >= before;
    struct completion done;
    init_completion(&done);
    if (!idle) wq->flushers.push_back({before, &done});
    mutex_unlock(&wq->mutex);
    if (!idle) wait_for_completion(&done);
}

void drain_workqueue(struct workqueue_struct* wq) {
    Kernel& k = Kernel::get();
    kn::FrameScope frame_("drain_workqueue");
    mutex_lock(&wq->mutex);
    if (!wq->nr_drainers++) wq->flags |= __WQ_DRAINING;
    mutex_unlock(&wq->mutex);
    for (unsigned flush_cnt = 0;;) {
        __flush_workqueue(wq);
        mutex_lock(&wq->mutex);
        bool drained = true;
        for (auto& pwq : wq->pwqs) drained &= kn::pwq_is_empty(*pwq);
        if (drained) break;
        if (++flush_cnt == 10 || (flush_cnt % 100 == 0 && flush_cnt <= 1000))
            printk_emit(k, LOGLEVEL_WARNING,
                        kn::kformat(k, "workqueue %s: %s() isn't complete after %u tries", wq->name, "drain_workqueue",
                                    flush_cnt));
        mutex_unlock(&wq->mutex);
    }
    if (!--wq->nr_drainers) wq->flags &= ~static_cast<unsigned>(__WQ_DRAINING);
    mutex_unlock(&wq->mutex);
}

void destroy_workqueue(struct workqueue_struct* wq) {
    Kernel& k = Kernel::get();
    kn::FrameScope frame_("destroy_workqueue");
    mutex_lock(&wq->mutex);
    wq->flags |= __WQ_DESTROYING;
    mutex_unlock(&wq->mutex);
    drain_workqueue(wq);
    if (wq->rescuer) {
        irqlab::kernel::Task* rescuer = wq->rescuer;
        wq->rescuer = nullptr;
        kthread_stop(&rescuer->ts);
    }
    for (auto& pwq : wq->pwqs) {
        if (kn::pwq_is_empty(*pwq) && wq->in_flight.empty()) continue;
        kn::warn_report(k, kn::bug::kWarning, "kernel/workqueue.c", 5933, "destroy_workqueue", "");
        printk_emit(k, LOGLEVEL_WARNING,
                    kn::kformat(k, "%s: %s has the following busy pwq", "destroy_workqueue", wq->name));
        return;
    }
    k.workqueues().release(wq);
}

void __warn_flushing_systemwide_wq(void) {
    Kernel& k = Kernel::get();
    printk_emit(k, LOGLEVEL_WARNING, "WARNING: Flushing system-wide workqueues will be prohibited in near future.");
    kn::dump_stack(k);
}

int schedule_on_each_cpu(work_func_t func) {
    Kernel& k = Kernel::get();
    std::vector<struct work_struct> works(static_cast<std::size_t>(k.nr_cpus()));
    for (int cpu = 0; cpu < k.nr_cpus(); ++cpu) {
        struct work_struct* work = &works[static_cast<std::size_t>(cpu)];
        INIT_WORK(work, func);
        schedule_work_on(cpu, work);
    }
    for (auto& work : works) flush_work(&work);
    return 0;
}

}  // extern "C"
