// Everything the stepper's inspection commands print about a paused machine, as one text
// (tests compare two states by it).
#pragma once

#include <ostream>

#include "kernel/kernel.hpp"
#include "tools/step/inspect.hpp"

namespace irqlab::test {

inline void inspect_everything(std::ostream& o, kernel::Kernel& k, scenario::World& world) {
    step::info_cpus(o, k);
    for (int c = 0; c < k.nr_cpus(); ++c) {
        step::backtrace(o, k, c);
        step::info_lapic(o, k, c);
    }
    step::info_irqs(o, k);
    step::info_ioapic(o, k);
    step::info_softirqs(o, k);
    step::info_tasklets(o, k);
    step::info_workqueues(o, k);
    step::info_napi(o, k);
    step::info_devices(o, world);
    step::info_tasks(o, k);
}

}  // namespace irqlab::test
