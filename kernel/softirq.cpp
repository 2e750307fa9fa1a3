// Softirqs (kernel/softirq.c, 6.12).
#include "kernel/softirq.hpp"

#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/locking/lockdep.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/tick.hpp"
#include "kernel/time/timer.hpp"
#include "kernel/trace/latency.hpp"

extern "C" const char* const softirq_to_name[NR_SOFTIRQS] = {
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};

namespace irqlab::kernel {

namespace {
constexpr int kMaxSoftirqRestart = 10;  // MAX_SOFTIRQ_RESTART

std::uint64_t trace_vec(Kernel& k, trace::Ev kind, unsigned nr, std::uint64_t cause = 0) {
    if (!k.tracing()) return 0;
    sim::TraceRecord r;
    r.arg[0] = nr;
    r.cause = cause;
    return k.emit(kind, r);
}

// softirq_handle_begin() .. softirq_handle_end(): the loop of handle_softirqs().
void handle_softirqs(bool ksirqd) {
    Kernel& k = Kernel::get();
    Cpu& cpu = k.this_cpu();
    Task& task = *k.running();
    // MAX_SOFTIRQ_TIME is msecs_to_jiffies(2): with HZ=250 that is one jiffy, so the loop
    // may restart only until the next tick (0 to 4 ms), as in Linux. Linux reads jiffies
    // here; irqlab computes them (a division) only if the loop has a second pass to judge.
    const sim::Time start = k.now();
    int max_restart = kMaxSoftirqRestart;
    std::uint32_t pending = cpu.softirq_pending;
    cpu.preempt_count += SOFTIRQ_OFFSET;  // in_serving_softirq()
    task.frames.emplace_back(ksirqd ? "handle_softirqs" : "__do_softirq", !ksirqd);
    std::uint64_t saved_cause = task.cause;
    for (;;) {
        cpu.softirq_pending = 0;  // a snapshot: raises from now on go to the next pass
        cpu.irqs_on = true;       // softirq handlers run with interrupts enabled
        spend(Cost::softirq_entry);
        for (unsigned nr = 0; pending; ++nr, pending >>= 1) {
            if (!(pending & 1)) continue;
            Cpu& c = k.this_cpu();  // (never changes: softirqs do not schedule)
            c.softirq_count[nr]++;
            k.latency().softirq(nr, k.now() - c.softirq_raised_at[nr]);
            std::uint32_t prev_count = c.preempt_count;
            // What the handler does (a tasklet, a wakeup, a raise) follows from this entry,
            // and the entry from the raise that made the vector pending.
            if (std::uint64_t seq = trace_vec(k, trace::Ev::softirq_entry, nr, c.softirq_raised_by[nr])) task.cause = seq;
            const Softirqs::Action& a = k.softirqs().vec[nr];
            task.frames.emplace_back(a.name ? a.name : softirq_to_name[nr], !ksirqd);
            if (a.fn) a.fn();
            task.frames.pop_back();
            trace_vec(k, trace::Ev::softirq_exit, nr);
            task.cause = saved_cause;
            if (c.preempt_count != prev_count) {
                char buf[160];
                std::snprintf(buf, sizeof buf,
                              "huh, entered softirq %u %s %s with preempt_count %08x, exited with %08x?",
                              nr, softirq_to_name[nr], a.name ? a.name : "?", prev_count, c.preempt_count);
                printk_emit(k, LOGLEVEL_ERR, buf);
                c.preempt_count = prev_count;
            }
        }
        Cpu& c = k.this_cpu();
        c.irqs_on = false;
        pending = c.softirq_pending;
        if (!pending) break;
        unsigned long end = jiffies_at(k, start) + msecs_to_jiffies(2);
        if (time_before(jiffies_at(k, k.now()), end) && !c.need_resched && --max_restart) continue;
        wakeup_softirqd(c);
        break;
    }
    task.frames.pop_back();
    k.this_cpu().preempt_count -= SOFTIRQ_OFFSET;
}

}  // namespace

void Softirqs::open(int nr, void (*fn)(void), const char* name) { vec[static_cast<std::size_t>(nr)] = {fn, name}; }

void softirq_mark_pending(Cpu& cpu, unsigned nr) {
    std::uint64_t seq = trace_vec(cpu.kernel, trace::Ev::softirq_raise, nr);
    if (!(cpu.softirq_pending & (1u << nr))) {
        cpu.softirq_raised_at[nr] = cpu.kernel.now();
        cpu.softirq_raised_by[nr] = seq;
    }
    cpu.softirq_pending |= 1u << nr;
}

void raise_softirq_irqoff(Cpu& cpu, unsigned nr) {
    softirq_mark_pending(cpu, nr);
    // From task context nothing else will run them soon: wake ksoftirqd. From interrupt
    // or softirq context (or with BH disabled) they run on the way out.
    if (!(cpu.preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))) wakeup_softirqd(cpu);
}

void wakeup_softirqd(Cpu& cpu) {
    if (cpu.ksoftirqd) cpu.kernel.sched().try_to_wake_up(*cpu.ksoftirqd, TASK_NORMAL);
}

void invoke_softirq(Cpu& cpu) {
    if (!cpu.kernel.config.threadirqs || !cpu.ksoftirqd)
        handle_softirqs(false);  // __do_softirq(), on the interrupt stack
    else
        wakeup_softirqd(cpu);
}

void do_softirq(Cpu& cpu) {
    if (cpu.preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK)) return;
    bool was_on = cpu.irqs_on;
    cpu.irqs_on = false;
    if (cpu.softirq_pending) handle_softirqs(false);
    Kernel::get().this_cpu().irqs_on = was_on;
}

namespace {

// run_ksoftirqd() inside smpboot's thread loop.
int ksoftirqd_fn(void*) {
    Kernel& k = Kernel::get();
    for (;;) {
        set_current_state(TASK_INTERRUPTIBLE);
        Cpu& cpu = k.this_cpu();
        if (!cpu.softirq_pending) {
            schedule();
            continue;
        }
        __set_current_state(TASK_RUNNING);
        // smpboot_thread_fn()'s preempt_enable() before each run: with full preemption the
        // only place a busy ksoftirqd yields to a woken task (cond_resched() is a no-op).
        k.sched().preempt_schedule();
        cpu.irqs_on = false;  // ksoftirqd_run_begin()
        if (cpu.softirq_pending) handle_softirqs(true);
        k.running()->origin = -1;     // this pass is done (see try_to_wake_up)
        k.this_cpu().irqs_on = true;  // ksoftirqd_run_end()
        cond_resched();
    }
    return 0;
}

void run_timer_softirq() {
    Kernel& k = Kernel::get();
    k.timers().run(k.this_cpu());
}

}  // namespace

void spawn_ksoftirqd(Kernel& k) {
    k.symbols().name(reinterpret_cast<const void*>(&ksoftirqd_fn), "run_ksoftirqd", nullptr);
    for (int i = 0; i < k.nr_cpus(); ++i) {
        struct task_struct* t =
            kthread_create_on_cpu(ksoftirqd_fn, nullptr, static_cast<unsigned>(i), "ksoftirqd/%u");
        k.cpu(i).ksoftirqd = &Task::of(t);
    }
}

void softirq_init(Kernel& k) {
    k.softirqs().open(TIMER_SOFTIRQ, run_timer_softirq, "run_timer_softirq");
    k.timers().hrtimer_init_softirq(k);
    tasklet_init_softirqs(k);
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API.

using irqlab::kernel::Kernel;

extern "C" {

void open_softirq(int nr, void (*action)(void)) {
    Kernel& k = Kernel::get();
    k.softirqs().open(nr, action, k.symbols().name_of(reinterpret_cast<const void*>(action)));
}

void __raise_softirq_irqoff(unsigned int nr) { irqlab::kernel::softirq_mark_pending(Kernel::get().this_cpu(), nr); }

void raise_softirq_irqoff(unsigned int nr) { irqlab::kernel::raise_softirq_irqoff(Kernel::get().this_cpu(), nr); }

void raise_softirq(unsigned int nr) {
    unsigned long flags;
    local_irq_save(flags);
    raise_softirq_irqoff(nr);
    local_irq_restore(flags);
}

unsigned int local_softirq_pending(void) { return Kernel::get().this_cpu().softirq_pending; }

void local_bh_disable(void) { Kernel::get().this_cpu().preempt_count += SOFTIRQ_DISABLE_OFFSET; }

// __local_bh_enable_ip(): run pending softirqs on the way out of the BH-disabled section.
void local_bh_enable(void) {
    Kernel& k = Kernel::get();
    irqlab::kernel::Cpu& cpu = k.this_cpu();
    WARN_ON_ONCE(in_hardirq());
    // Softirqs come back on: lockdep marks the held locks softirq-enabled (mark_held_locks()).
    if ((cpu.preempt_count & SOFTIRQ_MASK) == SOFTIRQ_DISABLE_OFFSET) irqlab::kernel::lockdep_softirqs_on(k);
    cpu.preempt_count -= SOFTIRQ_DISABLE_OFFSET - 1;
    if (!(cpu.preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK)) && cpu.softirq_pending)
        irqlab::kernel::do_softirq(cpu);
    k.this_cpu().preempt_count -= 1;
    k.sched().preempt_schedule();  // preempt_check_resched()
}

}  // extern "C"
