#include "kernel/kernel.hpp"
#include "kernel/module/data.hpp"

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/block/block.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/net/net.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/locking/spinlock.hpp"
#include "kernel/mm/slab.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/idle.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/tick.hpp"
#include "kernel/time/timer.hpp"
#include "kernel/trace/latency.hpp"
#include "kernel/watchdog.hpp"
#include "kernel/workqueue.hpp"

extern "C" unsigned int nr_cpu_ids;

namespace irqlab::kernel {

namespace detail {
thread_local constinit Kernel* t_kernel = nullptr;

void no_kernel() {
    std::fprintf(stderr, "irqlab: internal error: kernel API called with no simulated kernel\n");
    std::abort();
}

void no_running_task() {
    std::fprintf(stderr,
                 "irqlab: internal error: kernel code ran outside a task (a device model or the scenario "
                 "called the kernel)\n");
    std::abort();
}
}  // namespace detail

using detail::t_kernel;

Task::Task(Kernel& k, TaskKind kd, std::string_view comm, int pid) : kernel(k), kind(kd) {
    ts.__irqlab_task = this;
    ts.pid = pid;
    ts.tgid = pid;
    std::size_t n = std::min<std::size_t>(comm.size(), TASK_COMM_LEN - 1);
    std::copy_n(comm.data(), n, ts.comm);
    ts.comm[n] = 0;
    ts.static_prio = ts.normal_prio = ts.prio = DEFAULT_PRIO;
    ts.policy = SCHED_NORMAL;
    for (int c = 0; c < k.nr_cpus(); ++c) cpumask_set_cpu(static_cast<unsigned>(c), &ts.cpus_mask);
    ts.nr_cpus_allowed = k.nr_cpus();
    exit_done.done = 0;
    __init_waitqueue_head(&exit_done.wait, "&t->exit_done.wait", nullptr);
}

Kernel::Kernel(sim::Simulator& s, Config cfg) : sim(s), engine(s.engine()), config(std::move(cfg)) {
    if (t_kernel) {
        std::fprintf(stderr, "irqlab: internal error: two simulated kernels on one thread\n");
        std::abort();
    }
    t_kernel = this;
    fresh_driver_data();
    irqlab_hz = config.hz;
    nr_cpu_ids = static_cast<unsigned>(config.cpus);
    for (int i = 0; i < config.cpus; ++i) cpus_.push_back(std::make_unique<Cpu>(*this, i));
    log_ = std::make_unique<Log>(*this);
    bugs_ = std::make_unique<Bugs>();
    memory_ = std::make_unique<Memory>(*this);
    symbols_ = std::make_unique<Symbols>(*this);
    timers_ = std::make_unique<Timers>(*this);
    softirqs_ = std::make_unique<Softirqs>();
    sched_ = std::make_unique<Scheduler>(*this);
    locking_ = std::make_unique<Locking>();
    watchdog_ = std::make_unique<Watchdog>(*this);
    ioapic_ = std::make_unique<IoApic>(*this);
    irqs_ = std::make_unique<Irqs>(*this);
    // A level vector's EOI is broadcast to the IO-APIC (it clears the pin's Remote IRR).
    for (auto& c : cpus_) c->lapic.on_level_eoi = [this](int vector) { ioapic_->eoi(vector); };
    irqs_->force_threads = config.threadirqs;
    irqs_->irqfixup = config.irqpoll ? 2 : config.irqfixup ? 1 : 0;
    irqs_->setup_ioapic(config.irq_level);
    drivers_ = std::make_unique<DriverCore>(*this);
    workqueues_ = std::make_unique<Workqueues>(*this);
    latency_ = std::make_unique<Latency>();
    vfs_ = std::make_unique<Vfs>(*this);
    net_ = std::make_unique<Net>(*this);
    block_ = std::make_unique<BlockLayer>(*this);
}

Kernel::~Kernel() {
    shutdown();
    log_->flush();
    tasks_.clear();
    t_kernel = nullptr;
}

Task& Kernel::create_task(TaskKind kind, std::string_view comm) {
    int pid = kind == TaskKind::Idle ? 0 : next_pid_++;
    tasks_.push_back(std::make_unique<Task>(*this, kind, comm, pid));
    Task& t = *tasks_.back();
    std::size_t stack = config.stack_size ? config.stack_size : sim::Fiber::default_stack_size();
    Task* tp = &t;
    t.fiber = std::make_unique<sim::Fiber>(std::string(t.comm()), stack, [this, tp]() -> sim::Fiber* {
        if (tp->kind == TaskKind::Idle) {
            idle_loop();  // never returns
            return nullptr;
        }
        sched().task_started(*tp);
        if (tp->kind == TaskKind::Kthread)
            tp->frames = {{"ret_from_fork_asm"}, {"ret_from_fork"}, {"kthread"}};
        int code = tp->body ? tp->body() : 0;
        return sched().exit_current(code);
    });
    return t;
}

Task* Kernel::find_task(std::string_view comm) const {
    for (const auto& t : tasks_)
        if (comm == t->comm()) return t.get();
    return nullptr;
}

void Kernel::boot() {
    irqs_->boot_messages();
    softirq_init(*this);
    net_->init();  // net_dev_init(): NET_TX, NET_RX, the backlogs
    block_->init();  // blk_mq_init(): BLOCK_SOFTIRQ and each CPU's completion list
    for (int i = 0; i < nr_cpus(); ++i) {
        Cpu& cpu = *cpus_[static_cast<std::size_t>(i)];
        Task& idle = create_task(TaskKind::Idle, "swapper/" + std::to_string(i));
        idle.ts.flags |= PF_IDLE | PF_KTHREAD;
        idle.ts.cpu = static_cast<unsigned>(i);
        idle.ts.on_cpu = 1;
        cpumask_clear(&idle.ts.cpus_mask);
        cpumask_set_cpu(static_cast<unsigned>(i), &idle.ts.cpus_mask);
        idle.ts.nr_cpus_allowed = 1;
        cpu.idle = cpu.curr = &idle;
        cpu.preempt_count = PREEMPT_DISABLE_OFFSET;  // the idle task runs with preemption off
        cpu.irqs_on = false;
    }
    workqueues_->init();  // workqueue_init() runs before the early initcalls spawn ksoftirqd
    spawn_ksoftirqd(*this);
    for (auto& cpu : cpus_) {
        tick_start(*cpu);
        cpu->start();
    }
    watchdog_->start();
    booted_ = true;
}

void Kernel::shutdown() {
    // Unwind every task that is still suspended, in creation order, then the engine loop.
    for (auto& t : tasks_)
        if (t->fiber && t->fiber->started() && !t->fiber->finished()) t->fiber->kill();
    running_ = nullptr;
}

std::uint64_t Kernel::emit(trace::Ev kind, sim::TraceRecord& r) {
    r.kind = static_cast<std::uint16_t>(kind);
    r.time = now();
    const Task* t = running_;
    if (r.cpu < 0 && t) r.cpu = static_cast<std::int32_t>(t->ts.cpu);
    if (r.cpu >= 0) {
        const Cpu& c = *cpus_[static_cast<std::size_t>(r.cpu)];
        if (!t || static_cast<int>(t->ts.cpu) != r.cpu) t = c.curr;
        r.preempt_count = c.preempt_count;
        r.flags = static_cast<std::uint8_t>((c.irqs_on ? 0 : sim::kTraceIrqsOff) | (c.need_resched ? sim::kTraceNeedResched : 0));
    }
    if (t) {
        r.pid = t->pid();
        r.comm = t->comm();
    }
    if (!r.cause) r.cause = running_ ? running_->cause : outside_cause_;
    return sim.trace().emit(r);
}

std::uint64_t& Kernel::current_cause() { return running_ ? running_->cause : outside_cause_; }

void Kernel::poke_spinners() {
    for (auto& c : cpus_)
        if (c->waiting() == Cpu::Wait::Spin) c->poke(1);
}

std::string Kernel::modules_linked_in() const {
    std::vector<std::string> names = modules;
    std::sort(names.begin(), names.end());
    std::string out;
    for (const std::string& n : names) out += " " + n;
    return out;
}

void Kernel::halt_machine(std::string why) {
    if (halted_.empty()) halted_ = std::move(why);
    engine.stop();
    if (running_) {
        // The calling task never runs again: park its fiber until the teardown unwinds it.
        Cpu& cpu = this_cpu();
        cpu.hung = true;
        for (;;) cpu.wait(Cpu::Wait::Spin, sim::kNever, cpu.current_time_class());
    }
}

}  // namespace irqlab::kernel
