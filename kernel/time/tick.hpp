// The periodic tick and NO_HZ idle (kernel/time/tick-sched.c, simplified).
//
// Each CPU's tick is an event on its local APIC timer at every multiple of TICK_NSEC
// (ticks of all CPUs are aligned, as with skew_tick=0). An idle CPU stops its tick and
// programs the timer for its next timer_list expiry instead; it restarts the tick when it
// leaves idle. jiffies is read from the clock, so it is exact however many ticks were
// skipped.
#pragma once

#include "sim/time.hpp"

namespace irqlab::kernel {

class Kernel;
class Cpu;

sim::Time tick_nsec(const Kernel& k);  // TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ
unsigned long initial_jiffies(const Kernel& k);
unsigned long jiffies_at(const Kernel& k, sim::Time t);
// When jiffies reaches `j`.
sim::Time jiffies_time(const Kernel& k, unsigned long j);

void tick_start(Cpu& cpu);
// The local timer interrupt: expired hrtimers, then the tick's work if the tick is due.
void tick_handle(Cpu& cpu);
void tick_irq_enter(Cpu& cpu);
void tick_irq_exit(Cpu& cpu);
// The idle loop: stop the tick (program the next timer instead), restart it on exit.
void tick_nohz_idle_stop_tick(Cpu& cpu);
void tick_nohz_idle_restart_tick(Cpu& cpu);
// A timer_list was queued on `cpu`, due at jiffies `bucket`: an idle CPU must wake for it.
void tick_nohz_timer_added(Cpu& cpu, unsigned long bucket);

}  // namespace irqlab::kernel
