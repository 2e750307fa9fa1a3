// The local APIC of one CPU (Intel SDM vol. 3A, "Advanced Programmable Interrupt
// Controller"; register names from arch/x86/include/asm/apicdef.h).
//
// IRR holds accepted vectors not yet delivered (one bit per vector, so a second edge of a
// vector already pending merges into it); ISR holds vectors in service. The priority class
// is vector >> 4: the highest IRR vector is deliverable when its class beats both the task
// priority (TPR, 0 under Linux) and the class of the highest vector in service, and the
// CPU has interrupts enabled (the CPU checks that part). EOI retires the highest ISR bit.
#pragma once

#include <cstdint>
#include <functional>

#include "sim/event.hpp"

namespace irqlab::kernel {

class Cpu;

class Lapic {
public:
    explicit Lapic(Cpu& cpu);

    // A message arrives (fixed delivery): sets the IRR bit, records the cause for the trace
    // and level mode for EOI broadcasting. Returns false if the vector was already pending.
    bool accept_message(int vector, bool level, std::uint64_t cause, sim::Time origin = -1);
    // The highest pending vector the CPU may take now (ignoring EFLAGS.IF), or -1. Kept up
    // to date by every change of IRR, ISR and TPR: the CPU asks at every delivery point.
    int deliverable() const { return deliverable_; }
    // IRR -> ISR for `vector`; returns the cause recorded when it arrived.
    std::uint64_t start_service(int vector);
    // When the pending `vector` was raised at its source (the line, the MSI write).
    sim::Time origin(int vector) const { return origin_[vector]; }
    // EOI: clears the highest ISR bit. Returns it, or -1 if nothing was in service.
    int eoi();

    bool irr_test(int v) const { return test(irr_, v); }
    bool isr_test(int v) const { return test(isr_, v); }
    bool tmr_test(int v) const { return test(tmr_, v); }
    int highest_isr() const { return highest(isr_); }
    int highest_irr() const { return highest(irr_); }
    std::uint32_t tpr() const { return tpr_; }
    void set_tpr(std::uint32_t tpr);

    // Called with the vector when an EOI retires a level-triggered vector (the broadcast
    // EOI that clears an IO-APIC's Remote IRR).
    std::function<void(int vector)> on_level_eoi;

    // Counters shown in /proc/interrupts.
    std::uint64_t loc_count = 0;  // LOC: local timer interrupts
    std::uint64_t res_count = 0;  // RES: rescheduling interrupts
    std::uint64_t cal_count = 0;  // CAL: function call interrupts
    std::uint64_t spu_count = 0;  // SPU: spurious interrupts

    // The local timer, programmed in one-shot mode to the next tick (or the next timer
    // when the tick is stopped in idle).
    void program_timer(sim::Time when);
    void cancel_timer();
    sim::Time timer_deadline() const;

private:
    using Bits = std::uint64_t[4];
    static bool test(const Bits& b, int v) { return (b[v >> 6] >> (v & 63)) & 1; }
    static void set(Bits& b, int v) { b[v >> 6] |= std::uint64_t{1} << (v & 63); }
    static void clear(Bits& b, int v) { b[v >> 6] &= ~(std::uint64_t{1} << (v & 63)); }
    static int highest(const Bits& b) {
        if (b[3]) return 255 - __builtin_clzll(b[3]);
        if (b[2]) return 191 - __builtin_clzll(b[2]);
        if (b[1]) return 127 - __builtin_clzll(b[1]);
        return b[0] ? 63 - __builtin_clzll(b[0]) : -1;
    }
    void timer_fired();
    void update_deliverable();

    Cpu& cpu_;
    int deliverable_ = -1;
    std::uint32_t tpr_ = 0;
    Bits irr_ = {};
    Bits isr_ = {};
    Bits tmr_ = {};
    std::uint64_t cause_[256] = {};
    sim::Time origin_[256] = {};
    sim::MemberEvent<&Lapic::timer_fired> timer_;
};

}  // namespace irqlab::kernel
