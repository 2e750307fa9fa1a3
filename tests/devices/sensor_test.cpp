// The sensor model: its level line follows INT_STATUS, which only slow bus transfers reach
// (no driver: the test plays the driver through the controller's registers); and its
// driver's three ways of requesting the line, through the command line.
#include <catch2/catch.hpp>

#include <fstream>

#include "tools/cli.hpp"
#include "devices/bus/bus.hpp"
#include "devices/sensor/sensor.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/irq_source.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::dev::Bus;
using irqlab::dev::Sensor;
using irqlab::test::Machine;

namespace {
constexpr sim::Time us = 1000;

struct Board {
    Machine m;
    Bus bus{m.k, m.k.ioapic()};
    Sensor s;
    explicit Board(Sensor::Config c) : s(bus, c, "sensor.0") {}
    std::uint64_t base() const { return s.resources()[0].start; }
    std::uint64_t rd(std::uint64_t off) { return bus.mmio_read(base() + off, 4); }
    void wr(std::uint64_t off, std::uint64_t v) { bus.mmio_write(base() + off, v, 4); }
    // A whole transfer, as a driver that waits for DONE sees it.
    void start_read(std::uint8_t reg, int len) {
        wr(Sensor::I2C_REG, reg);
        wr(Sensor::I2C_CMD, Sensor::CMD_READ | (static_cast<std::uint32_t>(len) << Sensor::CMD_LEN_SHIFT));
    }
    void start_write(std::uint8_t reg, std::uint8_t value) {
        wr(Sensor::I2C_REG, reg);
        wr(Sensor::I2C_DATA, value);
        wr(Sensor::I2C_CMD, Sensor::CMD_WRITE | (1u << Sensor::CMD_LEN_SHIFT));
    }
    std::uint32_t read_reg(std::uint8_t reg, int len = 1) {
        start_read(reg, len);
        m.run_until(m.now() + Sensor::read_time(len));
        return static_cast<std::uint32_t>(rd(Sensor::I2C_DATA));
    }
    void write_reg(std::uint8_t reg, std::uint8_t value) {
        start_write(reg, value);
        m.run_until(m.now() + Sensor::write_time(1));
    }
};

Sensor::Config samples(sim::Time start, sim::Time every, std::int64_t count) {
    Sensor::Config c;
    c.line = 17;
    c.start = start;
    c.every = every;
    c.count = count;
    return c;
}

std::int64_t counter(const Sensor& s, const std::string& name) {
    for (const auto& [k, v] : s.counters())
        if (k == name) return v;
    return -1;
}

test::CliResult run_yaml(const std::string& name, const std::string& yaml) {
    std::string path = test::temp_path(name + ".yaml");
    std::ofstream(path) << yaml;
    test::CliResult r = test::irqlab_cli("run " + path);
    std::remove(path.c_str());
    return r;
}

std::string sensor_scenario(const std::string& variant, const std::string& until) {
    return "irqlab: 1\n"
           "devices:\n"
           "  - {type: sensor, line: 17, every: 5ms, start: 2ms, count: 3, variant: " +
           variant +
           "}\n"
           "processes:\n"
           "  - name: r\n"
           "    start: 1ms\n"
           "    program: [{open: /dev/sensor0}, {read: /dev/sensor0}, {read: /dev/sensor0}, {read: /dev/sensor0}]\n"
           "run: {until: " +
           until + "}\n";
}
}  // namespace

TEST_CASE("sensor: the level line is asserted while a sample is pending and INT_ENABLE is set") {
    Board b(samples(100 * us, 1000 * us, 1));
    b.s.start();
    b.m.run_until(200 * us);
    // A sample is there, but the INT pin is disabled after reset.
    CHECK(b.read_reg(Sensor::INT_STATUS) == Sensor::INT_DATA_READY);
    CHECK_FALSE(b.bus.line_asserted(17));
    b.write_reg(Sensor::INT_ENABLE, Sensor::INT_DATA_READY);
    CHECK(b.bus.line_asserted(17));
    CHECK(b.m.k.ioapic().input(17));
    CHECK(counter(b.s, "interrupts_raised") == 1);
}

TEST_CASE("sensor: only the clearing write transfer drops the line, at the transfer's end") {
    Board b(samples(100 * us, 10000 * us, 1));
    b.s.start();
    b.write_reg(Sensor::INT_ENABLE, Sensor::INT_DATA_READY);
    b.m.run_until(300 * us);
    REQUIRE(b.bus.line_asserted(17));
    // Reading the status and the sample leaves it asserted.
    CHECK(b.read_reg(Sensor::INT_STATUS) == Sensor::INT_DATA_READY);
    CHECK(b.read_reg(Sensor::DATA_L, 2) == 1);
    CHECK(b.bus.line_asserted(17));
    b.start_write(Sensor::INT_STATUS, Sensor::INT_DATA_READY);
    b.m.run_until(b.m.now() + Sensor::write_time(1) - 1);
    CHECK(b.bus.line_asserted(17));  // still on the wire
    b.m.run_until(b.m.now() + 1);
    CHECK_FALSE(b.bus.line_asserted(17));
    CHECK(b.read_reg(Sensor::INT_STATUS) == 0);
}

TEST_CASE("sensor: a transfer takes the I2C time at 100 kHz: 390us to read a byte, 480us two, 290us to write one") {
    CHECK(Sensor::read_time(1) == 390 * us);
    CHECK(Sensor::read_time(2) == 480 * us);
    CHECK(Sensor::write_time(1) == 290 * us);
    Board b(samples(0, 1000 * us, 0));
    b.m.run_until(10 * us);
    sim::Time t0 = b.m.now();
    b.start_read(Sensor::WHO_AM_I, 1);
    CHECK(b.rd(Sensor::I2C_STATUS) == Sensor::STATUS_BUSY);
    b.m.run_until(t0 + Sensor::read_time(1) - 1);
    CHECK(b.rd(Sensor::I2C_STATUS) == Sensor::STATUS_BUSY);
    b.m.run_until(t0 + Sensor::read_time(1));
    CHECK(b.rd(Sensor::I2C_STATUS) == Sensor::STATUS_DONE);
    CHECK(b.rd(Sensor::I2C_DATA) == Sensor::kWhoAmI);
    CHECK(counter(b.s, "transfers") == 1);
}

TEST_CASE("sensor: a command while a transfer is on the wire is ignored") {
    Board b(samples(0, 1000 * us, 0));
    sim::Time t0 = b.m.now();
    b.start_write(Sensor::INT_ENABLE, 1);
    b.start_read(Sensor::WHO_AM_I, 1);  // too early: dropped
    b.m.run_until(t0 + Sensor::write_time(1));
    CHECK(b.rd(Sensor::I2C_STATUS) == Sensor::STATUS_DONE);
    CHECK(counter(b.s, "transfers") == 1);
    CHECK(b.read_reg(Sensor::INT_ENABLE) == 1);
}

TEST_CASE("sensor: with DONE_IE each finished transfer sends the controller's MSI, and writing 1 clears DONE") {
    Board b(samples(0, 1000 * us, 0));
    test::TestIrq v41(b.m, 0, 0x41, 0);
    *b.s.msi() = dev::MsiMessage{0xfee00000, 0x41, true};
    b.read_reg(Sensor::WHO_AM_I);
    CHECK(v41.seen.empty());  // DONE_IE is off after reset
    b.wr(Sensor::I2C_CTRL, Sensor::CTRL_DONE_IE);
    b.read_reg(Sensor::WHO_AM_I);
    b.write_reg(Sensor::INT_ENABLE, 0);
    b.m.run_until(b.m.now() + 10 * us);
    CHECK(v41.seen.size() == 2);
    CHECK(b.rd(Sensor::I2C_STATUS) == Sensor::STATUS_DONE);
    b.wr(Sensor::I2C_STATUS, Sensor::STATUS_DONE);
    CHECK(b.rd(Sensor::I2C_STATUS) == 0);
}

TEST_CASE("sensor: a DONE while the kernel has the MSI masked is sent when it unmasks") {
    Board b(samples(0, 1000 * us, 0));
    test::TestIrq v41(b.m, 0, 0x41, 0);
    *b.s.msi() = dev::MsiMessage{0xfee00000, 0x41, false};
    b.wr(Sensor::I2C_CTRL, Sensor::CTRL_DONE_IE);
    b.read_reg(Sensor::WHO_AM_I);
    b.m.run_until(b.m.now() + 10 * us);
    CHECK(v41.seen.empty());
    b.s.msi()->enabled = true;
    b.s.msi_written();
    b.m.run_until(b.m.now() + 10 * us);
    CHECK(v41.seen.size() == 1);
}

TEST_CASE("sensor: a sample while DATA_READY is still set sets OVERRUN and replaces the data") {
    Board b(samples(100 * us, 100 * us, 3));
    b.s.start();
    b.m.run_until(400 * us);
    CHECK(b.read_reg(Sensor::INT_STATUS) == (Sensor::INT_DATA_READY | Sensor::INT_OVERRUN));
    CHECK(b.read_reg(Sensor::DATA_L, 2) == 3);
    CHECK(counter(b.s, "samples") == 3);
    CHECK(counter(b.s, "overruns") == 2);
    b.write_reg(Sensor::INT_STATUS, Sensor::INT_DATA_READY | Sensor::INT_OVERRUN);
    CHECK(b.read_reg(Sensor::INT_STATUS) == 0);
}

TEST_CASE("sensor: a transfer naming no sensor register ends with NACK") {
    Board b(samples(0, 1000 * us, 0));
    b.read_reg(0x40);
    CHECK(b.rd(Sensor::I2C_STATUS) == (Sensor::STATUS_DONE | Sensor::STATUS_NACK));
    b.read_reg(Sensor::DATA_H, 2);  // runs past the last register
    CHECK(b.rd(Sensor::I2C_STATUS) == (Sensor::STATUS_DONE | Sensor::STATUS_NACK));
}

TEST_CASE("sensor driver with IRQF_ONESHOT: one interrupt per sample, and the reader gets every sample") {
    auto r = run_yaml("sensor-oneshot", sensor_scenario("oneshot", "20ms") +
                                            "expect:\n  irqs: {17: 3}\n  reads: {r: \"1\\n2\\n3\\n\"}\n");
    CHECK(r.code == 0);
    CHECK(r.out.find("met:    IRQ 17: 3 interrupts (expected 3)") != std::string::npos);
}

TEST_CASE("sensor driver without IRQF_ONESHOT and a NULL primary: Linux refuses the request, the probe fails") {
    std::string yaml = "irqlab: 1\ndevices:\n  - {type: sensor, line: 17, every: 5ms, variant: no-oneshot}\n"
                       "run: {until: 5ms}\nexpect:\n  dmesg:\n"
                       "    - \"genirq: Threaded irq requested with handler=NULL and !ONESHOT for sensor (irq 17)\"\n"
                       "    - \"sensor sensor.0: probe with driver sensor failed with error -22\"\n";
    auto r = run_yaml("sensor-no-oneshot", yaml);
    CHECK(r.code == 0);
}

TEST_CASE("sensor driver waking its thread without IRQF_ONESHOT: a storm, then nobody cared") {
    auto r = run_yaml("sensor-storm", sensor_scenario("wake-thread-no-oneshot", "100ms") +
                                          "expect:\n  bugs: [nobody cared]\n  dmesg: [\"Disabling IRQ #17\"]\n"
                                          "  irqs: {17: 100001}\n");
    CHECK(r.code == 0);
}

TEST_CASE("sensor: its INT pin is a level PCI line, so 'line' outside 16-23 is refused") {
    auto r = run_yaml("sensor-line", "irqlab: 1\ndevices:\n  - {type: sensor, line: 5, every: 1ms}\nrun: {until: 1ms}\n");
    CHECK(r.code == 2);
}
