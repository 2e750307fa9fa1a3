// IRQ descriptors (include/linux/irqdesc.h, kernel/irq/internals.h): what Linux keeps per
// interrupt, under Linux's names.
#pragma once

#include <linux/irq.h>
#include <linux/mutex.h>
#include <linux/spinlock_types.h>
#include <linux/wait.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace irqlab::kernel {

class Kernel;
struct Task;
struct IrqDesc;

// desc->istate (kernel/irq/internals.h).
enum : unsigned {
    IRQS_AUTODETECT = 0x00000001,
    IRQS_SPURIOUS_DISABLED = 0x00000002,
    IRQS_POLL_INPROGRESS = 0x00000008,
    IRQS_ONESHOT = 0x00000020,
    IRQS_REPLAY = 0x00000040,
    IRQS_WAITING = 0x00000080,
    IRQS_PENDING = 0x00000200,
    IRQS_SUSPENDED = 0x00000800,
};

// irq_data state (IRQD_*, include/linux/irq.h): the bits irqlab uses, at Linux's values.
enum : unsigned {
    IRQD_TRIGGER_MASK = 0xf,
    IRQD_SETAFFINITY_PENDING = 1u << 8,
    IRQD_ACTIVATED = 1u << 9,
    IRQD_AFFINITY_SET = 1u << 12,
    IRQD_LEVEL = 1u << 13,
    IRQD_IRQ_DISABLED = 1u << 16,
    IRQD_IRQ_MASKED = 1u << 17,
    IRQD_IRQ_INPROGRESS = 1u << 18,
    IRQD_IRQ_STARTED = 1u << 22,
    IRQD_DEFAULT_TRIGGER_SET = 1u << 25,
};

// action->thread_flags bits (enum order of kernel/irq/internals.h).
enum : unsigned { IRQTF_RUNTHREAD, IRQTF_WARNED, IRQTF_AFFINITY, IRQTF_FORCED_THREAD, IRQTF_READY, IRQTF_EXIT_WORK };

// irq_chip flags (include/linux/irq.h).
enum : unsigned {
    IRQCHIP_SET_TYPE_MASKED = 1u << 0,
    IRQCHIP_EOI_IF_HANDLED = 1u << 1,
    IRQCHIP_SKIP_SET_WAKE = 1u << 4,
    IRQCHIP_ONESHOT_SAFE = 1u << 5,
    IRQCHIP_EOI_THREADED = 1u << 6,
    IRQCHIP_AFFINITY_PRE_STARTUP = 1u << 10,
};

using irq_handler_fn = irqreturn_t (*)(int, void*);

struct IrqAction {
    irq_handler_fn handler = nullptr;
    void* dev_id = nullptr;
    IrqAction* next = nullptr;
    irq_handler_fn thread_fn = nullptr;
    Task* thread = nullptr;
    IrqAction* secondary = nullptr;  // forced threading: the original thread_fn's action
    unsigned irq = 0;
    unsigned long flags = 0;
    unsigned long thread_flags = 0;
    unsigned long thread_mask = 0;
    const char* name = nullptr;
    const void* owner = nullptr;  // the struct device of devm_request_*, for devm_free_irq
    sim::Time woken_at = 0;       // when the thread was last woken (its latency)
};

// The operations an interrupt controller offers for one line (struct irq_chip).
struct IrqChip {
    const char* name;
    void (*irq_mask)(IrqDesc&);
    void (*irq_unmask)(IrqDesc&);
    void (*irq_ack)(IrqDesc&);
    void (*irq_eoi)(IrqDesc&);
    int (*irq_retrigger)(IrqDesc&);
    // Programs the hardware for the descriptor's (new) vector and CPU.
    void (*irq_write_route)(IrqDesc&);
    unsigned flags;
};

struct IrqDesc {
    unsigned irq = 0;
    struct irq_data irq_data {};      // what irq_get_irq_data() hands drivers
    unsigned state = 0;               // IRQD_* (the low 4 bits: the trigger type once set)
    unsigned istate = 0;              // IRQS_*
    unsigned settings = 0;            // IRQ_NOREQUEST, IRQ_DISABLE_UNLAZY, ...
    void (*handle_irq)(IrqDesc&) = nullptr;
    const char* name = nullptr;       // the flow's name for /proc: "edge", "fasteoi"
    const IrqChip* chip = nullptr;
    std::string chip_name;            // /proc/interrupts' column ("IO-APIC", "PCI-MSI-...")
    unsigned long hwirq = 0;
    IrqAction* action = nullptr;
    unsigned depth = 1;               // disabled until the first request starts it
    std::vector<std::uint64_t> kstat; // per CPU
    std::uint64_t tot_count = 0;
    unsigned irq_count = 0;
    unsigned long last_unhandled = 0;
    unsigned irqs_unhandled = 0;
    unsigned threads_handled = 0;
    unsigned threads_handled_last = 0;
    unsigned long threads_oneshot = 0;
    int threads_active = 0;
    struct wait_queue_head wait_for_threads {};
    struct mutex request_mutex {};
    raw_spinlock_t lock {};
    struct cpumask affinity {};       // irq_common_data.affinity
    struct cpumask pending_mask {};   // an affinity change waiting for the next interrupt
    int effective_cpu = -1;           // the CPU its vector lives on (effective affinity)
    int vector = 0;                   // 0: not activated
    // Where it comes from: an IO-APIC pin, or MSI slot `msi_index` of a device.
    int pin = -1;
    struct MsiSource* msi = nullptr;
    // A vector still in use on the CPU it left (affinity change), dropped at the first
    // interrupt on the new one (irq_complete_move()).
    int move_cpu = -1;
    int move_vector = 0;

    unsigned trigger_type() const { return state & IRQD_TRIGGER_MASK; }
    bool level() const { return state & IRQD_LEVEL; }
    bool disabled() const { return state & IRQD_IRQ_DISABLED; }
    bool masked() const { return state & IRQD_IRQ_MASKED; }
    bool inprogress() const { return state & IRQD_IRQ_INPROGRESS; }
};

// An MSI-capable device slot the kernel programs (the address/data registers).
struct MsiSource {
    std::string device;     // "0000:00:04.0"
    int index = 0;          // message number
    void (*write_msg)(void* ctx, std::uint64_t address, std::uint32_t data, bool enabled) = nullptr;
    void* ctx = nullptr;
};

}  // namespace irqlab::kernel
