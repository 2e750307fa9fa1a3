// IRQ descriptors and their controllers: the IO-APIC lines of a PC, MSI, and the x86
// vector space (kernel/irq/irqdesc.c, arch/x86/kernel/apic/io_apic.c, vector.c, msi.c).
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/timer.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <algorithm>
#include <bitset>

#include "kernel/arch/x86/entry.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/arch/x86/irq_vectors.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {

struct lock_class_key desc_lock_key, desc_mutex_key, desc_wait_key;

Irqs& irqs_of() { return Kernel::get().irqs(); }

// --- the local APIC side, shared by both chips (x86_vector_domain) -------------------------

// irq_complete_move(): the first interrupt on the new vector retires the old one.
void irq_complete_move(IrqDesc& desc) {
    if (desc.move_cpu < 0) return;
    Cpu& cpu = Kernel::get().this_cpu();
    if (cpu.id != desc.effective_cpu) return;  // still arriving on the old vector
    irqs_of().release_old_vector(desc);
}

// irq_move_irq(): an affinity change waits for an interrupt, and happens in its ack with
// the line masked (no IRQD_MOVE_PCNTXT on a non-remapped IO-APIC or MSI).
void irq_move_masked_irq(IrqDesc& desc) {
    if (!(desc.state & IRQD_SETAFFINITY_PENDING)) return;
    desc.state &= ~IRQD_SETAFFINITY_PENDING;
    irqs_of().move_now(desc, desc.pending_mask);
    cpumask_clear(&desc.pending_mask);
}

void irq_move_irq(IrqDesc& desc) {
    if (!(desc.state & IRQD_SETAFFINITY_PENDING)) return;
    bool masked = desc.masked();
    if (!masked) desc.chip->irq_mask(desc);
    irq_move_masked_irq(desc);
    if (!masked) desc.chip->irq_unmask(desc);
}

// apic_ack_edge(): complete a move, move if asked, EOI, before the handlers run.
void apic_ack_edge(IrqDesc& desc) {
    irq_complete_move(desc);
    irq_move_irq(desc);
    Kernel::get().this_cpu().lapic.eoi();
}

// apic_retrigger_irq(): a self-IPI of the vector on its CPU.
int apic_retrigger_irq(IrqDesc& desc) {
    Kernel& k = Kernel::get();
    if (desc.effective_cpu < 0) return 0;
    k.cpu(desc.effective_cpu).apic_message(desc.vector, false, k.now() + k.config.costs[Cost::ipi_latency], k.current_cause());
    return 1;
}

// --- IO-APIC (ioapic_chip) ------------------------------------------------------------

// Each RTE write is an index write and a data write; a mask is followed by a read back
// (io_apic_sync()) so it has taken effect before the caller goes on.
void ioapic_access(int writes, int reads) {
    for (int i = 0; i < writes; ++i) spend(Cost::mmio_write);
    for (int i = 0; i < reads; ++i) spend(Cost::mmio_read);
}

void mask_ioapic_irq(IrqDesc& desc) {
    Kernel::get().ioapic().set_mask(desc.pin, true);
    ioapic_access(2, 1);
}

void unmask_ioapic_irq(IrqDesc& desc) {
    Kernel::get().ioapic().set_mask(desc.pin, false);
    ioapic_access(2, 0);
}

// ioapic_ack_level(): the EOI after the handlers. A level vector that arrived as an edge
// (a retrigger IPI) has no TMR bit, so no broadcast EOI reaches the IO-APIC: count it in
// MIS and EOI the pin by hand (eoi_ioapic_pin()).
void ioapic_ack_level(IrqDesc& desc) {
    Kernel& k = Kernel::get();
    irq_complete_move(desc);
    bool moveit = (desc.state & IRQD_SETAFFINITY_PENDING) && !desc.masked();
    if (moveit) desc.chip->irq_mask(desc);
    Lapic& lapic = k.this_cpu().lapic;
    int v = lapic.highest_isr();
    bool level_delivery = v >= 0 && lapic.tmr_test(v);
    lapic.eoi();
    if (!level_delivery) {
        irqs_of().irq_mis_count++;
        k.ioapic().eoi_pin(desc.pin);
    }
    if (desc.state & IRQD_SETAFFINITY_PENDING) {
        irq_move_masked_irq(desc);
        if (moveit) desc.chip->irq_unmask(desc);
    }
}

void ioapic_write_route(IrqDesc& desc) {
    IoApic& io = Kernel::get().ioapic();
    IoApic::Entry e = io.entry(desc.pin);
    e.vector = static_cast<std::uint8_t>(desc.vector);
    e.dest = static_cast<std::uint8_t>(desc.effective_cpu);
    io.program(desc.pin, e);
    ioapic_access(4, 0);  // both halves of the 64-bit entry
}

const IrqChip ioapic_chip = {
    "IO-APIC",          mask_ioapic_irq,   unmask_ioapic_irq, apic_ack_edge, ioapic_ack_level,
    apic_retrigger_irq, ioapic_write_route, IRQCHIP_SKIP_SET_WAKE | IRQCHIP_AFFINITY_PRE_STARTUP,
};

// --- PCI MSI (pci_msi_template + x86's MSI parent) --------------------------------------

void msi_write(IrqDesc& desc, bool masked) {
    MsiSource& m = *desc.msi;
    std::uint64_t address = 0xfee00000ULL | (static_cast<std::uint64_t>(desc.effective_cpu < 0 ? 0 : desc.effective_cpu) << 12);
    if (m.write_msg) m.write_msg(m.ctx, address, static_cast<std::uint32_t>(desc.vector), !masked);
    spend(Cost::mmio_write);
}

void pci_msi_mask_irq(IrqDesc& desc) { msi_write(desc, true); }
void pci_msi_unmask_irq(IrqDesc& desc) { msi_write(desc, false); }
void msi_write_route(IrqDesc& desc) { msi_write(desc, desc.masked()); }

const IrqChip msi_chip = {
    "PCI-MSI",          pci_msi_mask_irq, pci_msi_unmask_irq, apic_ack_edge, nullptr,
    apic_retrigger_irq, msi_write_route,  IRQCHIP_SKIP_SET_WAKE | IRQCHIP_ONESHOT_SAFE,
};

}  // namespace

// --- descriptors -------------------------------------------------------------------------

Irqs::Irqs(Kernel& k) : k_(k), vectors_(static_cast<std::size_t>(k.nr_cpus())) {
    // System vectors never go to devices: IA32_SYSCALL_VECTOR, and the 8259 cascade's
    // ISA vector (lapic_assign_system_vectors()).
    system_.set(x86::IA32_SYSCALL_VECTOR);
    system_.set(static_cast<std::size_t>(x86::isa_irq_vector(2)));
}

Irqs::~Irqs() = default;

IrqDesc* Irqs::desc(unsigned irq) {
    auto it = descs_.find(irq);
    return it == descs_.end() ? nullptr : it->second.get();
}

unsigned Irqs::nr_irqs() const {
    // (gsi_top + nr_legacy_irqs()) + 8 * nr_cpu_ids, plus gsi_top * 16 for MSI; but never
    // more than NR_VECTORS * nr_cpu_ids, the cap arch_probe_nr_irqs() applies first (so a
    // one-CPU machine has 256).
    auto cpus = static_cast<unsigned>(k_.nr_cpus());
    unsigned nr = std::min((24 + 16) + 8 * cpus + 24 * 16, static_cast<unsigned>(x86::NR_VECTORS) * cpus);
    if (!descs_.empty() && descs_.rbegin()->first + 1 > nr) nr = descs_.rbegin()->first + 1;
    return nr;
}

IrqDesc& Irqs::make_desc(unsigned irq) {
    auto d = std::make_unique<IrqDesc>();
    IrqDesc& desc = *d;
    desc.irq = irq;
    desc.irq_data.irq = irq;
    desc.irq_data.__irqlab_desc = &desc;
    desc.kstat.assign(static_cast<std::size_t>(k_.nr_cpus()), 0);
    __raw_spin_lock_init(&desc.lock, "&irq_desc_lock_class", &desc_lock_key);
    __mutex_init(&desc.request_mutex, "&desc->request_mutex", &desc_mutex_key);
    __init_waitqueue_head(&desc.wait_for_threads, "&desc->wait_for_threads", &desc_wait_key);
    // irq_default_affinity: every CPU.
    cpumask_clear(&desc.affinity);
    for (int c = 0; c < k_.nr_cpus(); ++c) cpumask_set_cpu(static_cast<unsigned>(c), &desc.affinity);
    desc.state |= IRQD_IRQ_DISABLED | IRQD_IRQ_MASKED;  // desc_set_defaults()
    descs_[irq] = std::move(d);
    return desc;
}

void Irqs::setup_ioapic(const std::map<int, bool>& level_override) {
    // A PC: ISA IRQs 0-15 edge and active high, PCI pins 16-23 level and active low; the
    // PIT's IRQ 0 arrives on pin 2 (the MADT's interrupt source override), so IRQ 2 (the
    // cascade) has no descriptor.
    for (unsigned irq = 0; irq < static_cast<unsigned>(IoApic::kPins); ++irq) {
        if (irq == 2) continue;
        int pin = irq == 0 ? 2 : static_cast<int>(irq);
        bool level = irq >= 16;
        if (auto it = level_override.find(static_cast<int>(irq)); it != level_override.end()) level = it->second;
        IrqDesc& desc = make_desc(irq);
        desc.chip = &ioapic_chip;
        desc.chip_name = ioapic_chip.name;
        desc.hwirq = static_cast<unsigned long>(pin);
        desc.irq_data.hwirq = desc.hwirq;
        desc.pin = pin;
        // mp_register_handler(): fasteoi for level lines, edge otherwise.
        if (level) {
            desc.state |= IRQD_LEVEL;
            desc.handle_irq = handle_fasteoi_irq;
            desc.name = "fasteoi";
        } else {
            desc.handle_irq = handle_edge_irq;
            desc.name = "edge";
        }
        IoApic::Entry e;
        e.level = level;
        e.active_low = level;
        e.masked = true;
        k_.ioapic().program(pin, e);
    }
}

IrqDesc& Irqs::alloc_msi(MsiSource& src) {
    IrqDesc& desc = make_desc(next_dynamic_++);
    desc.chip = &msi_chip;
    desc.chip_name = "PCI-MSI-" + src.device;
    desc.hwirq = static_cast<unsigned long>(src.index);
    desc.irq_data.hwirq = desc.hwirq;
    desc.msi = &src;
    desc.handle_irq = handle_edge_irq;
    desc.name = "edge";
    return desc;
}

void Irqs::free_msi(IrqDesc& desc) {
    if (desc.vector) release_vector(desc);
    descs_.erase(desc.irq);
}

// --- vectors (arch/x86/kernel/apic/vector.c on kernel/irq/matrix.c) ---------------------

int Irqs::available(int cpu) const {
    const auto& used = vectors_[static_cast<std::size_t>(cpu)];
    int n = 0;
    for (int v = x86::FIRST_EXTERNAL_VECTOR; v < x86::FIRST_SYSTEM_VECTOR; ++v)
        if (!used.test(static_cast<std::size_t>(v)) && !system_.test(static_cast<std::size_t>(v))) ++n;
    return n;
}

// matrix_find_best_cpu() then matrix_alloc_area(): the allowed CPU with the most free
// vectors (the first such), and its lowest free vector from FIRST_EXTERNAL_VECTOR up.
bool Irqs::alloc_vector(const struct cpumask& mask, int& cpu_out, int& vector_out) {
    int best = -1, maxavl = 0;
    for (int c = 0; c < k_.nr_cpus(); ++c) {
        if (!cpumask_test_cpu(c, &mask)) continue;
        int avl = available(c);
        if (avl <= maxavl) continue;
        best = c;
        maxavl = avl;
    }
    if (best < 0) return false;
    auto& used = vectors_[static_cast<std::size_t>(best)];
    for (int v = x86::FIRST_EXTERNAL_VECTOR; v < x86::FIRST_SYSTEM_VECTOR; ++v) {
        auto b = static_cast<std::size_t>(v);
        if (used.test(b) || system_.test(b)) continue;
        used.set(b);
        cpu_out = best;
        vector_out = v;
        return true;
    }
    return false;
}

void Irqs::assign_vector(IrqDesc& desc, const struct cpumask& mask) {
    int cpu = 0, vector = 0;
    if (!alloc_vector(mask, cpu, vector)) return;
    desc.effective_cpu = cpu;
    desc.vector = vector;
    x86::set_vector_handler(k_.cpu(cpu), vector, handle_device_vector, &desc);
    desc.state |= IRQD_ACTIVATED;
}

void Irqs::free_vector(int cpu, int vector) {
    vectors_[static_cast<std::size_t>(cpu)].reset(static_cast<std::size_t>(vector));
    // VECTOR_SHUTDOWN: an interrupt already on its way is dropped quietly.
    x86::set_vector_shutdown(k_.cpu(cpu), vector);
}

void Irqs::release_vector(IrqDesc& desc) {
    if (desc.move_cpu >= 0) release_old_vector(desc);
    if (!desc.vector) return;
    free_vector(desc.effective_cpu, desc.vector);
    desc.vector = 0;
    desc.state &= ~IRQD_ACTIVATED;
}

void Irqs::release_old_vector(IrqDesc& desc) {
    free_vector(desc.move_cpu, desc.move_vector);
    desc.move_cpu = -1;
    desc.move_vector = 0;
}

// irq_do_set_affinity() through the chip: a new vector on a CPU of `mask`, the hardware
// reprogrammed; the old vector stays until the first interrupt on the new one.
int Irqs::move_now(IrqDesc& desc, const struct cpumask& mask) {
    if (desc.effective_cpu >= 0 && cpumask_test_cpu(desc.effective_cpu, &mask)) {
        desc.affinity = mask;  // already on an allowed CPU: nothing moves
        return 0;
    }
    if (desc.move_cpu >= 0) release_old_vector(desc);  // a previous move never completed
    int cpu = 0, vector = 0;
    if (!alloc_vector(mask, cpu, vector)) return -ENOSPC;
    desc.move_cpu = desc.effective_cpu;
    desc.move_vector = desc.vector;
    desc.effective_cpu = cpu;
    desc.vector = vector;
    x86::set_vector_handler(k_.cpu(cpu), vector, handle_device_vector, &desc);
    desc.chip->irq_write_route(desc);
    desc.affinity = mask;
    // irq_set_thread_affinity(): the threads follow at their next wakeup.
    for (IrqAction* a = desc.action; a; a = a->next) {
        if (a->thread) a->thread_flags |= 1UL << IRQTF_AFFINITY;
        if (a->secondary && a->secondary->thread) a->secondary->thread_flags |= 1UL << IRQTF_AFFINITY;
    }
    return 0;
}

// irq_set_affinity_locked(): not activated yet, the mask is only recorded; otherwise the
// move waits for the next interrupt (the pending mask shows in /proc meanwhile).
int Irqs::set_affinity(IrqDesc& desc, const struct cpumask& mask) {
    bool any = false;
    for (int c = 0; c < k_.nr_cpus(); ++c) any = any || cpumask_test_cpu(c, &mask);
    if (!any) return -EINVAL;
    unsigned long flags;
    raw_spin_lock_irqsave(&desc.lock, flags);
    if (!(desc.state & IRQD_ACTIVATED)) {
        desc.affinity = mask;
    } else {
        desc.state |= IRQD_SETAFFINITY_PENDING;
        desc.pending_mask = mask;
    }
    desc.state |= IRQD_AFFINITY_SET;
    raw_spin_unlock_irqrestore(&desc.lock, flags);
    return 0;
}

// irq_startup(): activate (a vector on a CPU of the affinity), program the route, enable.
void Irqs::startup(IrqDesc& desc) {
    desc.depth = 0;
    if (!(desc.state & IRQD_ACTIVATED)) {
        assign_vector(desc, desc.affinity);
        desc.chip->irq_write_route(desc);
    }
    desc.state |= IRQD_IRQ_STARTED;
    irq_enable(desc);
    check_irq_resend(desc, false);
}

// irq_shutdown(): mask, and give the vector back (irq_domain_deactivate_irq()).
void Irqs::shutdown(IrqDesc& desc) {
    desc.state &= ~IRQD_IRQ_STARTED;
    desc.state |= IRQD_IRQ_DISABLED;
    mask_irq(desc);
    desc.depth = 1;
    release_vector(desc);
    desc.state &= ~IRQD_SETAFFINITY_PENDING;
}

// common_interrupt()'s __handle_irq() for a device vector.
void handle_device_vector(Cpu&, int, void* ctx) {
    IrqDesc& desc = *static_cast<IrqDesc*>(ctx);
    desc.handle_irq(desc);
}

}  // namespace irqlab::kernel
