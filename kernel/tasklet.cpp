// Tasklets (the second half of kernel/softirq.c, 6.12): per-CPU lists appended at the
// tail, run from TASKLET_SOFTIRQ and HI_SOFTIRQ.
//
// tasklet_action_common() takes the whole list, then for each tasklet: if it is not
// running elsewhere (RUN bit) and not disabled (count), clear SCHED and call it, so the
// callback may schedule it again; otherwise put it back at the tail and raise the softirq
// again. That is how a disabled, scheduled tasklet keeps the softirq busy until it is
// enabled, and why a tasklet never runs on two CPUs at once.
#include <linux/interrupt.h>
#include <linux/printk.h>
#include <linux/wait_bit.h>

#include "kernel/debugobjects.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/trace/latency.hpp"
#include "kernel/workqueue.hpp"

namespace irqlab::kernel {

namespace {

TaskletHead& head_of(Kernel& k, int cpu, bool hi) {
    auto& v = hi ? k.softirqs().tasklet_hi_vec : k.softirqs().tasklet_vec;
    return v[static_cast<std::size_t>(cpu)];
}

void append(TaskletHead& h, struct tasklet_struct* t) {
    t->next = nullptr;
    *h.tail = t;
    h.tail = &t->next;
}

// __tasklet_schedule_common()
void schedule_common(struct tasklet_struct* t, bool hi) {
    Kernel& k = Kernel::get();
    unsigned long flags = arch_local_irq_save();
    t->__sched_at = static_cast<unsigned long>(k.now());
    append(head_of(k, k.this_cpu().id, hi), t);
    raise_softirq_irqoff(k.this_cpu(), hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
    arch_local_irq_restore(flags);
}

const void* fn_of(const struct tasklet_struct* t) {
    return t->use_callback ? reinterpret_cast<const void*>(t->callback) : reinterpret_cast<const void*>(t->func);
}

// tasklet_clear_sched(): a tasklet about to run must be SCHED.
bool tasklet_clear_sched(Kernel& k, struct tasklet_struct* t) {
    if (test_and_clear_bit(TASKLET_STATE_SCHED, &t->state)) {
        wake_up_var(&t->state);
        return true;
    }
    static bool warned = false;  // WARN_ONCE
    if (!warned) {
        warned = true;
        warn_report(k, bug::kWarning, "kernel/softirq.c", 781, "tasklet_clear_sched",
                    kformat(k, "tasklet SCHED state not set: %s %pS", t->use_callback ? "callback" : "func", fn_of(t)));
    }
    return false;
}

std::uint64_t trace_tasklet(Kernel& k, trace::Ev kind, struct tasklet_struct* t) {
    if (!k.tracing()) return 0;
    sim::TraceRecord r;
    r.ptr = t;
    r.str[0] = k.symbols().name_of(fn_of(t));
    return k.emit(kind, r);
}

void tasklet_action_common(bool hi) {
    Kernel& k = Kernel::get();
    int cpu = k.this_cpu().id;
    report_freed_tasklets(k, k.this_cpu());
    arch_local_irq_disable();
    TaskletHead& h = head_of(k, cpu, hi);
    struct tasklet_struct* list = h.head;
    h.head = nullptr;
    h.tail = &h.head;
    arch_local_irq_enable();

    Task& task = *k.running();
    Softirqs::TaskletRun& run = k.softirqs().tasklet_run[static_cast<std::size_t>(cpu)];  // for inspection only
    run.hi = hi;
    while (list) {
        struct tasklet_struct* t = list;
        list = list->next;
        run.rest = list;
        // Every pass costs time, so a disabled tasklet's re-raise loop advances the clock.
        spend(1);
        if (tasklet_trylock(t)) {
            if (!atomic_read(&t->count)) {
                if (tasklet_clear_sched(k, t)) {
                    k.latency().tasklet(fn_of(t), k.now() - static_cast<sim::Time>(t->__sched_at));
                    run.running = t;
                    // What the callback does (a wakeup, a raise) follows from its entry.
                    const std::uint64_t outer_cause = task.cause;
                    if (std::uint64_t seq = trace_tasklet(k, trace::Ev::tasklet_entry, t)) task.cause = seq;
                    bool irq_stack = !task.frames.empty() && task.frames.back().irq;
                    task.frames.emplace_back(k.symbols().name_of(fn_of(t)), irq_stack);
                    if (t->use_callback)
                        t->callback(t);
                    else
                        t->func(t->data);
                    k.running()->frames.pop_back();
                    trace_tasklet(k, trace::Ev::tasklet_exit, t);
                    k.running()->cause = outer_cause;
                    run.running = nullptr;
                }
                tasklet_unlock(t);
                continue;
            }
            tasklet_unlock(t);
        }
        // Disabled, or running on another CPU: back on the list, and come back later.
        arch_local_irq_disable();
        append(head_of(k, k.this_cpu().id, hi), t);
        softirq_mark_pending(k.this_cpu(), hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
        arch_local_irq_enable();
    }
    run = {};
}

// BH workqueues run first, from the same softirqs (workqueue_softirq_action(), 6.9+).
void tasklet_action() {
    Kernel::get().workqueues().softirq_action(false);
    tasklet_action_common(false);
}
void tasklet_hi_action() {
    Kernel::get().workqueues().softirq_action(true);
    tasklet_action_common(true);
}

// A tasklet set up: checked when its memory is freed, and, in a driver's probe, noted for
// the scenario to name by the device.
void note_tasklet_setup(struct tasklet_struct* t) {
    debug_object_init(t);
    if (Kernel* k = Kernel::get_if()) k->drivers().note_probe_object(ProbeObject::Tasklet, t);
}

}  // namespace

void tasklet_init_softirqs(Kernel& k) {
    auto& s = k.softirqs();
    s.tasklet_vec.resize(static_cast<std::size_t>(k.nr_cpus()));
    s.tasklet_hi_vec.resize(static_cast<std::size_t>(k.nr_cpus()));
    s.freed_tasklets.resize(static_cast<std::size_t>(k.nr_cpus()));
    s.tasklet_run.resize(static_cast<std::size_t>(k.nr_cpus()));
    for (auto* v : {&s.tasklet_vec, &s.tasklet_hi_vec})
        for (TaskletHead& h : *v) h.tail = &h.head;
    s.open(TASKLET_SOFTIRQ, tasklet_action, "tasklet_action");
    s.open(HI_SOFTIRQ, tasklet_hi_action, "tasklet_hi_action");
}

}  // namespace irqlab::kernel

using irqlab::kernel::Kernel;

#undef tasklet_setup
#undef tasklet_init

extern "C" {

void __tasklet_schedule(struct tasklet_struct* t) { irqlab::kernel::schedule_common(t, false); }
void __tasklet_hi_schedule(struct tasklet_struct* t) { irqlab::kernel::schedule_common(t, true); }

void tasklet_setup(struct tasklet_struct* t, void (*callback)(struct tasklet_struct*)) {
    t->next = nullptr;
    t->state = 0;
    atomic_set(&t->count, 0);
    t->callback = callback;
    t->use_callback = true;
    t->data = 0;
    irqlab::kernel::note_tasklet_setup(t);
}

void tasklet_init(struct tasklet_struct* t, void (*func)(unsigned long), unsigned long data) {
    t->next = nullptr;
    t->state = 0;
    atomic_set(&t->count, 0);
    t->func = func;
    t->use_callback = false;
    t->data = data;
    irqlab::kernel::note_tasklet_setup(t);
}

void tasklet_unlock(struct tasklet_struct* t) {
    clear_bit(TASKLET_STATE_RUN, &t->state);
    wake_up_var(&t->state);
}

void tasklet_unlock_wait(struct tasklet_struct* t) {
    wait_var_event(&t->state, !test_bit(TASKLET_STATE_RUN, &t->state));
}

void tasklet_unlock_spin_wait(struct tasklet_struct* t) {
    irqlab::kernel::spin_until([t] { return !test_bit(TASKLET_STATE_RUN, &t->state); });
}

// tasklet_kill(): wait until it is neither scheduled nor running, and leave it unscheduled.
void tasklet_kill(struct tasklet_struct* t) {
    if (in_interrupt()) pr_notice("Attempt to kill tasklet from interrupt\n");
    while (test_and_set_bit(TASKLET_STATE_SCHED, &t->state))
        wait_var_event(&t->state, !test_bit(TASKLET_STATE_SCHED, &t->state));
    tasklet_unlock_wait(t);
    irqlab::kernel::tasklet_clear_sched(Kernel::get(), t);
}

// Removed in 4.15 (its only user was kmemcheck): queue at the head of the HI list.
void tasklet_hi_schedule_first(struct tasklet_struct* t) {
    if (test_and_set_bit(TASKLET_STATE_SCHED, &t->state)) return;
    Kernel& k = Kernel::get();
    BUG_ON(!irqs_disabled());
    auto& h = irqlab::kernel::head_of(k, k.this_cpu().id, true);
    t->next = h.head;
    h.head = t;
    if (h.tail == &h.head) h.tail = &t->next;
    irqlab::kernel::softirq_mark_pending(k.this_cpu(), HI_SOFTIRQ);
}

// Removed in 5.13: take a dead CPU's tasklet off its list (CPU hotplug). irqlab has no
// CPU hotplug, so every CPU is online and Linux's BUG_ON(cpu_online(cpu)) fires.
void tasklet_kill_immediate(struct tasklet_struct* t, unsigned int cpu) {
    BUG_ON(cpu < static_cast<unsigned>(Kernel::get().nr_cpus()));
    (void)t;
}

}  // extern "C"
