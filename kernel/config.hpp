// The simulated machine and kernel configuration: one table, every value settable from
// the scenario (machine section). The defaults are DESIGN.md's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "kernel/cost_model.hpp"
#include "sim/time.hpp"

namespace irqlab::kernel {

enum class PreemptModel { None, Voluntary, Full };

const char* preempt_model_name(PreemptModel m);

struct Config {
    int cpus = 1;                               // 1..256
    unsigned hz = 250;                          // CONFIG_HZ: 100, 250, 300 or 1000
    PreemptModel preempt = PreemptModel::Full;  // user mode is preemptible in all three
    bool nohz_idle = true;                      // idle CPUs stop their tick
    bool threadirqs = false;                    // force-threaded interrupt handlers
    bool irqpoll = false;                       // poll other handlers on spurious interrupts
    bool irqfixup = false;                      // poll them when an interrupt was unhandled
    std::map<int, bool> irq_level;              // IO-APIC trigger overrides: irq -> level?
    sim::Time softlockup_thresh = 20 * sim::kNsPerSec;  // watchdog_thresh * 2
    std::size_t stack_size = 0;                 // fiber stack; 0 = the default
    sim::Time sched_base_slice = 750'000;       // sysctl_sched_base_slice (6.12: 0.75 ms)
    std::uint64_t boot_epoch = 1735689600;      // the wall clock at boot (/proc/stat btime): 2025-01-01 UTC
    CostModel costs;
};

}  // namespace irqlab::kernel
