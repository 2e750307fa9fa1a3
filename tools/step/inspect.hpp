// What the stepper prints when the user inspects the paused machine: `info cpus`, `bt`,
// `info irqs`, `info ioapic`, `info lapic`, `info softirqs`, `info tasklets`,
// `info workqueues`, `info napi`, `info devices`, `info tasks`.
//
// The machine may be paused anywhere, in the middle of a handler on some CPU's fiber. These
// functions only read: they change no simulated state and emit no trace record (so a run
// continued after inspecting is the run it would have been). The text is English, uses
// Linux's names for flags and states (IRQD_IRQ_INPROGRESS, TASKLET_STATE_SCHED,
// WORK_STRUCT_PENDING, NAPI_STATE_SCHED, ...) and never prints a host address; everything
// is listed in a stable order, so the same pause prints the same text.
#pragma once

#include <iosfwd>

namespace irqlab::kernel {
class Kernel;
}
namespace irqlab::scenario {
class World;
}

namespace irqlab::step {

// Each CPU: its current task, preempt_count (with its hardirq/softirq/preempt fields),
// interrupts on or off, need_resched, idle or busy, and its context stack on one line.
void info_cpus(std::ostream& out, kernel::Kernel& k);
// `bt CPU`: the CPU's context stack, one line per context, outermost first: the task, then
// the hardirq, softirq, tasklet, work item ... nested on it, each with its kernel frames
// (the same stack the BUG reports print).
void backtrace(std::ostream& out, kernel::Kernel& k, int cpu);
// Every irq_desc in use: chip, hwirq, flow, trigger, vector, depth, IRQD_* and IRQS_*
// state, ONESHOT thread masks, per-CPU counts, and its actions with their threads.
void info_irqs(std::ostream& out, kernel::Kernel& k);
// The IO-APIC's 24 redirection entries, each pin's input line and the IRQ it serves.
void info_ioapic(std::ostream& out, kernel::Kernel& k);
// One CPU's local APIC: the vectors in IRR, ISR and TMR, TPR/PPR, the timer, its counters.
void info_lapic(std::ostream& out, kernel::Kernel& k, int cpu);
// Per CPU: pending softirqs (mask and names), whether one is being served or BH is
// disabled, ksoftirqd's state, and the handler counts of /proc/softirqs.
void info_softirqs(std::ostream& out, kernel::Kernel& k);
// Per CPU: the tasklet being run, the rest of the list tasklet_action took, and the
// tasklet_hi_vec and tasklet_vec lists in order, each tasklet with its function, state
// bits and disable count.
void info_tasklets(std::ostream& out, kernel::Kernel& k);
// Workqueues (flags, max_active, active and inactive items per pool), worker pools with
// their workers (kworker names, idle or busy and on what), and every queued item.
void info_workqueues(std::ostream& out, kernel::Kernel& k);
// Every napi_struct: device, state bits, weight, poll function, which CPU's poll list it
// is on (or being polled), and each CPU's softnet counters.
void info_napi(std::ostream& out, kernel::Kernel& k);
// Every device of the scenario: instance, type, its registers/FIFOs/rings and counters.
void info_devices(std::ostream& out, scenario::World& world);
// Like ps: pid, comm, state, CPU, scheduling class and priority, what it waits in.
void info_tasks(std::ostream& out, kernel::Kernel& k);

}  // namespace irqlab::step
