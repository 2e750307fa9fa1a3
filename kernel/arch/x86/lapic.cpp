#include "kernel/arch/x86/lapic.hpp"

#include <algorithm>

#include "kernel/arch/x86/cpu.hpp"
#include "kernel/arch/x86/irq_vectors.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel {

Lapic::Lapic(Cpu& cpu) : cpu_(cpu), timer_(this, "lapic: local timer fires", sim::Priority::Delivery) {}

bool Lapic::accept_message(int vector, bool level, std::uint64_t cause, sim::Time origin) {
    bool was_pending = test(irr_, vector);
    set(irr_, vector);
    if (level)
        set(tmr_, vector);
    else
        clear(tmr_, vector);
    if (!was_pending) {
        cause_[vector] = cause;
        origin_[vector] = origin >= 0 ? origin : cpu_.kernel.now();
    }
    Kernel& k = cpu_.kernel;
    if (k.tracing()) {
        sim::TraceRecord r;
        r.cpu = cpu_.id;
        r.arg[0] = vector;
        r.arg[1] = was_pending ? 0 : 1;
        r.cause = cause;
        k.emit(trace::Ev::irqlab_lapic_irr, r);
        if (!was_pending) cause_[vector] = r.seq;
    }
    update_deliverable();
    if (deliverable_ >= 0) cpu_.interrupt_pending();
    return !was_pending;
}

void Lapic::update_deliverable() {
    int v = highest(irr_);
    int isr = highest(isr_);
    int ppr_class = std::max<int>(static_cast<int>(tpr_ >> 4), isr < 0 ? 0 : isr >> 4);
    deliverable_ = v >= 0 && (v >> 4) > ppr_class ? v : -1;
}

void Lapic::set_tpr(std::uint32_t tpr) {
    tpr_ = tpr;
    update_deliverable();
    if (deliverable_ >= 0) cpu_.interrupt_pending();
}

std::uint64_t Lapic::start_service(int vector) {
    clear(irr_, vector);
    // The spurious-interrupt vector is dispensed without setting its ISR bit (SDM vol. 3A,
    // "Spurious Interrupt"), which is why its handler returns without an EOI; setting it
    // would block every vector below 0xff for good.
    if (vector != x86::SPURIOUS_APIC_VECTOR) set(isr_, vector);
    update_deliverable();
    return cause_[vector];
}

int Lapic::eoi() {
    int v = highest(isr_);
    if (v < 0) return -1;
    clear(isr_, v);
    update_deliverable();
    Kernel& k = cpu_.kernel;
    if (k.tracing()) {
        sim::TraceRecord r;
        r.arg[0] = v;
        k.emit(trace::Ev::irqlab_lapic_eoi, r);
    }
    if (test(tmr_, v)) {
        clear(tmr_, v);
        if (on_level_eoi) on_level_eoi(v);
    }
    return v;
}

void Lapic::program_timer(sim::Time when) { cpu_.kernel.engine.reschedule(timer_, when); }
void Lapic::cancel_timer() { cpu_.kernel.engine.deschedule(timer_); }
sim::Time Lapic::timer_deadline() const { return timer_.scheduled() ? timer_.when() : sim::kNever; }

void Lapic::timer_fired() { accept_message(x86::LOCAL_TIMER_VECTOR, false, 0); }

}  // namespace irqlab::kernel
