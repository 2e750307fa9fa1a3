#include "kernel/watchdog.hpp"

#include <linux/printk.h>

#include <algorithm>
#include <cstdio>

#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

Watchdog::Watchdog(Kernel& k)
    : k_(k), event_(this, "watchdog: lockup check", sim::Priority::Observer), cpus_(static_cast<std::size_t>(k.nr_cpus())) {}

void Watchdog::start() { k_.engine.schedule(event_, k_.now() + k_.config.softlockup_thresh / 5); }

void Watchdog::check() {
    const sim::Time thresh = k_.config.softlockup_thresh;
    const sim::Time now = k_.now();
    for (int i = 0; i < k_.nr_cpus(); ++i) {
        Cpu& cpu = k_.cpu(i);
        PerCpu& w = cpus_[static_cast<std::size_t>(i)];
        if (cpu.lapic.loc_count != w.timer_irqs || cpu.waiting() == Cpu::Wait::Halt) {
            w.timer_irqs = cpu.lapic.loc_count;
            w.timer_irqs_seen = now;
        }
        if (cpu.hung || cpu.waiting() == Cpu::Wait::Halt) continue;
        sim::Time since = std::max(cpu.last_schedule, w.reported);
        bool hard = now - std::max(w.timer_irqs_seen, w.reported) > thresh / 2;
        if (!hard && now - since <= thresh) continue;
        w.reported = now;
        Task* t = cpu.curr;
        char line[200];
        if (hard) {
            std::snprintf(line, sizeof line, "Watchdog detected hard LOCKUP on cpu %d", i);
            k_.bugs().record(k_, bug::kHardLockup, line, i);
        } else {
            // get_timestamp() counts in units of 2^30 ns.
            unsigned duration = static_cast<unsigned>((now >> 30) - (cpu.last_schedule >> 30));
            std::snprintf(line, sizeof line, "watchdog: BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]", i, duration,
                          t->comm(), t->pid());
            k_.bugs().record(k_, bug::kSoftLockup, line, i);
            k_.bugs().taint |= 1UL << Bugs::kTaintSoftlockup;
        }
        printk_emit(k_, LOGLEVEL_EMERG, line);
        printk_emit(k_, LOGLEVEL_WARNING, "Modules linked in:" + k_.modules_linked_in());
        dump_stack(k_, {}, t);
        if (cpu.spin_depth > 0) {
            // Spinning on something that no CPU will ever release: the run cannot go on.
            cpu.hung = true;
            k_.halt_machine("CPU#" + std::to_string(i) + " hung: " + line);
            return;
        }
    }
    k_.engine.schedule(event_, now + thresh / 5);
}

}  // namespace irqlab::kernel
