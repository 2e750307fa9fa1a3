// sensor: a slow sensor behind an I2C-like controller, the device of the IRQF_ONESHOT
// lessons (devices/sensor/README.md).
//
// Two parts on one card. The sensor measures at the scenario's rate; each sample sets
// INT_STATUS.DATA_READY, and its INT pin, wired to a level PCI line, is asserted while
// DATA_READY is set and enabled in INT_ENABLE. The CPU cannot reach the sensor's
// registers directly: they are behind a 100 kHz serial bus, and the only way to read
// INT_STATUS or to clear it is a bus transfer of a few hundred microseconds. The
// controller does that transfer: the driver names the sensor register and starts a read
// or a write; when it is over the controller sets DONE and, with DONE_IE, sends its own
// interrupt, an MSI (a PCI I2C controller's completion interrupt).
//
// Controller registers (32-bit, MMIO window of kWindow bytes):
//   0x00 I2C_CTRL    RW    bit 0 DONE_IE: a finished transfer sends the MSI (0 after reset)
//   0x04 I2C_STATUS  R/W1C bit 0 BUSY: a transfer is on the wire (read-only)
//                          bit 1 DONE: the last transfer finished (write 1 to clear)
//                          bit 2 NACK: the last transfer named no sensor register
//   0x08 I2C_REG     RW    bits 7:0: the sensor register the next transfer starts at
//   0x0c I2C_DATA    RW    write: the bytes to write, first in bits 7:0;
//                          read: what the last read transfer returned, first in bits 7:0
//   0x10 I2C_CMD     WO    bits 1:0 CMD_READ (1) or CMD_WRITE (2); bits 9:8 the length:
//                          2 for two bytes, anything else one. Ignored while BUSY.
//                          The transfer takes I2C_REG (and for a write I2C_DATA) as they
//                          are at the command: changing them meanwhile affects the next one.
//
// Sensor registers (8-bit, over the bus; a 2-byte transfer goes on to the next register):
//   0x00 WHO_AM_I    RO    kWhoAmI
//   0x01 INT_STATUS  R/W1C bit 0 DATA_READY: a sample waits
//                          bit 1 OVERRUN: a sample came while DATA_READY was still set
//                          (the one before it is lost)
//   0x02 INT_ENABLE  RW    bit 0: DATA_READY asserts the INT pin (0 after reset)
//   0x03 DATA_L      RO    the latest sample, low byte (samples count 1, 2, 3, ...)
//   0x04 DATA_H      RO    its high byte
#pragma once

#include <cstdint>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "sim/event.hpp"

namespace irqlab::dev {

class Sensor final : public Device, public RegisterWindow {
public:
    // The controller, as the CPU sees it.
    static constexpr std::uint64_t kWindow = 0x20;
    static constexpr std::uint64_t I2C_CTRL = 0x00;
    static constexpr std::uint64_t I2C_STATUS = 0x04;
    static constexpr std::uint64_t I2C_REG = 0x08;
    static constexpr std::uint64_t I2C_DATA = 0x0c;
    static constexpr std::uint64_t I2C_CMD = 0x10;
    static constexpr std::uint32_t CTRL_DONE_IE = 1u << 0;
    static constexpr std::uint32_t STATUS_BUSY = 1u << 0;
    static constexpr std::uint32_t STATUS_DONE = 1u << 1;
    static constexpr std::uint32_t STATUS_NACK = 1u << 2;
    static constexpr std::uint32_t CMD_READ = 1;
    static constexpr std::uint32_t CMD_WRITE = 2;
    static constexpr int CMD_LEN_SHIFT = 8;

    // The sensor, behind the bus.
    static constexpr std::uint8_t WHO_AM_I = 0x00;
    static constexpr std::uint8_t INT_STATUS = 0x01;
    static constexpr std::uint8_t INT_ENABLE = 0x02;
    static constexpr std::uint8_t DATA_L = 0x03;
    static constexpr std::uint8_t DATA_H = 0x04;
    static constexpr std::uint8_t kWhoAmI = 0x5a;
    static constexpr std::uint8_t INT_DATA_READY = 1u << 0;
    static constexpr std::uint8_t INT_OVERRUN = 1u << 1;

    // Bus timing: standard-mode I2C, 100 kHz, so one bit per 10 us. A byte on the wire is
    // 9 bits (8 data bits and the receiver's ACK); START, repeated START and STOP take
    // about a bit each.
    static constexpr sim::Time kBitTime = 10'000;
    static constexpr int kBitsPerByte = 9;
    // A register read: START, the sensor's address (write), the register, repeated START,
    // the address (read), `len` data bytes, STOP. 1 byte: 390 us; 2 bytes: 480 us.
    static constexpr sim::Time read_time(int len) { return ((3 + len) * kBitsPerByte + 3) * kBitTime; }
    // A register write: START, the address (write), the register, `len` data bytes, STOP.
    // 1 byte: 290 us.
    static constexpr sim::Time write_time(int len) { return ((2 + len) * kBitsPerByte + 2) * kBitTime; }

    struct Config {
        int line = 0;             // the sensor's INT pin: a level PCI line
        sim::Time every = 0;      // one sample per period
        sim::Time start = 0;      // the first sample
        std::int64_t count = -1;  // samples at most (-1: no limit)
    };

    Sensor(Bus& bus, Config c, const std::string& instance);
    ~Sensor() override;

    std::vector<struct resource> resources() const override;
    void start() override;
    std::string info() const override;
    std::vector<std::pair<std::string, std::int64_t>> counters() const override;
    MsiMessage* msi() override { return &msi_; }
    void msi_written() override;

    std::uint64_t read(std::uint64_t offset, int size) override;
    void write(std::uint64_t offset, std::uint64_t value, int size) override;

private:
    void reset();
    void update_irq();       // the INT pin as a pure function of the sensor's registers
    void sample();           // the sensor measures
    void transfer_done();    // the bus transfer in flight ends
    void start_transfer(std::uint32_t cmd);
    std::uint8_t sensor_read(std::uint8_t reg) const;
    void sensor_write(std::uint8_t reg, std::uint8_t value);
    void send_msi();

    Config c_;
    std::uint64_t base_;
    IrqOutput& out_;
    MsiMessage msi_;

    // The controller.
    std::uint32_t i2c_ctrl_ = 0, i2c_status_ = 0, i2c_reg_ = 0, i2c_data_ = 0;
    // The transfer in flight, latched at its start (I2C_REG and I2C_DATA may change meanwhile).
    bool xfer_write_ = false;
    int xfer_len_ = 1;
    std::uint8_t xfer_reg_ = 0;
    std::uint32_t xfer_data_ = 0;
    // The sensor.
    std::uint8_t int_status_ = 0, int_enable_ = 0;
    std::uint16_t sample_value_ = 0;  // DATA_H:DATA_L

    std::int64_t samples_ = 0, overruns_ = 0, raised_ = 0, transfers_ = 0;
    sim::MemberEvent<&Sensor::sample> sample_ev_;
    sim::MemberEvent<&Sensor::transfer_done> xfer_ev_;
};

}  // namespace irqlab::dev
