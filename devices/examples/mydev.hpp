// mydev: the receive device of seed 004's example driver (devices/examples/README.md).
//
// Words arrive from outside into a receive FIFO; each arrival sets IRQ_STATUS.RX_IRQ, and
// while IRQ_CTRL.IRQ_ENABLE is set the level line is asserted. The driver acknowledges by
// writing RX_IRQ to IRQ_CLEAR and drains RX_DATA while RX_FIFO_COUNT is not zero. A word
// arriving with the FIFO full is lost and counted.
//
// Registers (32-bit, MMIO window of kWindow bytes), named as the seed's driver names them:
//   0x00 IRQ_STATUS     RO  bit 0 RX_IRQ: data arrived since the last clear
//   0x04 IRQ_CTRL       RW  bit 0 IRQ_ENABLE: RX_IRQ asserts the line (0 after reset)
//   0x08 IRQ_CLEAR      WO  write RX_IRQ to clear it
//   0x0c RX_FIFO_COUNT  RO  words waiting in the FIFO
//   0x10 RX_DATA        RO  the oldest word (reading removes it; 0 when empty)
#pragma once

#include <cstdint>
#include <deque>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "sim/event.hpp"

namespace irqlab::dev {

class Mydev final : public Device, public RegisterWindow {
public:
    static constexpr std::uint64_t kWindow = 0x20;
    static constexpr std::uint64_t IRQ_STATUS = 0x00;
    static constexpr std::uint64_t IRQ_CTRL = 0x04;
    static constexpr std::uint64_t IRQ_CLEAR = 0x08;
    static constexpr std::uint64_t RX_FIFO_COUNT = 0x0c;
    static constexpr std::uint64_t RX_DATA = 0x10;
    static constexpr std::uint32_t RX_IRQ = 1u << 0;
    static constexpr std::uint32_t IRQ_ENABLE = 1u << 0;
    static constexpr std::size_t kFifoDepth = 64;  // words; a small on-chip FIFO

    struct Config {
        int line = 0;
        sim::Time every = 0;  // one burst per period
        sim::Time start = 0;
        std::int64_t count = -1;  // bursts at most
        int burst = 1;            // words per burst
    };

    Mydev(Bus& bus, Config c, const std::string& instance);
    ~Mydev() override;

    std::vector<struct resource> resources() const override;
    void start() override;
    std::string info() const override;
    std::vector<std::pair<std::string, std::int64_t>> counters() const override;

    std::uint64_t read(std::uint64_t offset, int size) override;
    void write(std::uint64_t offset, std::uint64_t value, int size) override;

private:
    void reset();
    void update_irq();  // the line as a pure function of the registers
    void arrival();     // a burst of words arrives

    Config c_;
    std::uint64_t base_;
    IrqOutput& out_;
    std::uint32_t status_ = 0;
    std::uint32_t ctrl_ = 0;
    std::deque<std::uint32_t> fifo_;
    std::uint32_t next_word_ = 1;  // words are numbered 1, 2, 3, ...
    std::int64_t bursts_ = 0, received_ = 0, lost_ = 0, read_ = 0;
    sim::MemberEvent<&Mydev::arrival> arrival_ev_;
};

}  // namespace irqlab::dev
