#include "kernel/time/tick.hpp"

#include <linux/interrupt.h>

#include "kernel/kernel.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/hrtimer.hpp"
#include "kernel/time/timer.hpp"

namespace irqlab::kernel {

sim::Time tick_nsec(const Kernel& k) { return k.tick_nsec; }

unsigned long initial_jiffies(const Kernel& k) {
    return static_cast<unsigned long>(static_cast<unsigned int>(-300 * static_cast<int>(k.config.hz)));
}

unsigned long jiffies_at(const Kernel& k, sim::Time t) {
    return initial_jiffies(k) + static_cast<unsigned long>(t / tick_nsec(k));
}

sim::Time jiffies_time(const Kernel& k, unsigned long j) {
    unsigned long base = initial_jiffies(k);
    if (j <= base) return 0;
    return static_cast<sim::Time>(j - base) * tick_nsec(k);
}

namespace {
sim::Time next_boundary_after(const Kernel& k, sim::Time t) {
    sim::Time period = tick_nsec(k);
    return (t / period + 1) * period;
}

// The next event a CPU with a stopped tick must wake for: its first timer_list expiry.
sim::Time next_timer_event(Cpu& cpu) {
    Kernel& k = cpu.kernel;
    unsigned long bucket = k.timers().next_bucket(cpu.id);
    if (bucket == ~0UL) return sim::kNever;
    sim::Time t = jiffies_time(k, bucket);
    // Already due (its softirq is pending): the next tick boundary is soon enough, and
    // the idle loop looks again once the softirq has run.
    return t > k.now() ? t : next_boundary_after(k, k.now());
}
}  // namespace

void tick_start(Cpu& cpu) {
    cpu.tick_stopped = false;
    cpu.next_tick = next_boundary_after(cpu.kernel, cpu.kernel.now());
    hrtimer_reprogram(cpu);
}

void tick_handle(Cpu& cpu) {
    Kernel& k = cpu.kernel;
    hrtimer_run_expired(cpu);
    if (k.now() >= cpu.next_tick) {
        // tick_sched_timer -> update_process_times(): run_local_timers and the scheduler.
        spend(Cost::tick);
        if (k.timers().due(cpu.id)) raise_softirq_irqoff(cpu, TIMER_SOFTIRQ);
        k.sched().tick(cpu);
        cpu.next_tick = cpu.tick_stopped ? next_timer_event(cpu) : next_boundary_after(k, k.now());
    }
    hrtimer_reprogram(cpu);
}

void tick_irq_enter(Cpu&) {}

void tick_irq_exit(Cpu&) {}

void tick_nohz_idle_stop_tick(Cpu& cpu) {
    if (!cpu.kernel.config.nohz_idle) return;
    cpu.tick_stopped = true;
    cpu.next_tick = next_timer_event(cpu);
    hrtimer_reprogram(cpu);
}

void tick_nohz_idle_restart_tick(Cpu& cpu) {
    if (!cpu.tick_stopped) return;
    tick_start(cpu);
}

void tick_nohz_timer_added(Cpu& cpu, unsigned long bucket) {
    if (!cpu.tick_stopped) return;
    sim::Time at = std::max(jiffies_time(cpu.kernel, bucket), cpu.kernel.now());
    if (at < cpu.next_tick) {
        cpu.next_tick = at;
        hrtimer_reprogram(cpu);
    }
}

}  // namespace irqlab::kernel
