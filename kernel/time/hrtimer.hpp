// High-resolution timers on a CPU (kernel/time/hrtimer.c, simplified): they share the
// local APIC timer with the tick, which is programmed to the earliest hard expiry; each
// local timer interrupt expires every timer whose soft expiry has passed, in hardirq
// context. Sleeping tasks use one for their timeout (usleep_range, schedule(deadline)).
#pragma once

#include "kernel/arch/x86/cpu.hpp"

namespace irqlab::kernel {

struct Task;

// Arms `t` on `cpu` to fire between `soft` and `hard` (hard >= soft).
void hrtimer_start(Cpu& cpu, HrTimer& t, sim::Time soft, sim::Time hard);
// Returns true if it was armed.
bool hrtimer_cancel(HrTimer& t);
// In the local timer interrupt: runs the expired timers of `cpu`.
void hrtimer_run_expired(Cpu& cpu);
// Programs the local APIC timer to min(next tick, earliest hrtimer).
void hrtimer_reprogram(Cpu& cpu);

// The wakeup timer of a task going to sleep on its current CPU.
void hrtimer_start_sleep(Task& t, sim::Time soft, sim::Time hard);
void hrtimer_cancel_sleep(Task& t);

// decode_hrtimer_mode() of the hrtimer_start trace event (hrtimer_api.cpp).
const char* hrtimer_mode_name(std::int64_t mode);

}  // namespace irqlab::kernel
