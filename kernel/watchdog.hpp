// The lockup detectors (kernel/watchdog.c), checked from outside the CPUs.
//
// A CPU that has not passed through the scheduler for the soft-lockup threshold (20 s by
// default) gets "watchdog: BUG: soft lockup - CPU#N stuck for Ns!". A busy CPU whose
// timer interrupts stopped coming for half that (watchdog_thresh: it has interrupts
// disabled) gets the hard-lockup message, which is what Linux's NMI detector checks
// (hrtimer_interrupts not advancing). Linux checks from a per-CPU hrtimer and an NMI;
// irqlab checks every threshold/5 from the engine, which sees the same facts. A CPU found spinning on a wait that can never end is
// declared hung and the run stops.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/event.hpp"

namespace irqlab::kernel {

class Kernel;

class Watchdog {
public:
    explicit Watchdog(Kernel& k);
    void start();

private:
    void check();

    Kernel& k_;
    sim::MemberEvent<&Watchdog::check> event_;
    struct PerCpu {
        sim::Time reported = 0;         // when its last report went out
        std::uint64_t timer_irqs = 0;   // LOC count at the last look
        sim::Time timer_irqs_seen = 0;  // when that count last moved
    };
    std::vector<PerCpu> cpus_;
};

}  // namespace irqlab::kernel
