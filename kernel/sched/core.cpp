// The scheduler core (kernel/sched/core.c) and its C API.
#include "kernel/sched/sched.hpp"

#include <linux/kernel.h>

#include <algorithm>
#include <cassert>

#include "kernel/arch/x86/irq_vectors.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/panic.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/hrtimer.hpp"
#include "kernel/time/tick.hpp"
#include "kernel/workqueue.hpp"

namespace irqlab::kernel {

namespace {

bool allowed(const Task& p, int cpu) { return cpumask_test_cpu(cpu, &p.ts.cpus_mask); }

bool cpu_idle(Cpu& c) { return c.curr == c.idle && c.rq.nr_running() == 0; }

// TASK_REPORT bits as sched_switch prints them (include/trace/events/sched.h).
constexpr long kTaskReportIdle = 0x80;
constexpr long kTaskReportMax = 0x100;

long report_state(const Task& t, bool preempt) {
    if (preempt) return kTaskReportMax;
    unsigned state = t.ts.__state;
    if (t.exited) return EXIT_ZOMBIE;
    if (state == TASK_IDLE) return kTaskReportIdle;
    unsigned s = state & 0x7f;  // TASK_REPORT
    if (!s) return 0;
    return 1L << (31 - __builtin_clz(s));
}

void trace_switch(Kernel& k, Task& prev, Task& next, bool preempt) {
    if (!k.tracing()) return;
    sim::TraceRecord r;
    r.arg[0] = prev.pid();
    r.arg[1] = prev.ts.prio;
    r.arg[2] = report_state(prev, preempt);
    r.arg[3] = next.pid();
    r.arg[4] = next.ts.prio;
    r.str[0] = prev.comm();
    r.str[1] = next.comm();
    r.cause = next.cause;
    next.cause = k.emit(trace::Ev::sched_switch, r);
}

void trace_wake(Kernel& k, trace::Ev kind, Task& p, int target) {
    sim::TraceRecord r;
    r.arg[0] = p.pid();
    r.arg[1] = p.ts.prio;
    r.arg[2] = target;
    r.str[0] = p.comm();
    p.cause = k.emit(kind, r);
}

int rr_timeslice_ticks(const Kernel& k) { return static_cast<int>(100 * k.config.hz / 1000); }

}  // namespace

// --- run queues ----------------------------------------------------------------------

void Scheduler::enqueue(Cpu& cpu, Task& p, bool head) {
    assert(!p.queued);
    p.ts.cpu = static_cast<unsigned>(cpu.id);
    if (p.is_rt()) {
        auto& q = cpu.rq.rt[static_cast<std::size_t>(p.ts.prio)];
        head ? q.push_front(&p) : q.push_back(&p);
        cpu.rq.nr_rt++;
    } else {
        head ? cpu.rq.fair.push_front(&p) : cpu.rq.fair.push_back(&p);
    }
    p.queued = true;
}

void Scheduler::dequeue(Task& p) {
    if (!p.queued) return;
    Cpu& cpu = k_.cpu(static_cast<int>(p.ts.cpu));
    auto drop = [&](std::deque<Task*>& q) {
        auto it = std::find(q.begin(), q.end(), &p);
        if (it == q.end()) return false;
        q.erase(it);
        return true;
    };
    if (p.is_rt()) {
        if (drop(cpu.rq.rt[static_cast<std::size_t>(p.ts.prio)])) cpu.rq.nr_rt--;
    } else {
        drop(cpu.rq.fair);
    }
    p.queued = false;
}

namespace {
Task* pop_best(RunQueue& rq) {
    if (rq.nr_rt) {
        for (auto& q : rq.rt) {
            if (q.empty()) continue;
            Task* t = q.front();
            q.pop_front();
            rq.nr_rt--;
            t->queued = false;
            return t;
        }
    }
    if (!rq.fair.empty()) {
        Task* t = rq.fair.front();
        rq.fair.pop_front();
        t->queued = false;
        return t;
    }
    return nullptr;
}
}  // namespace

Task* Scheduler::pull_task(Cpu& cpu) {
    // newidle balance: from the busiest other CPU, the first queued task allowed here.
    Cpu* busiest = nullptr;
    for (int i = 0; i < k_.nr_cpus(); ++i) {
        Cpu& c = k_.cpu(i);
        if (&c == &cpu || c.rq.nr_running() == 0) continue;
        if (!busiest || c.rq.nr_running() > busiest->rq.nr_running()) busiest = &c;
    }
    if (!busiest) return nullptr;
    auto take = [&](std::deque<Task*>& q) -> Task* {
        for (Task* t : q)
            if (allowed(*t, cpu.id)) {
                dequeue(*t);
                return t;
            }
        return nullptr;
    };
    for (auto& q : busiest->rq.rt)
        if (Task* t = take(q)) return t;
    return take(busiest->rq.fair);
}

Task* Scheduler::pick_next(Cpu& cpu, Task*, bool) {
    if (Task* t = pop_best(cpu.rq)) return t;
    if (Task* t = pull_task(cpu)) return t;
    return cpu.idle;
}

// --- __schedule ------------------------------------------------------------------------

void Scheduler::switch_to(Cpu& cpu, Task& prev, Task& next, bool preempted) {
    cpu.nr_switches++;
    if (preempted || prev.ts.__state == TASK_RUNNING)
        prev.ts.nivcsw++;
    else
        prev.ts.nvcsw++;
    trace_switch(k_, prev, next, preempted);
    prev.ts.on_cpu = 0;
    next.ts.on_cpu = 1;
    next.ts.cpu = static_cast<unsigned>(cpu.id);
    next.picked_at = k_.now();
    if (next.ts.policy == SCHED_RR && next.rr_ticks_left <= 0) next.rr_ticks_left = rr_timeslice_ticks(k_);
    cpu.curr = &next;
    k_.set_running(&next);
    sim::Fiber::switch_to(*next.fiber);
    // `prev` runs again here, on whichever CPU picked it; the switcher set running().
}

void Scheduler::do_schedule(Mode mode) {
    Cpu& cpu = k_.this_cpu();
    Task& prev = *cpu.curr;
    cpu.irqs_on = false;  // the run-queue lock is taken with interrupts off
    // The cost comes first, so a wakeup racing with it is seen by the decision below.
    spend(Cost::context_switch);
    cpu.last_schedule = k_.now();
    bool preempted = mode == Mode::Preempt;
    bool sleeping = mode == Mode::Voluntary && prev.ts.__state != TASK_RUNNING;
    if (sleeping && prev.sigpending && (prev.ts.__state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL))) {
        prev.ts.__state = TASK_RUNNING;  // signal_pending_state(): do not sleep
        sleeping = false;
    }
    if (!sleeping && !prev.is_idle()) {
        // Back on the queue: an RT task keeps its place unless its RR slice ran out; a normal
        // task keeps it until its slice is used (or it yielded).
        bool behind = prev.yielded || (prev.is_rt() ? prev.rr_rotate
                                                    : k_.now() - prev.picked_at >= k_.config.sched_base_slice);
        prev.yielded = prev.rr_rotate = false;
        enqueue(cpu, prev, !behind);
    }
    Task* next = pick_next(cpu, &prev, !sleeping);
    cpu.need_resched = false;
    if (next != &prev) switch_to(cpu, prev, *next, preempted);
    finish_task_switch();
}

void Scheduler::finish_task_switch() {
    // The run-queue lock is dropped with interrupts on: what arrived meanwhile is taken
    // now (preempt_count still holds schedule()'s 1, so it cannot preempt here).
    k_.this_cpu().irqs_on = true;
    take_pending_interrupts();
}

void Scheduler::schedule(sim::Time soft, sim::Time hard) {
    irqlab::kernel::FrameScope frame_("schedule");
    Cpu& cpu = k_.this_cpu();
    Task& t = *cpu.curr;
    // sched_submit_work() / sched_update_worker(): a kworker that blocks lets its pool start
    // another one (concurrency management), and counts as running again once back.
    struct WorkerHooks {
        Kernel& k;
        Task& t;
        bool worker;
        ~WorkerHooks() {
            if (worker) k.workqueues().worker_running(t);
        }
    } hooks{k_, t, (t.ts.flags & PF_WQ_WORKER) != 0};
    if (hooks.worker && t.ts.__state != TASK_RUNNING) k_.workqueues().worker_sleeping(t);
    if (cpu.preempt_count != 0) {
        // schedule_debug(): in_atomic_preempt_off(). irqlab spends the would-be sleep busy,
        // waiting for the wakeup or the deadline, rather than park a fiber that holds an
        // atomic section.
        schedule_bug(k_, cpu.preempt_count + PREEMPT_DISABLE_OFFSET);
        spin_until([&t] { return t.ts.__state == TASK_RUNNING; }, hard);
        t.ts.__state = TASK_RUNNING;
        return;
    }
    if (hard != sim::kNever) hrtimer_start_sleep(t, soft, hard);
    cpu.preempt_count += PREEMPT_DISABLE_OFFSET;
    do_schedule(Mode::Voluntary);
    k_.this_cpu().preempt_count -= PREEMPT_DISABLE_OFFSET;  // sched_preempt_enable_no_resched
    if (hard != sim::kNever) hrtimer_cancel_sleep(t);
}

void Scheduler::preempt_schedule() {
    if (k_.config.preempt != PreemptModel::Full) return;  // preempt_enable() never schedules
    Cpu& cpu = k_.this_cpu();
    if (!cpu.need_resched || cpu.preempt_count != 0 || !cpu.irqs_on || cpu.curr->is_idle()) return;
    do {
        cpu.preempt_count += PREEMPT_DISABLE_OFFSET;
        do_schedule(Mode::Preempt);
        k_.this_cpu().preempt_count -= PREEMPT_DISABLE_OFFSET;
    } while (k_.this_cpu().need_resched);
}

bool Scheduler::preempt_schedule_voluntary() {
    Cpu& cpu = k_.this_cpu();
    if (!cpu.need_resched || cpu.preempt_count != 0 || !cpu.irqs_on || cpu.curr->is_idle()) return false;
    cpu.preempt_count += PREEMPT_DISABLE_OFFSET;
    do_schedule(Mode::Preempt);
    k_.this_cpu().preempt_count -= PREEMPT_DISABLE_OFFSET;
    return true;
}

void Scheduler::preempt_schedule_irq() {
    do {
        Cpu& cpu = k_.this_cpu();
        cpu.preempt_count += PREEMPT_DISABLE_OFFSET;
        do_schedule(Mode::Preempt);
        Cpu& after = k_.this_cpu();
        after.irqs_on = false;  // back to the exit path, which irets
        after.preempt_count -= PREEMPT_DISABLE_OFFSET;
    } while (k_.this_cpu().need_resched);
}

void Scheduler::schedule_idle() { do_schedule(Mode::Idle); }

// --- wakeups ---------------------------------------------------------------------------

int Scheduler::select_cpu(Task& p, bool fork) {
    int n = k_.nr_cpus();
    int prev = static_cast<int>(p.ts.cpu);
    if (!fork && allowed(p, prev) && cpu_idle(k_.cpu(prev))) return prev;
    int start = fork ? 0 : prev;
    for (int i = 0; i < n; ++i) {
        int c = (start + i) % n;
        if (allowed(p, c) && cpu_idle(k_.cpu(c))) return c;
    }
    if (!fork && allowed(p, prev)) return prev;
    int best = -1, best_load = 0;
    for (int c = 0; c < n; ++c) {
        if (!allowed(p, c)) continue;
        Cpu& cc = k_.cpu(c);
        int load = cc.rq.nr_running() + (cc.curr != cc.idle ? 1 : 0);
        if (best < 0 || load < best_load) best = c, best_load = load;
    }
    return best < 0 ? 0 : best;
}

bool Scheduler::should_preempt(Cpu& cpu, Task& p) const {
    Task& curr = *cpu.curr;
    if (curr.is_idle()) return true;
    if (p.is_rt()) return !curr.is_rt() || p.ts.prio < curr.ts.prio;
    if (curr.is_rt()) return false;
    return k_.now() - curr.picked_at >= k_.config.sched_base_slice;
}

void Scheduler::resched_curr(Cpu& cpu) {
    if (cpu.need_resched) return;
    cpu.need_resched = true;
    Task* running = k_.running();
    if (running && static_cast<int>(running->ts.cpu) == cpu.id && running->ts.on_cpu) return;
    if (!running && cpu.curr == cpu.idle) {
        // A wakeup from outside any CPU (a scenario starting a task): as if the task had
        // been created on that idle CPU, which notices at once.
        cpu.kick();
        return;
    }
    // smp_send_reschedule(): the target learns through an interrupt.
    cpu.apic_message(x86::RESCHEDULE_VECTOR, false, k_.now() + k_.config.costs[Cost::ipi_latency], k_.current_cause());
}

bool Scheduler::try_to_wake_up(Task& p, unsigned int state) {
    if (!(p.ts.__state & state) || p.exited) return false;
    // The woken task serves what its waker served (a reader woken by a tasklet, by the IRQ).
    // A task woken in the middle of serving an earlier interrupt (an IRQ thread waiting
    // for a bus transfer's completion) keeps the earlier origin: the chain started there.
    // Kernel threads drop their origin when they finish an item (irq_thread_fn, a work
    // item, a ksoftirqd pass), a process at each read.
    if (Task* waker = k_.running(); waker && waker != &p && waker->origin >= 0)
        p.origin = p.origin < 0 ? waker->origin : std::min(p.origin, waker->origin);
    if (k_.tracing()) trace_wake(k_, trace::Ev::sched_waking, p, static_cast<int>(p.ts.cpu));
    if (p.ts.on_cpu || p.queued) {
        // ttwu_runnable(): still on a CPU (about to sleep, or busy-waiting in an atomic
        // schedule()) or already queued: just make it runnable again.
        p.ts.__state = TASK_RUNNING;
        if (k_.tracing()) trace_wake(k_, trace::Ev::sched_wakeup, p, static_cast<int>(p.ts.cpu));
        if (p.ts.on_cpu) k_.cpu(static_cast<int>(p.ts.cpu)).poke();
        return true;
    }
    int target = select_cpu(p, false);
    p.ts.__state = TASK_RUNNING;
    Cpu& cpu = k_.cpu(target);
    enqueue(cpu, p, false);
    if (k_.tracing()) trace_wake(k_, trace::Ev::sched_wakeup, p, target);
    if (should_preempt(cpu, p)) resched_curr(cpu);
    return true;
}

void Scheduler::wake_up_new_task(Task& p) {
    int target = select_cpu(p, true);
    p.ts.__state = TASK_RUNNING;
    Cpu& cpu = k_.cpu(target);
    enqueue(cpu, p, false);
    if (k_.tracing()) trace_wake(k_, trace::Ev::sched_wakeup_new, p, target);
    if (should_preempt(cpu, p)) resched_curr(cpu);
}

// --- tick and policies -----------------------------------------------------------------

void Scheduler::tick(Cpu& cpu) {
    Task& curr = *cpu.curr;
    if (curr.is_idle()) return;
    if (curr.ts.flags & PF_WQ_WORKER) k_.workqueues().worker_tick(curr);
    if (curr.ts.policy == SCHED_RR) {
        if (--curr.rr_ticks_left > 0) return;
        curr.rr_ticks_left = rr_timeslice_ticks(k_);
        if (!cpu.rq.rt[static_cast<std::size_t>(curr.ts.prio)].empty()) {
            curr.rr_rotate = true;
            resched_curr(cpu);
        }
        return;
    }
    if (curr.is_rt()) return;
    if (!cpu.rq.fair.empty() && k_.now() - curr.picked_at >= k_.config.sched_base_slice) resched_curr(cpu);
}

void Scheduler::set_scheduler(Task& p, int policy, int rt_priority) {
    bool was_queued = p.queued;
    if (was_queued) dequeue(p);
    p.ts.policy = static_cast<unsigned>(policy);
    if (policy == SCHED_FIFO || policy == SCHED_RR) {
        p.ts.rt_priority = static_cast<unsigned>(rt_priority);
        p.ts.prio = p.ts.normal_prio = MAX_RT_PRIO - 1 - rt_priority;
    } else {
        p.ts.rt_priority = 0;
        p.ts.prio = p.ts.normal_prio = p.ts.static_prio;
    }
    if (was_queued) enqueue(k_.cpu(static_cast<int>(p.ts.cpu)), p, false);
}

void Scheduler::set_nice(Task& p, int nice) {
    p.ts.static_prio = DEFAULT_PRIO + std::clamp(nice, MIN_NICE, MAX_NICE);
    if (!p.is_rt()) p.ts.prio = p.ts.normal_prio = p.ts.static_prio;
}

void Scheduler::set_affinity(Task& p, const struct cpumask& mask) {
    cpumask_copy(&p.ts.cpus_mask, &mask);
    p.ts.nr_cpus_allowed = 0;
    int first = -1;
    for (int c = 0; c < k_.nr_cpus(); ++c)
        if (allowed(p, c)) {
            p.ts.nr_cpus_allowed++;
            if (first < 0) first = c;
        }
    if (allowed(p, static_cast<int>(p.ts.cpu)) || first < 0) return;
    if (p.queued) {
        dequeue(p);
        enqueue(k_.cpu(first), p, false);
    } else if (!p.ts.on_cpu) {
        p.ts.cpu = static_cast<unsigned>(first);
    }
    // A task running on a CPU it may no longer use moves at its next switch (Linux migrates
    // it at once through the stopper thread; irqlab at the next schedule()).
}

// --- task lifetime ---------------------------------------------------------------------

void Scheduler::task_started(Task&) {
    // schedule_tail(): drop the rq lock (IRQs on), then balance the switcher's
    // preempt_disable, which may preempt the new task at once.
    finish_task_switch();
    k_.this_cpu().preempt_count -= PREEMPT_DISABLE_OFFSET;
    preempt_schedule();
}

sim::Fiber* Scheduler::exit_current(int code) {
    Cpu& cpu = k_.this_cpu();
    Task& t = *cpu.curr;
    if (k_.tracing()) {
        sim::TraceRecord r;
        r.arg[0] = t.pid();
        r.arg[1] = t.ts.prio;
        r.str[0] = t.comm();
        k_.emit(trace::Ev::sched_process_exit, r);
    }
    t.ts.exit_code = code;
    t.ts.flags |= PF_EXITING;
    t.exited = true;
    complete_all(&t.exit_done);
    // do_task_dead(): preempt_disable, the last switch away (never returns to this task).
    cpu.preempt_count += PREEMPT_DISABLE_OFFSET;
    cpu.irqs_on = false;
    spend(Cost::context_switch);
    Cpu& here = k_.this_cpu();
    t.ts.__state = TASK_DEAD;
    Task* next = pick_next(here, &t, false);
    here.need_resched = false;
    here.nr_switches++;
    trace_switch(k_, t, *next, false);
    t.ts.on_cpu = 0;
    next->ts.on_cpu = 1;
    next->ts.cpu = static_cast<unsigned>(here.id);
    next->picked_at = k_.now();
    here.curr = next;
    k_.set_running(next);
    return next->fiber.get();
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API (include/linux/sched.h).

using irqlab::kernel::Kernel;
using irqlab::kernel::Task;

extern "C" {

struct task_struct* get_current(void) {
    Task* t = Kernel::get().running();
    return t ? &t->ts : nullptr;
}

void schedule(void) { Kernel::get().sched().schedule(); }

int wake_up_process(struct task_struct* p) {
    return Kernel::get().sched().try_to_wake_up(Task::of(p), TASK_NORMAL) ? 1 : 0;
}

int wake_up_state(struct task_struct* p, unsigned int state) {
    return Kernel::get().sched().try_to_wake_up(Task::of(p), state) ? 1 : 0;
}

int signal_pending(struct task_struct* p) { return Task::of(p).sigpending ? 1 : 0; }
int fatal_signal_pending(struct task_struct* p) { return Task::of(p).sigpending ? 1 : 0; }

bool need_resched(void) { return Kernel::get().this_cpu().need_resched; }

void yield(void) {
    Kernel& k = Kernel::get();
    k.running()->yielded = true;
    k.this_cpu().need_resched = true;
    k.sched().schedule();
}

void set_user_nice(struct task_struct* p, long nice) {
    Kernel::get().sched().set_nice(Task::of(p), static_cast<int>(nice));
}

int task_nice(const struct task_struct* p) { return p->static_prio - DEFAULT_PRIO; }

int sched_setscheduler_nocheck(struct task_struct* p, int policy, const struct sched_param* param) {
    if ((policy == SCHED_FIFO || policy == SCHED_RR) &&
        (param->sched_priority < 1 || param->sched_priority > MAX_RT_PRIO - 1))
        return -EINVAL;
    Kernel::get().sched().set_scheduler(Task::of(p), policy, param->sched_priority);
    return 0;
}

void sched_set_fifo(struct task_struct* p) {
    struct sched_param sp = {MAX_RT_PRIO / 2};
    sched_setscheduler_nocheck(p, SCHED_FIFO, &sp);
}

void sched_set_fifo_low(struct task_struct* p) {
    struct sched_param sp = {1};
    sched_setscheduler_nocheck(p, SCHED_FIFO, &sp);
}

void sched_set_normal(struct task_struct* p, int nice) {
    struct sched_param sp = {0};
    sched_setscheduler_nocheck(p, SCHED_NORMAL, &sp);
    set_user_nice(p, nice);
}

int set_cpus_allowed_ptr(struct task_struct* p, const struct cpumask* new_mask) {
    Kernel& k = Kernel::get();
    bool any = false;
    for (int c = 0; c < k.nr_cpus(); ++c) any |= cpumask_test_cpu(c, new_mask);
    if (!any) return -EINVAL;
    k.sched().set_affinity(Task::of(p), *new_mask);
    return 0;
}

}  // extern "C"
