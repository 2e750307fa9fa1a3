// x86's part of the interrupt statistics (arch/x86/kernel/irq.c): the per-CPU counters of
// the system vectors, shown in /proc/interrupts after the device lines and summed into
// /proc/stat's intr line.
#pragma once

#include <cstdint>
#include <string>

namespace irqlab::kernel {
class Kernel;
class Cpu;
}  // namespace irqlab::kernel

namespace irqlab::kernel::x86 {

// arch_show_interrupts(): the NMI, LOC, SPU, ... rows, `prec` wide as the IRQ column.
std::string arch_show_interrupts(Kernel& k, int prec);
// arch_irq_stat_cpu() and arch_irq_stat(): what /proc/stat's intr total adds.
std::uint64_t arch_irq_stat_cpu(Cpu& cpu);
std::uint64_t arch_irq_stat(Kernel& k);

}  // namespace irqlab::kernel::x86
