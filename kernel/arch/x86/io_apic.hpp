// The IO-APIC (Intel 82093AA; arch/x86/include/asm/io_apic.h for the entry layout): 24
// input pins, each with a redirection entry saying which vector goes to which CPU, how it
// triggers and whether it is masked.
//
//  - edge pin: a rising edge on an unmasked pin sends one message; edges while masked are
//    lost here (Linux compensates only for edges that reached a flow handler);
//  - level pin: while the line is asserted, unmasked and Remote IRR is clear, the IO-APIC
//    sends the vector and sets Remote IRR; the EOI for that vector (broadcast by the local
//    APIC) clears it, and a line still asserted is sent again. That is why a handler that
//    does not clear its device's condition makes an interrupt storm.
//
// Messages reach the target local APIC after a delivery latency (the cost model's
// apic_delivery).
#pragma once

#include <array>
#include <cstdint>
#include <string>


namespace irqlab::kernel {

class Kernel;

class IoApic {
public:
    static constexpr int kPins = 24;

    // One redirection table entry (the fields of struct IO_APIC_route_entry).
    struct Entry {
        std::uint8_t vector = 0;
        // 0 fixed, 1 lowest priority. Linux 6.12 programs fixed mode with a physical
        // destination only (__irq_msi_compose_msg() in apic.c, which IO-APIC entries reuse),
        // so irqlab delivers every entry to `dest` as fixed mode does.
        std::uint8_t delivery_mode = 0;
        bool dest_logical = false;
        bool active_low = false;
        bool remote_irr = false;  // level only: a message is in service
        bool level = false;       // trigger mode
        bool masked = true;
        std::uint8_t dest = 0;    // destination APIC id (= CPU number here)
    };

    explicit IoApic(Kernel& k);

    // The device side: the line's logical state (asserted or not) changed.
    void set_input(int pin, bool asserted, std::uint64_t cause);
    // An edge on an edge-triggered line (assert then deassert at once).
    void pulse_input(int pin, std::uint64_t cause);

    // The kernel side (the irqchip's register writes).
    const Entry& entry(int pin) const { return rte_[static_cast<std::size_t>(pin)]; }
    void program(int pin, const Entry& e);  // write the whole entry (vector, dest, trigger)
    void set_mask(int pin, bool masked);
    // The EOI broadcast for `vector`: clears Remote IRR of the pins using it.
    void eoi(int vector);
    // eoi_ioapic_pin(): an explicit EOI of one pin (a level vector that arrived as an edge).
    void eoi_pin(int pin);

    bool input(int pin) const { return input_[static_cast<std::size_t>(pin)]; }
    std::uint64_t messages_sent(int pin) const { return sent_[static_cast<std::size_t>(pin)]; }

private:
    void service(int pin);  // send if the pin's state calls for it
    void send(int pin);

    Kernel& k_;
    std::array<Entry, kPins> rte_{};
    std::array<bool, kPins> input_{};
    std::array<std::uint64_t, kPins> cause_{};
    std::array<std::uint64_t, kPins> sent_{};
};

}  // namespace irqlab::kernel
