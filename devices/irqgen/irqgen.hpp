// irqgen: a programmable interrupt source, the "button" of the lessons.
//
// An event sets STATUS.PENDING and, while CTRL.ENABLE is set, raises the IRQ output: a
// level line stays asserted until the driver acknowledges (writes 1 to ACK), an edge line
// gets one pulse per event. Events come at the times the scenario lists and/or at a fixed
// period. Two faults on request: `stuck` (level only: from its first event the line stays
// asserted whatever the driver does, while STATUS, once acknowledged, shows nothing
// pending: the interrupt storm "nobody cared" stops) and `spurious` times (the line fires
// with nothing pending).
//
// With `msi`, the device has no line: each event (while enabled) writes its MSI message,
// which goes straight to a local APIC; an event while the kernel has the message masked
// sets the Pending bit and is sent at the unmask (PCI's per-vector masking).
//
// Registers (32-bit, MMIO window of kWindow bytes):
//   0x00 STATUS  RO  bit 0 PENDING: an event is waiting for the driver
//   0x04 CTRL    RW  bit 0 ENABLE: events raise the IRQ output (0 after reset)
//   0x08 ACK     WO  write 1 to bit 0 to clear PENDING
//   0x0c COUNT   RO  events so far (wraps at 2^32)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "sim/event.hpp"

namespace irqlab::dev {

class Irqgen final : public Device, public RegisterWindow {
public:
    static constexpr std::uint64_t kWindow = 0x20;
    static constexpr std::uint64_t STATUS = 0x00;
    static constexpr std::uint64_t CTRL = 0x04;
    static constexpr std::uint64_t ACK = 0x08;
    static constexpr std::uint64_t COUNT = 0x0c;
    static constexpr std::uint32_t STATUS_PENDING = 1u << 0;
    static constexpr std::uint32_t CTRL_ENABLE = 1u << 0;

    struct Config {
        int line = 0;
        bool msi = false;  // signal by MSI message instead of a line
        bool level = false;
        std::vector<sim::Time> at;        // events at these times
        sim::Time every = 0;              // and/or one per period (0: none)
        sim::Time start = 0;              // first periodic event
        std::int64_t count = -1;          // periodic events at most (-1: no limit)
        bool stuck = false;               // the line sticks asserted from the first event
        std::vector<sim::Time> spurious;  // the line fires with nothing pending
    };

    Irqgen(Bus& bus, Config c, const std::string& instance);
    ~Irqgen() override;

    std::vector<struct resource> resources() const override;
    void start() override;
    std::string info() const override;
    MsiMessage* msi() override { return c_.msi ? &msi_ : nullptr; }
    void msi_written() override;
    // Live input: "irq" (an optional count, default 1) raises events now, as `at` does.
    std::vector<std::string> inputs() const override { return {"irq"}; }
    std::string inject(const std::string& what, const std::string& arg) override;

    std::uint64_t read(std::uint64_t offset, int size) override;
    void write(std::uint64_t offset, std::uint64_t value, int size) override;

    std::uint64_t events() const { return count_; }

private:
    void reset();
    void update_irq();  // the line as a pure function of the registers
    void event();       // one event happens
    void next_event();  // the scheduled event fires
    void injected_events();  // the events inject() queued happen
    void spurious_fire();
    void glitch_end();
    void send_msi();
    void schedule_next();

    Config c_;
    std::uint64_t base_;
    IrqOutput* out_ = nullptr;  // the line (none for MSI)
    MsiMessage msi_;
    std::uint32_t status_ = 0, ctrl_ = 0;
    std::uint64_t count_ = 0;
    std::int64_t periodic_done_ = 0;
    std::int64_t injected_ = 0;  // events inject() queued, not yet happened
    std::size_t next_at_ = 0, next_spurious_ = 0;
    bool spurious_level_ = false;  // a spurious level assertion is holding the line
    bool stuck_ = false;           // the `stuck` fault has struck
    sim::Time next_periodic_ = 0;
    bool edge_high_ = false;  // edge mode: the last value of ENABLE && PENDING
    sim::MemberEvent<&Irqgen::next_event> event_ev_;
    sim::MemberEvent<&Irqgen::injected_events> inject_ev_;
    sim::MemberEvent<&Irqgen::spurious_fire> spurious_ev_;
    sim::MemberEvent<&Irqgen::glitch_end> glitch_ev_;
};

}  // namespace irqlab::dev
