// Softirqs (kernel/softirq.c): per-CPU pending masks, __do_softirq with its limits, and
// ksoftirqd.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

struct tasklet_struct;

namespace irqlab::kernel {

class Kernel;
class Cpu;

// One CPU's tasklet list (struct tasklet_head): appended at the tail.
struct TaskletHead {
    struct tasklet_struct* head = nullptr;
    struct tasklet_struct** tail = nullptr;
};

class Softirqs {
public:
    struct Action {
        void (*fn)(void) = nullptr;
        const char* name = nullptr;  // the handler's name, for stacks and reports
    };
    std::array<Action, 10> vec{};
    void open(int nr, void (*fn)(void), const char* name);
    std::vector<TaskletHead> tasklet_vec, tasklet_hi_vec;  // per CPU
    // What each CPU's tasklet_action_common() is working through: the tasklet it runs now
    // and the rest of the list it took off tasklet_vec/tasklet_hi_vec (chained by ->next).
    // Linux keeps both only in that function's local variables; irqlab notes them for the
    // stepper's `info tasklets` and `bt`. Nothing in the kernel reads them.
    struct TaskletRun {
        struct tasklet_struct* running = nullptr;
        struct tasklet_struct* rest = nullptr;
        bool hi = false;
    };
    std::vector<TaskletRun> tasklet_run;  // per CPU
    // Scheduled tasklets whose memory was freed (kfree with the tasklet still queued): the
    // function each was set up with, per CPU. tasklet_action() reports the use after free
    // it would have been, instead of reading freed memory.
    std::vector<std::vector<const void*>> freed_tasklets;
};

// __raise_softirq_irqoff(): traces the raise and marks it pending on `cpu`.
void softirq_mark_pending(Cpu& cpu, unsigned nr);
// raise_softirq_irqoff(): the same, and from task context wake ksoftirqd.
void raise_softirq_irqoff(Cpu& cpu, unsigned nr);
// irq_exit(): run pending softirqs now (or wake ksoftirqd with threadirqs).
void invoke_softirq(Cpu& cpu);
// local_bh_enable() and friends: run them if pending and not in interrupt.
void do_softirq(Cpu& cpu);
void wakeup_softirqd(Cpu& cpu);
// Creates ksoftirqd/N for every CPU (sleeping until woken).
void spawn_ksoftirqd(Kernel& k);
// The built-in handlers opened at boot (TIMER_SOFTIRQ, the tasklet softirqs).
void softirq_init(Kernel& k);
// softirq_init()'s tasklet part: the per-CPU lists, TASKLET_SOFTIRQ and HI_SOFTIRQ.
void tasklet_init_softirqs(Kernel& k);

}  // namespace irqlab::kernel
