// How code on a CPU lets simulated time pass (DESIGN.md "Rules of the model").
//
// All three are called on the running task's fiber. Interrupts land in them while
// EFLAGS.IF is set; the handler runs nested on the same fiber and the wait then goes on.
// A task may be preempted (and migrate) inside any of them, so they look up the CPU afresh
// after every interruption.
#pragma once

#include <functional>

#include "kernel/cost_model.hpp"
#include "sim/time.hpp"

namespace irqlab::kernel {

// Busy for `d`: explicit delays, handler costs, the cost model.
void spend(sim::Time d);
void spend(Cost c);
// Busy until `done()` holds (a lock being handed over, a flag), or until `deadline`. The
// thing waited on pokes the CPU (Cpu::poke) when it may have changed; every re-check costs
// time, so nothing spins in zero time. Returns done().
bool spin_until(const std::function<bool()>& done, sim::Time deadline = sim::kNever);
// sti; hlt: idle until an interrupt, handle it, return.
void halt();
// Takes every deliverable interrupt now (a point that re-enabled interrupts).
void take_pending_interrupts();

}  // namespace irqlab::kernel
