// Interrupt entry and exit on x86: what happens between the CPU taking a vector and the
// iret (arch/x86/kernel/irq.c, kernel/softirq.c irq_enter/irq_exit, kernel/entry/common.c).
#pragma once

namespace irqlab::kernel {
class Cpu;
}

namespace irqlab::kernel::x86 {

// A handler for one vector on one CPU (a device's irq_desc, or a system vector).
using VectorHandler = void (*)(Cpu& cpu, int vector, void* ctx);

void set_vector_handler(Cpu& cpu, int vector, VectorHandler handler, void* ctx);
void clear_vector_handler(Cpu& cpu, int vector);
// A vector given back while an interrupt on it may still be in flight.
void set_vector_shutdown(Cpu& cpu, int vector);

// Takes `vector` on `cpu` (its IF is set and the LAPIC lets it through): entry cost,
// irq_enter, the vector's handler, irq_exit (softirqs), exit cost, and the preemption check
// on return. The CPU may be a different one when this returns (the task was preempted and
// migrated); IF is set again as iret leaves.
void common_interrupt(Cpu& cpu, int vector);

void irq_enter(Cpu& cpu);
void irq_exit(Cpu& cpu);

}  // namespace irqlab::kernel::x86
