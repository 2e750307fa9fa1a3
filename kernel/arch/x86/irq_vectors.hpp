// x86 vector numbers (arch/x86/include/asm/irq_vectors.h, 6.12).
#pragma once

namespace irqlab::kernel::x86 {

inline constexpr int NMI_VECTOR = 0x02;
inline constexpr int FIRST_EXTERNAL_VECTOR = 0x20;
inline constexpr int ISA_IRQ_VECTOR_BASE = 0x30;  // ISA_IRQ_VECTOR(irq) = 0x30 + irq
inline constexpr int IA32_SYSCALL_VECTOR = 0x80;
inline constexpr int FIRST_SYSTEM_VECTOR = 0xeb;  // POSTED_MSI_NOTIFICATION_VECTOR
inline constexpr int LOCAL_TIMER_VECTOR = 0xec;
inline constexpr int IRQ_WORK_VECTOR = 0xf6;
inline constexpr int CALL_FUNCTION_SINGLE_VECTOR = 0xfb;
inline constexpr int CALL_FUNCTION_VECTOR = 0xfc;
inline constexpr int RESCHEDULE_VECTOR = 0xfd;
inline constexpr int ERROR_APIC_VECTOR = 0xfe;
inline constexpr int SPURIOUS_APIC_VECTOR = 0xff;
inline constexpr int NR_VECTORS = 256;

constexpr int isa_irq_vector(int irq) { return ISA_IRQ_VECTOR_BASE + irq; }

}  // namespace irqlab::kernel::x86
