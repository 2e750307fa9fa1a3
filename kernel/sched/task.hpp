// A simulated task: the C-visible task_struct plus what the simulator needs to run it.
#pragma once

#include <linux/completion.h>
#include <linux/sched.h>
#include <linux/timer.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel/arch/x86/cpu.hpp"
#include "sim/event.hpp"
#include "sim/fiber.hpp"

namespace irqlab::kernel {

class Kernel;

// One line of a context stack: what bt and the BUG reports print.
struct Frame {
    const char* fn;    // a Linux function name or a driver symbol
    bool irq = false;  // on the interrupt stack (printed inside <IRQ> ... </IRQ>)
};

enum class TaskKind : std::uint8_t { Idle, Kthread, User };

struct Task {
    Task(Kernel& kernel, TaskKind kind, std::string_view comm, int pid);
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    static Task& of(struct task_struct* p) { return *static_cast<Task*>(p->__irqlab_task); }
    static const Task& of(const struct task_struct* p) { return *static_cast<const Task*>(p->__irqlab_task); }

    task_struct ts{};
    Kernel& kernel;
    TaskKind kind;
    std::unique_ptr<sim::Fiber> fiber;
    // The code the task runs, on its fiber; returning ends the task (do_exit).
    std::function<int()> body;

    // --- scheduling ---
    bool queued = false;       // waiting on a run queue (not running)
    sim::Time picked_at = 0;   // when it last got its CPU (the slice runs from here)
    int rr_ticks_left = 0;     // SCHED_RR time slice, in ticks
    bool in_user = false;      // executing user-mode code (a process's compute)
    bool exited = false;
    bool sigpending = false;   // a signal is pending (interrupts interruptible sleeps)

    // --- kthreads ---
    bool should_stop = false;
    void* kthread_data = nullptr;  // kthread_data(): the worker of a kworker
    struct completion exit_done;

    // --- sleeps with a nanosecond timeout (usleep_range, hrtimer sleeps) ---
    HrTimer sleep_timer;
    // --- schedule_timeout()'s struct process_timer: on the stack in Linux, the task's here,
    // so that its printed address does not depend on the compiler's frame layout ---
    struct ProcessTimer {
        struct timer_list timer;
        struct task_struct* task;
    } timeout_timer{};
    bool rr_rotate = false;  // SCHED_RR slice used up: requeue behind its peers
    bool yielded = false;    // yield(): requeue behind its peers

    // --- the context stack (bt, reports), innermost last; interrupts nest on it too ---
    std::vector<Frame> frames;
    // --- locks held, in acquisition order (lockdep's held_locks) ---
    struct HeldLock {
        struct lockdep_map* map;
        const void* lock;
        const char* acquire_ip;  // the function that took it, or null
    };
    std::vector<HeldLock> held_locks;
    // --- trace causality: the record whose consequence the running code is ---
    std::uint64_t cause = 0;
    // --- end-to-end latency: when the interrupt the running code serves was raised (the
    // device's line or MSI), kept like `cause` but without a trace; -1 if none ---
    sim::Time origin = -1;

    bool is_idle() const { return kind == TaskKind::Idle; }
    bool is_rt() const { return ts.policy == SCHED_FIFO || ts.policy == SCHED_RR; }
    const char* comm() const { return ts.comm; }
    int pid() const { return ts.pid; }
};

}  // namespace irqlab::kernel
