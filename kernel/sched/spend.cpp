#include "kernel/sched/spend.hpp"

#include "kernel/arch/x86/entry.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

void take_pending_interrupts() {
    Kernel& k = Kernel::get();
    for (;;) {
        Cpu& cpu = k.this_cpu();
        if (!cpu.irqs_on) return;
        int vector = cpu.lapic.deliverable();
        if (vector < 0) return;
        x86::common_interrupt(cpu, vector);  // returns with IF set again (iret)
    }
}

void spend(Cost c) { spend(Kernel::get().config.costs[c]); }

namespace {
// spend() when an interrupt is due first or someone else's event falls inside the spend.
[[gnu::noinline]] void spend_slow(Kernel& k, sim::Time d) {
    sim::Time remaining = d;
    for (;;) {
        Cpu* cpu = &k.this_cpu();
        if (cpu->irqs_on && cpu->lapic.deliverable() >= 0) {
            take_pending_interrupts();
            cpu = &k.this_cpu();
        }
        if (remaining <= 0) return;
        sim::Time start = k.now();
        sim::Time end = start + remaining;
        CpuTime cls = cpu->current_time_class();
        if (k.engine.can_advance_to(end)) {
            k.engine.advance_to(end);
            cpu->account(cls, start, end);
            return;
        }
        cpu->wait(Cpu::Wait::Spend, end, cls);
        remaining = end - k.now();
    }
}
}  // namespace

void spend(sim::Time d) {
    Kernel& k = Kernel::get();
    Cpu& cpu = k.this_cpu();
    if (cpu.irqs_on && cpu.lapic.deliverable() >= 0) return spend_slow(k, d);
    if (d <= 0) return;
    // Nothing else is due before the end, so no one can observe the jump: no wait at all.
    sim::Time start = k.now();
    sim::Time end = start + d;
    if (!k.engine.can_advance_to(end)) return spend_slow(k, d);
    k.engine.advance_to(end);
    cpu.account(cpu.current_time_class(), start, end);
}

namespace {
// Marks the CPU as spinning for the watchdog, for as long as the spin lasts.
class SpinMark {
public:
    explicit SpinMark(Cpu& c) : cpu_(c) { ++cpu_.spin_depth; }
    SpinMark(const SpinMark&) = delete;
    ~SpinMark() { --cpu_.spin_depth; }

private:
    Cpu& cpu_;  // a spinning task is atomic, so it does not migrate meanwhile
};
}  // namespace

bool spin_until(const std::function<bool()>& done, sim::Time deadline) {
    Kernel& k = Kernel::get();
    if (done()) return true;
    SpinMark mark(k.this_cpu());
    for (;;) {
        if (done()) return true;
        Cpu* cpu = &k.this_cpu();
        if (cpu->irqs_on && cpu->lapic.deliverable() >= 0) {
            take_pending_interrupts();
            continue;
        }
        if (k.now() >= deadline) return false;
        CpuTime cls = cpu->current_time_class();
        cpu->wait(Cpu::Wait::Spin, deadline, cls);
        while (cpu->hung) {
            // The watchdog gave up on this CPU: park the task for good (the run is ending).
            cpu->wait(Cpu::Wait::Spin, sim::kNever, cls);
        }
    }
}

void halt() {
    Kernel& k = Kernel::get();
    Cpu& cpu = k.this_cpu();
    cpu.irqs_on = true;  // sti
    // A kick (need_resched set from outside) also ends the halt.
    if (cpu.lapic.deliverable() < 0 && !cpu.need_resched) cpu.wait(Cpu::Wait::Halt, sim::kNever, CpuTime::Idle);
    take_pending_interrupts();
}

}  // namespace irqlab::kernel
