// Kernel threads (kernel/kthread.c). A new kthread sleeps until its first wake_up_process;
// kthread_stop() makes kthread_should_stop() true, wakes it and waits for it to return.
#include <linux/kthread.h>

#include <cstdarg>
#include <cstdio>

#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

// kthread_exit() unwinds to the thread's entry with this.
struct KthreadExit {
    long result;
};

Task& create_kthread(Kernel& k, int (*threadfn)(void*), void* data, const std::string& name) {
    Task& t = k.create_task(TaskKind::Kthread, name);
    t.ts.flags |= PF_KTHREAD;
    t.ts.__state = TASK_UNINTERRUPTIBLE;  // parked in kthread() until the first wakeup
    Task* self = &t;
    t.body = [self, threadfn, data]() -> int {
        if (self->should_stop) return -EINTR;
        try {
            return threadfn(data);
        } catch (const KthreadExit& e) {
            return static_cast<int>(e.result);
        }
    };
    // Created from a CPU, the thread starts there (as kthreadd would place it nearby).
    if (Task* cur = k.running()) t.ts.cpu = cur->ts.cpu;
    return t;
}

}  // namespace irqlab::kernel

using irqlab::kernel::Kernel;
using irqlab::kernel::Task;

extern "C" {

struct task_struct* kthread_create_on_node(int (*threadfn)(void* data), void* data, int, const char namefmt[], ...) {
    Kernel& k = Kernel::get();
    va_list ap;
    va_start(ap, namefmt);
    std::string name = irqlab::kernel::kvformat(k, namefmt, ap);
    va_end(ap);
    return &irqlab::kernel::create_kthread(k, threadfn, data, name).ts;
}

struct task_struct* kthread_create_on_cpu(int (*threadfn)(void* data), void* data, unsigned int cpu,
                                          const char* namefmt) {
    Kernel& k = Kernel::get();
    char name[64];
    std::snprintf(name, sizeof name, namefmt, cpu);
    Task& t = irqlab::kernel::create_kthread(k, threadfn, data, name);
    kthread_bind(&t.ts, cpu);
    return &t.ts;
}

void kthread_bind(struct task_struct* p, unsigned int cpu) {
    Kernel& k = Kernel::get();
    struct cpumask mask;
    cpumask_clear(&mask);
    cpumask_set_cpu(cpu, &mask);
    k.sched().set_affinity(Task::of(p), mask);
    p->cpu = cpu;
}

int kthread_stop(struct task_struct* p) {
    irqlab::kernel::FrameScope frame_("kthread_stop");
    Task& t = Task::of(p);
    t.should_stop = true;
    if (!t.exited) {
        wake_up_process(p);
        wait_for_completion(&t.exit_done);
    }
    return p->exit_code;
}

bool kthread_should_stop(void) { return Kernel::get().running()->should_stop; }

void kthread_exit(long result) { throw irqlab::kernel::KthreadExit{result}; }

}  // extern "C"
