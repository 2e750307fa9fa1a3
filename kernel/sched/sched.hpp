// The scheduler (kernel/sched/core.c, rt.c, fair.c; a stated simplification of each).
//
// Per-CPU run queues: SCHED_FIFO and SCHED_RR by priority (a preempted RT task keeps its
// place at the head), then SCHED_NORMAL round robin with a time slice (base slice
// 0.75 ms, checked at the tick, as EEVDF's RUN_TO_PARITY lets the current task finish its
// slice; a woken normal task preempts a normal one only once that slice is used). No
// periodic load balancing: a CPU that would go idle pulls a queued task from the busiest
// other CPU, and wakeups prefer an idle allowed CPU (the previous one first).
#pragma once

#include <cstdint>

#include "sim/fiber.hpp"
#include "sim/time.hpp"

struct cpumask;

namespace irqlab::kernel {

class Kernel;
class Cpu;
struct Task;

class Scheduler {
public:
    explicit Scheduler(Kernel& k) : k_(k) {}

    // schedule(): the running task gives up the CPU (it sleeps if its state says so). With
    // a timeout, an hrtimer wakes it between `soft` and `hard`. Called in atomic context it
    // prints "BUG: scheduling while atomic" and busy-waits for the wakeup (or `hard`)
    // instead of parking a fiber that holds an atomic section.
    void schedule(sim::Time soft = sim::kNever, sim::Time hard = sim::kNever);
    // preempt_enable()/cond_resched() with need_resched set, from preemptible code.
    void preempt_schedule();
    // cond_resched()/might_resched() under the none and voluntary models: schedules if
    // need_resched is set and the context is preemptible. Returns whether it did.
    bool preempt_schedule_voluntary();
    // The return-from-interrupt path with need_resched set (called with IF clear).
    void preempt_schedule_irq();
    // The idle task's schedule_idle().
    void schedule_idle();

    // try_to_wake_up(): makes `p` runnable if its state matches `state`. Returns true if it
    // woke it. `cause` is the trace record that led to the wakeup.
    bool try_to_wake_up(Task& p, unsigned int state);
    // wake_up_new_task(): the first wakeup of a new task (placed on the idlest CPU).
    void wake_up_new_task(Task& p);

    void resched_curr(Cpu& cpu);
    // scheduler_tick(): slices of RR and normal tasks.
    void tick(Cpu& cpu);

    void set_scheduler(Task& p, int policy, int rt_priority);
    void set_nice(Task& p, int nice);
    void set_affinity(Task& p, const struct cpumask& mask);

    // The first code a new task's fiber runs (finish_task_switch, IRQs on, count 0).
    void task_started(Task& t);
    // do_exit(): marks the running task dead and returns the fiber to switch to.
    sim::Fiber* exit_current(int code);

    void enqueue(Cpu& cpu, Task& p, bool head);
    void dequeue(Task& p);

private:
    enum class Mode { Voluntary, Preempt, Idle };
    void do_schedule(Mode mode);
    void finish_task_switch();
    Task* pick_next(Cpu& cpu, Task* prev, bool prev_runnable);
    Task* pull_task(Cpu& cpu);
    void switch_to(Cpu& cpu, Task& prev, Task& next, bool preempted);
    int select_cpu(Task& p, bool fork);
    bool should_preempt(Cpu& cpu, Task& p) const;

    Kernel& k_;
};

}  // namespace irqlab::kernel
