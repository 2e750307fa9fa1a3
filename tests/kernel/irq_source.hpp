// A test-only interrupt source: a vector on a CPU whose handler records when and in what
// context it ran, and spends a given time. Fired from the engine, as a device would.
#pragma once

#include <linux/interrupt.h>

#include <vector>

#include "kernel/arch/x86/entry.hpp"
#include "kernel/sched/spend.hpp"
#include "machine.hpp"

namespace irqlab::test {

struct IrqSeen {
    sim::Time at;
    bool in_hardirq, in_task, irqs_off;
    int cpu;
    std::string interrupted;  // the task whose stack the handler borrowed
};

class TestIrq {
public:
    TestIrq(Machine& m, int cpu, int vector, sim::Time cost) : m_(m), cpu_(cpu), vector_(vector), cost_(cost) {
        kernel::x86::set_vector_handler(m.k.cpu(cpu), vector, &TestIrq::handler, this);
    }
    void fire_at(sim::Time t) {
        m_.at(t, [this] { m_.k.cpu(cpu_).lapic.accept_message(vector_, false, 0); });
    }
    std::vector<IrqSeen> seen;
    std::function<void()> extra;  // more work inside the handler

private:
    static void handler(kernel::Cpu& cpu, int, void* ctx) {
        auto* self = static_cast<TestIrq*>(ctx);
        cpu.lapic.eoi();
        self->seen.push_back({self->m_.now(), in_hardirq() != 0, in_task(), irqs_disabled(), smp_processor_id(),
                              get_current()->comm});
        kernel::spend(self->cost_);
        if (self->extra) self->extra();
    }
    Machine& m_;
    int cpu_, vector_;
    sim::Time cost_;
};

}  // namespace irqlab::test
