#include "kernel/debugobjects.hpp"

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include <cstdint>
#include <vector>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/mm/slab.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/timer.hpp"
#include "kernel/workqueue.hpp"

namespace irqlab::kernel {

namespace {

constexpr int kReportLimit = 5;  // debug_print_object()'s static limit

bool inside(const void* p, std::uintptr_t lo, std::uintptr_t hi) {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    return a >= lo && a < hi;
}

// debug_print_object() for an active object being freed.
void print_free_active(Kernel& k, const void* obj, const char* type, const void* hint) {
    if (k.bugs().debugobjects_reports >= kReportLimit) return;
    k.bugs().debugobjects_reports++;
    warn_report(k, bug::kOdebugFreeActive, "lib/debugobjects.c", 514, "debug_print_object",
                kformat(k, "ODEBUG: free active (active state 0) object: %p object type: %s hint: %pS", obj, type,
                        hint));
}

void collect_work(struct list_head* head, std::uintptr_t lo, std::uintptr_t hi, std::vector<struct work_struct*>& out) {
    for (struct list_head* p = head->next; p != head; p = p->next) {
        auto* w = list_entry(p, struct work_struct, entry);
        if (inside(w, lo, hi)) out.push_back(w);
    }
}

}  // namespace

void debug_object_init(const void* obj) {
    if (Kernel* k = Kernel::get_if()) k->memory().note_debug_object(obj);
}

void debug_check_no_obj_freed(Kernel& k, const void* addr, std::size_t size) {
    auto lo = reinterpret_cast<std::uintptr_t>(addr);
    std::uintptr_t hi = lo + size;
    // Queued work items (debug_work_activate() at queueing, deactivate when they start).
    std::vector<struct work_struct*> works;
    for (const auto& pool : k.workqueues().pools()) {
        collect_work(&pool->worklist, lo, hi, works);
        for (const auto& w : pool->workers) collect_work(&w->scheduled, lo, hi, works);
    }
    for (const auto& wq : k.workqueues().workqueues())
        for (const auto& pwq : wq->pwqs) collect_work(&pwq->inactive_works, lo, hi, works);
    for (struct work_struct* w : works) {
        print_free_active(k, w, "work_struct", reinterpret_cast<const void*>(w->func));
        cancel_work(w);  // work_fixup_free(): cancel_work_sync() of a queued, not running, item
    }
    for (timer_list* t : k.timers().pending_in(lo, hi)) {
        print_free_active(k, t, "timer_list", reinterpret_cast<const void*>(t->function));
        timer_delete(t);  // timer_fixup_free()
    }
    for (struct hrtimer* t : k.timers().hrtimers_in(lo, hi)) {
        if (t->state & HRTIMER_STATE_ENQUEUED) {
            print_free_active(k, t, "hrtimer", reinterpret_cast<const void*>(t->function));
            // hrtimer_fixup_free() calls hrtimer_cancel(), which would spin for ever on a
            // callback freeing its own timer; irqlab takes it off without waiting.
            hrtimer_try_to_cancel(t);
        }
        k.timers().forget_hrtimer(t);
    }
    // Tasklets have no debug object: unlink them, and let the softirq report the UAF.
    Softirqs& s = k.softirqs();
    for (auto* vec : {&s.tasklet_vec, &s.tasklet_hi_vec})
        for (std::size_t cpu = 0; cpu < vec->size(); ++cpu) {
            TaskletHead& h = (*vec)[cpu];
            struct tasklet_struct** pp = &h.head;
            while (*pp) {
                struct tasklet_struct* t = *pp;
                if (!inside(t, lo, hi)) {
                    pp = &t->next;
                    continue;
                }
                *pp = t->next;
                if (h.tail == &t->next) h.tail = pp;
                s.freed_tasklets[cpu].push_back(t->use_callback ? reinterpret_cast<const void*>(t->callback)
                                                                : reinterpret_cast<const void*>(t->func));
            }
        }
}

void report_freed_tasklets(Kernel& k, Cpu& cpu) {
    auto& freed = k.softirqs().freed_tasklets[static_cast<std::size_t>(cpu.id)];
    if (freed.empty()) return;
    Task* t = k.running();
    for (const void* fn : freed) {
        std::string first = "BUG: KASAN: slab-use-after-free in tasklet_action_common+0x3a/0x180";
        k.bugs().record(k, bug::kKasanUseAfterFree, first);
        printk_emit(k, LOGLEVEL_ERR, "==================================================================");
        printk_emit(k, LOGLEVEL_ERR, first);
        printk_emit(k, LOGLEVEL_ERR, kformat(k, "Read of size 8 at addr %px by task %s/%d", fn, t->comm(), t->pid()));
        printk_emit(k, LOGLEVEL_ERR, "");
        dump_stack(k, {"kasan_report", "tasklet_action_common"});
        printk_emit(k, LOGLEVEL_ERR, "");
        printk_emit(k, LOGLEVEL_ERR,
                    kformat(k, "The buggy address belongs to a freed object: a tasklet_struct, set up with %ps, "
                               "freed while still scheduled",
                            fn));
        printk_emit(k, LOGLEVEL_ERR, "==================================================================");
    }
    freed.clear();
}

}  // namespace irqlab::kernel
