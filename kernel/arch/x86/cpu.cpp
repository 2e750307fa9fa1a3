#include "kernel/arch/x86/cpu.hpp"

#include <linux/preempt.h>

#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

const char* cpu_time_name(CpuTime t) {
    switch (t) {
        case CpuTime::User: return "user";
        case CpuTime::System: return "system";
        case CpuTime::Idle: return "idle";
        case CpuTime::Irq: return "irq";
        case CpuTime::Softirq: return "softirq";
        case CpuTime::count_: break;
    }
    return "?";
}

Cpu::Cpu(Kernel& k, int i) : kernel(k), id(i), lapic(*this), resume_(*this), message_event_(*this) {}

CpuTime Cpu::current_time_class() const {
    if ((preempt_count & HARDIRQ_MASK) || in_irq_path) return CpuTime::Irq;
    if (preempt_count & SOFTIRQ_OFFSET) return CpuTime::Softirq;
    if (curr && curr->in_user) return CpuTime::User;
    if (curr && curr->is_idle()) return CpuTime::Idle;
    return CpuTime::System;
}

void Cpu::account(CpuTime c, sim::Time from, sim::Time to) {
    sim::Time d = to - from;
    if (d <= 0) return;
    time[static_cast<int>(c)] += d;
    if (!curr) return;
    if (c == CpuTime::User)
        curr->ts.utime += static_cast<u64>(d);
    else if (c == CpuTime::System)
        curr->ts.stime += static_cast<u64>(d);
}

void Cpu::interrupt_pending() {
    if (wait_ == Wait::None || !irqs_on) return;  // running code sees it at its next delivery point
    sim::Time now = kernel.now();
    if (!resume_.scheduled() || resume_.when() > now) kernel.engine.reschedule(resume_, now);
}

void Cpu::kick() {
    if (wait_ != Wait::Halt) return;
    sim::Time now = kernel.now();
    if (!resume_.scheduled() || resume_.when() > now) kernel.engine.reschedule(resume_, now);
}

void Cpu::poke(sim::Time delay) {
    if (wait_ != Wait::Spin) return;
    sim::Time at = kernel.now() + (delay > 0 ? delay : 1);  // a re-check is never free
    if (!resume_.scheduled() || resume_.when() > at) kernel.engine.reschedule(resume_, at);
}

void Cpu::wait(Wait why, sim::Time until, CpuTime cls) {
    wait_ = why;
    wait_start_ = kernel.now();
    wait_class_ = cls;
    if (until != sim::kNever)
        kernel.engine.reschedule(resume_, until);
    else
        kernel.engine.deschedule(resume_);
    Task* self = kernel.running();
    kernel.set_running(nullptr);
    if (why == Wait::Spin) ++kernel.cpus_spinning;
    kernel.sim.await();
    if (why == Wait::Spin) --kernel.cpus_spinning;
    kernel.set_running(self);
    wait_ = Wait::None;
    account(cls, wait_start_, kernel.now());
}

void Cpu::flush_accounting() {
    if (wait_ == Wait::None) return;
    account(wait_class_, wait_start_, kernel.now());
    wait_start_ = kernel.now();
}

sim::Fiber* Cpu::ResumeEvent::handoff() {
    cpu_.kernel.set_running(cpu_.curr);
    return cpu_.curr->fiber.get();
}

void Cpu::ResumeEvent::process() {
    sim::Fiber::switch_to(*handoff());
    cpu_.kernel.set_running(nullptr);
}

std::string Cpu::ResumeEvent::describe() const {
    const char* what = cpu_.wait_ == Wait::Spend  ? "spend ends"
                       : cpu_.wait_ == Wait::Spin ? "spinner re-checks"
                       : cpu_.wait_ == Wait::Halt ? "wakes from hlt"
                                                  : "resumes";
    return "cpu" + std::to_string(cpu_.id) + ": " + what + " (" +
           (cpu_.curr ? cpu_.curr->comm() : "?") + ")";
}

}  // namespace irqlab::kernel

namespace irqlab::kernel {

void Cpu::start() { kernel.engine.schedule(resume_, kernel.now()); }

void Cpu::apic_message(int vector, bool level, sim::Time at, std::uint64_t cause) {
    // A message with no latency and none ahead of it arrives now: the local APIC takes it in
    // place rather than through an event at the same instant (no line needs to settle first).
    if (at <= kernel.now() && messages_.empty()) {
        lapic.accept_message(vector, level, cause, kernel.now());
        return;
    }
    auto it = messages_.end();
    while (it != messages_.begin() && std::prev(it)->at > at) --it;  // keep arrival order
    messages_.insert(it, Message{at, vector, level, cause, kernel.now()});
    if (!message_event_.scheduled() || message_event_.when() > messages_.front().at)
        kernel.engine.reschedule(message_event_, messages_.front().at);
}

void Cpu::MessageEvent::process() {
    sim::Time now = cpu_.kernel.now();
    while (!cpu_.messages_.empty() && cpu_.messages_.front().at <= now) {
        Message m = cpu_.messages_.front();
        cpu_.messages_.erase(cpu_.messages_.begin());
        cpu_.lapic.accept_message(m.vector, m.level, m.cause, m.sent);
    }
    if (!cpu_.messages_.empty()) cpu_.kernel.engine.schedule(*this, cpu_.messages_.front().at);
}

}  // namespace irqlab::kernel
