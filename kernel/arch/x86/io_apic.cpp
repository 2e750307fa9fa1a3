#include "kernel/arch/x86/io_apic.hpp"

#include "kernel/kernel.hpp"

namespace irqlab::kernel {

IoApic::IoApic(Kernel& k) : k_(k) {}

void IoApic::set_input(int pin, bool asserted, std::uint64_t cause) {
    auto p = static_cast<std::size_t>(pin);
    bool was = input_[p];
    input_[p] = asserted;
    if (asserted) cause_[p] = cause;
    Entry& e = rte_[p];
    if (e.level) {
        service(pin);
    } else if (asserted && !was && !e.masked) {
        send(pin);  // a rising edge
    }
}

void IoApic::pulse_input(int pin, std::uint64_t cause) {
    auto p = static_cast<std::size_t>(pin);
    cause_[p] = cause;
    if (rte_[p].level) {
        // A pulse on a level pin: seen only if it lands while the pin may send.
        input_[p] = true;
        service(pin);
        input_[p] = false;
    } else if (!rte_[p].masked) {
        send(pin);
    }
}

void IoApic::program(int pin, const Entry& e) {
    auto p = static_cast<std::size_t>(pin);
    bool irr = rte_[p].remote_irr;
    rte_[p] = e;
    rte_[p].remote_irr = irr && e.level;
    service(pin);
}

void IoApic::set_mask(int pin, bool masked) {
    rte_[static_cast<std::size_t>(pin)].masked = masked;
    if (!masked) service(pin);  // a level line still asserted is sent at once
}

void IoApic::eoi(int vector) {
    for (int pin = 0; pin < kPins; ++pin) {
        Entry& e = rte_[static_cast<std::size_t>(pin)];
        if (e.level && e.remote_irr && e.vector == vector) {
            e.remote_irr = false;
            service(pin);
        }
    }
}

void IoApic::eoi_pin(int pin) {
    Entry& e = rte_[static_cast<std::size_t>(pin)];
    if (!e.remote_irr) return;
    e.remote_irr = false;
    service(pin);
}

void IoApic::service(int pin) {
    auto p = static_cast<std::size_t>(pin);
    Entry& e = rte_[p];
    if (e.level && input_[p] && !e.masked && !e.remote_irr) {
        e.remote_irr = true;
        send(pin);
    }
}

void IoApic::send(int pin) {
    auto p = static_cast<std::size_t>(pin);
    const Entry& e = rte_[p];
    sent_[p]++;
    std::uint64_t cause = cause_[p];
    if (k_.tracing()) {
        sim::TraceRecord r;
        r.cpu = e.dest;
        r.arg[0] = pin;
        r.arg[1] = e.vector;
        r.arg[2] = e.dest;
        r.cause = cause;
        cause = k_.emit(trace::Ev::irqlab_ioapic_send, r);
    }
    if (e.dest < k_.nr_cpus())
        k_.cpu(e.dest).apic_message(e.vector, e.level, k_.now() + k_.config.costs[Cost::apic_delivery], cause);
}

}  // namespace irqlab::kernel
