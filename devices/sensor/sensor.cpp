#include "devices/sensor/sensor.hpp"

#include <algorithm>
#include <cstdio>

namespace irqlab::dev {

Sensor::Sensor(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "sensor", instance),
      c_(c),
      base_(bus.allocate_mmio(kWindow)),
      out_(bus.connect_irq(c_.line, instance)),
      sample_ev_(this, "sensor: a sample is ready"),
      xfer_ev_(this, "sensor: the bus transfer ends") {
    bus.map_mmio(base_, kWindow, this, instance);
    reset();
}

Sensor::~Sensor() { bus_.unmap(this); }

// Power-on: the controller idle with its interrupt off, the sensor's INT pin disabled.
void Sensor::reset() {
    i2c_ctrl_ = 0;
    i2c_status_ = 0;
    i2c_reg_ = 0;
    i2c_data_ = 0;
    xfer_write_ = false;
    xfer_len_ = 1;
    xfer_reg_ = 0;
    xfer_data_ = 0;
    int_status_ = 0;
    int_enable_ = 0;
    sample_value_ = 0;
}

std::vector<struct resource> Sensor::resources() const {
    // IRQ 0 is the sensor's INT pin; the machine adds the controller's MSI as IRQ 1.
    return {mem_resource(base_, kWindow), irq_resource(c_.line, true)};
}

void Sensor::start() {
    if (c_.every && c_.count != 0) bus_.engine().schedule(sample_ev_, std::max(c_.start, bus_.now()));
}

std::string Sensor::info() const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%s: line %d level: INT_STATUS=%#x INT_ENABLE=%#x samples=%lld line %s; "
                  "i2c: status=%#x%s, MSI %s%s",
                  instance_.c_str(), c_.line, int_status_, int_enable_, static_cast<long long>(samples_),
                  out_.asserted() ? "asserted" : "idle", i2c_status_,
                  xfer_ev_.scheduled() ? " (transfer on the wire)" : "", msi_.enabled ? "enabled" : "masked",
                  msi_.pending ? ", pending" : "");
    return buf;
}

std::vector<std::pair<std::string, std::int64_t>> Sensor::counters() const {
    return {{"samples", samples_}, {"overruns", overruns_}, {"interrupts_raised", raised_}, {"transfers", transfers_}};
}

// --- the sensor ---

void Sensor::sample() {
    ++samples_;
    sample_value_ = static_cast<std::uint16_t>(samples_);
    if (int_status_ & INT_DATA_READY) {
        int_status_ |= INT_OVERRUN;  // the previous sample was never read
        ++overruns_;
    }
    int_status_ |= INT_DATA_READY;
    update_irq();
    if (c_.count < 0 || samples_ < c_.count) bus_.engine().schedule(sample_ev_, bus_.now() + c_.every);
}

// QEMU's rule: the INT pin is a function of the sensor's registers, recomputed after each
// change. It is level: it stays asserted until a write transfer clears DATA_READY.
void Sensor::update_irq() {
    bool active = (int_status_ & INT_DATA_READY) && (int_enable_ & INT_DATA_READY);
    if (active && !out_.asserted()) ++raised_;
    out_.set(active);
}

std::uint8_t Sensor::sensor_read(std::uint8_t reg) const {
    switch (reg) {
        case WHO_AM_I: return kWhoAmI;
        case INT_STATUS: return int_status_;
        case INT_ENABLE: return int_enable_;
        case DATA_L: return static_cast<std::uint8_t>(sample_value_);
        case DATA_H: return static_cast<std::uint8_t>(sample_value_ >> 8);
        default: return 0xff;
    }
}

void Sensor::sensor_write(std::uint8_t reg, std::uint8_t value) {
    switch (reg) {
        case INT_STATUS: int_status_ &= static_cast<std::uint8_t>(~(value & (INT_DATA_READY | INT_OVERRUN))); break;
        case INT_ENABLE: int_enable_ = value & INT_DATA_READY; break;
        default: return;  // read-only registers ignore writes
    }
    update_irq();
}

// --- the controller ---

void Sensor::start_transfer(std::uint32_t cmd) {
    std::uint32_t op = cmd & 3;
    if ((i2c_status_ & STATUS_BUSY) || (op != CMD_READ && op != CMD_WRITE)) return;
    xfer_write_ = op == CMD_WRITE;
    xfer_len_ = ((cmd >> CMD_LEN_SHIFT) & 3) == 2 ? 2 : 1;
    xfer_reg_ = static_cast<std::uint8_t>(i2c_reg_);
    xfer_data_ = i2c_data_;
    i2c_status_ = STATUS_BUSY;  // a new transfer clears the last one's DONE and NACK
    ++transfers_;
    sim::Time t = xfer_write_ ? write_time(xfer_len_) : read_time(xfer_len_);
    bus_.engine().schedule(xfer_ev_, bus_.now() + t);
}

// The transfer's effect is applied at its end, all at once. On a real bus a read samples
// each byte as it is clocked out and a write lands at its byte's ACK, a bit time before
// the STOP; the driver sees nothing of either before DONE, so nothing it can observe
// differs except a sample arriving within the last few bits.
void Sensor::transfer_done() {
    std::uint8_t reg = xfer_reg_;
    bool nack = reg + xfer_len_ - 1 > DATA_H;  // no such register: the sensor does not ACK it
    if (nack) {
        i2c_status_ = STATUS_DONE | STATUS_NACK;
    } else {
        if (xfer_write_) {
            for (int i = 0; i < xfer_len_; ++i)
                sensor_write(static_cast<std::uint8_t>(reg + i), static_cast<std::uint8_t>(xfer_data_ >> (8 * i)));
        } else {
            i2c_data_ = 0;
            for (int i = 0; i < xfer_len_; ++i)
                i2c_data_ |= static_cast<std::uint32_t>(sensor_read(static_cast<std::uint8_t>(reg + i))) << (8 * i);
        }
        i2c_status_ = STATUS_DONE;
    }
    if (i2c_ctrl_ & CTRL_DONE_IE) send_msi();
}

void Sensor::send_msi() { bus_.msi_signal(msi_, instance_); }

void Sensor::msi_written() { bus_.msi_unmasked(msi_, instance_); }

std::uint64_t Sensor::read(std::uint64_t offset, int) {
    switch (offset) {
        case I2C_CTRL: return i2c_ctrl_;
        case I2C_STATUS: return i2c_status_;
        case I2C_REG: return i2c_reg_;
        case I2C_DATA: return i2c_data_;
        default: return 0;  // I2C_CMD and the reserved space read as zero
    }
}

void Sensor::write(std::uint64_t offset, std::uint64_t value, int) {
    auto v = static_cast<std::uint32_t>(value);
    switch (offset) {
        case I2C_CTRL: i2c_ctrl_ = v & CTRL_DONE_IE; break;
        case I2C_STATUS: i2c_status_ &= ~(v & (STATUS_DONE | STATUS_NACK)); break;
        case I2C_REG: i2c_reg_ = v & 0xff; break;
        case I2C_DATA: i2c_data_ = v & 0xffff; break;
        case I2C_CMD: start_transfer(v); break;
        default: break;
    }
}

namespace {

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    Sensor::Config c;
    c.line = static_cast<int>(p.at("line").number);
    c.every = p.at("every").number;
    if (p.count("start")) c.start = p.at("start").number;
    if (p.count("count")) c.count = p.at("count").number;
    return std::make_unique<Sensor>(bus, c, instance);
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "sensor",
    "sensor",
    "a slow sensor: a level line, its status readable and clearable only over a 100 kHz I2C-like bus",
    {
        {"line", K::Integer, "the IRQ line (IO-APIC pin) its INT pin drives: a level line, 16-23", {}, 16, 23},
        {"every", K::Time, "one sample per this period"},
        {"start", K::Time, "the first sample (default 0)"},
        {"count", K::Integer, "samples at most", {}, 0, 1'000'000'000},
        // What the driver reads as a device property.
        {"variant", K::Choice,
         "how the driver requests its line: oneshot (the default, correct), no-oneshot (NULL primary without "
         "IRQF_ONESHOT: refused), wake-thread-no-oneshot (a primary returning IRQ_WAKE_THREAD without IRQF_ONESHOT)",
         {"oneshot", "no-oneshot", "wake-thread-no-oneshot"}, 0, 0, true},
    },
    [](const Params& p) -> std::string {
        if (!p.count("line")) return "a sensor needs 'line' (the level PCI line its INT pin drives, 16-23)";
        if (!p.count("every")) return "a sensor needs 'every' (its sampling period)";
        if (p.at("every").number <= 0) return "a sensor's 'every' must be more than 0";
        return "";
    },
    make,
    {"every", "start", "count"},
    {},
}};

}  // namespace

}  // namespace irqlab::dev
