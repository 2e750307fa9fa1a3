// The i8042 keyboard controller model and its keyboard, against the datasheet's rules (no
// driver: the test plays the host through ports 0x60 and 0x64); the scenario's checks of
// key names.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "devices/bus/bus.hpp"
#include "devices/i8042/i8042.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/irq_source.hpp"
#include "machine.hpp"
#include "tools/scenario/scenario.hpp"

using namespace irqlab;
using irqlab::dev::Bus;
using irqlab::dev::I8042;
using irqlab::test::Machine;

namespace {
constexpr sim::Time us = sim::kNsPerUs;
constexpr sim::Time ms = sim::kNsPerMs;

struct Board {
    explicit Board(I8042::Config c) : kbd(bus, std::move(c), "i8042.0") { kbd.start(); }
    std::uint8_t status() {
        return static_cast<std::uint8_t>(bus.port_read(I8042::I8042_STATUS_REG, 1));
    }
    std::uint8_t data() {
        return static_cast<std::uint8_t>(bus.port_read(I8042::I8042_DATA_REG, 1));
    }
    void out(std::uint16_t port, std::uint8_t v) { bus.port_write(port, v, 1); }
    bool obf() { return status() & I8042::I8042_STR_OBF; }

    Machine m;
    Bus bus{m.k, m.k.ioapic()};
    I8042 kbd;
};

struct Byte {
    sim::Time at;
    std::uint8_t value;
};

// The host polls the status port every `step` and reads each byte OBF announces.
std::vector<Byte> poll(Board& b, sim::Time until, sim::Time step = 50 * us) {
    std::vector<Byte> got;
    for (sim::Time t = b.m.now() + step; t <= until; t += step) {
        b.m.run_until(t);
        if (b.obf()) got.push_back({t, b.data()});
    }
    return got;
}

std::vector<std::uint8_t> values(const std::vector<Byte>& v) {
    std::vector<std::uint8_t> out;
    for (const Byte& x : v) out.push_back(x.value);
    return out;
}

I8042::Config keys(std::vector<I8042::KeyHold> k) {
    I8042::Config c;
    c.keys = std::move(k);
    return c;
}

// Sends one byte to the keyboard and waits for its answer.
std::uint8_t command(Board& b, std::uint8_t byte) {
    b.out(I8042::I8042_DATA_REG, byte);
    std::vector<Byte> got = poll(b, b.m.now() + 5 * ms);
    return got.empty() ? 0 : got[0].value;
}

std::string error_of(const std::string& devices) {
    try {
        scenario::parse(YAML::Load("irqlab: 1\ndevices:\n" + devices + "run: {until: 1ms}\n"),
                        "f.yaml");
    } catch (const scenario::ScenarioError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE(
    "i8042: OBF is set when a byte is ready in the output buffer and cleared by reading port "
    "0x60") {
    Board b(keys({{"a", 1 * ms, 50 * ms}}));
    b.m.run_until(1 * ms + 500 * us);
    CHECK_FALSE(b.obf());  // the byte is still on the wire (~1 ms)
    b.m.run_until(2 * ms + 10 * us);
    CHECK(b.status() ==
          (I8042::I8042_STR_OBF | I8042::I8042_STR_MUXERR | I8042::I8042_STR_KEYLOCK));
    CHECK(b.data() == 0x1e);
    CHECK_FALSE(b.obf());
    CHECK(b.data() == 0x1e);  // the byte stays readable; OBF says it is not new
}

TEST_CASE(
    "i8042: set 1: a press sends the make code and its release make | 0x80 ('a' is 0x1e, 0x9e)") {
    Board b(keys({{"a", 1 * ms, 10 * ms}}));
    CHECK(values(poll(b, 20 * ms)) == std::vector<std::uint8_t>{0x1e, 0x9e});
}

TEST_CASE("i8042: an extended key sends 0xe0 before its make and break codes (up: e0 48, e0 c8)") {
    Board b(keys({{"up", 1 * ms, 10 * ms}}));
    CHECK(values(poll(b, 20 * ms)) == std::vector<std::uint8_t>{0xe0, 0x48, 0xe0, 0xc8});
}

TEST_CASE("i8042: a shifted character presses shift around its key ('A': 2a 1e 9e aa)") {
    I8042::Config c;
    c.text = "A";
    c.start = 1 * ms;
    Board b(c);
    CHECK(values(poll(b, 100 * ms)) == std::vector<std::uint8_t>{0x2a, 0x1e, 0x9e, 0xaa});
}

TEST_CASE("i8042: typed text: one key every interval, each held for hold") {
    I8042::Config c;
    c.text = "hi\n";
    c.start = 1 * ms;
    c.interval = 20 * ms;
    c.hold = 5 * ms;
    Board b(c);
    std::vector<Byte> got = poll(b, 100 * ms);
    CHECK(values(got) == std::vector<std::uint8_t>{0x23, 0xa3, 0x17, 0x97, 0x1c, 0x9c});
    REQUIRE(got.size() == 6);
    CHECK(got[2].at - got[0].at == 20 * ms);
    CHECK(got[1].at - got[0].at == 5 * ms);
}

TEST_CASE("i8042: a key arriving while the output buffer is full waits in the keyboard's buffer") {
    Board b(keys({{"a", 1 * ms, 5 * ms}}));
    b.m.run_until(10 * ms);  // the host does not read: the release waits in the keyboard
    CHECK(b.obf());
    CHECK(b.data() == 0x1e);
    CHECK_FALSE(b.obf());
    b.m.run_until(10 * ms + 900 * us);
    CHECK_FALSE(b.obf());  // the next byte is on the wire
    b.m.run_until(11 * ms + 10 * us);
    CHECK(b.data() == 0x9e);
    CHECK(b.kbd.keys_lost() == 0);
}

TEST_CASE(
    "i8042: a key arriving while OBF is set and the keyboard buffer is full is lost and counted") {
    // 20 keys in 200 us, nobody reading: 16 bytes fit in the keyboard (8 keys, make and
    // break); the other 24 events are lost, and the overrun code (0xff) follows.
    I8042::Config c;
    c.text = "abcdefghijklmnopqrst";
    c.interval = 10 * us;
    c.hold = 5 * us;
    Board b(c);
    b.m.run_until(5 * ms);
    CHECK(b.obf());
    CHECK(b.kbd.keys_lost() == 24);
    std::vector<std::uint8_t> got = values(poll(b, 40 * ms));
    REQUIRE(got.size() == 17);
    CHECK(got[0] == 0x1e);
    CHECK(got[1] == 0x9e);
    CHECK(got[15] == (0x23 | 0x80));  // 'h', the eighth key, released
    CHECK(got[16] == I8042::ATKBD_RET_ERR);
    auto counters = b.kbd.counters();
    CHECK(std::find(counters.begin(), counters.end(),
                    std::pair<std::string, std::int64_t>{"keys_lost", 24}) != counters.end());
    CHECK(std::find(counters.begin(), counters.end(),
                    std::pair<std::string, std::int64_t>{"bytes_sent", 17}) != counters.end());
}

TEST_CASE(
    "i8042: typematic: a held key repeats its make code after 500ms, then 10.9 times a second") {
    Board b(keys({{"a", 0, 800 * ms}}));
    std::vector<Byte> got = poll(b, 810 * ms, 10 * us);
    // The press, four repeats (at 500, 591.7, 683.3, 775 ms), the release.
    REQUIRE(values(got) == std::vector<std::uint8_t>{0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x9e});
    CHECK(got[1].at == Approx(501 * ms).margin(20 * us));
    CHECK(got[2].at - got[1].at == Approx(91'666'667).margin(20 * us));
    CHECK(got[4].at - got[3].at == Approx(91'666'667).margin(20 * us));
}

TEST_CASE(
    "i8042: ATKBD_CMD_SETREP (0xf3) sets the typematic delay and rate: 0x00 is 250ms and 30 per "
    "second") {
    Board b(keys({{"a", 10 * ms, 400 * ms}}));
    CHECK(command(b, I8042::ATKBD_CMD_SETREP) == I8042::ATKBD_RET_ACK);
    CHECK(command(b, 0x00) == I8042::ATKBD_RET_ACK);
    std::vector<Byte> got = poll(b, 410 * ms, 10 * us);
    // Press at 10 ms; repeats from 260 ms every 33.3 ms up to 393.3 ms: five of them.
    REQUIRE(values(got).size() == 7);
    CHECK(got[1].at == Approx(261 * ms).margin(20 * us));
    CHECK(got[2].at - got[1].at == Approx(33'333'333).margin(20 * us));
    CHECK(got.back().value == 0x9e);
}

TEST_CASE("i8042: typematic repeats the last key pressed and stops when that key is released") {
    Board b(keys({{"shift", 0, 2000 * ms}, {"b", 100 * ms, 700 * ms}}));
    std::vector<std::uint8_t> got = values(poll(b, 1500 * ms));
    // shift, b, b's repeats at 600 and 691.7 ms, its release at 700 ms; shift, still held,
    // does not take the repeat back.
    CHECK(got == std::vector<std::uint8_t>{0x2a, 0x30, 0x30, 0x30, 0xb0});
}

TEST_CASE("i8042: the LED command (0xed, mask) is ACKed with 0xfa twice and sets the LEDs") {
    Board b(I8042::Config{});
    CHECK(command(b, I8042::ATKBD_CMD_SETLEDS) == I8042::ATKBD_RET_ACK);
    CHECK(b.kbd.leds() == 0);
    b.out(I8042::I8042_DATA_REG, I8042::kLedCaps | I8042::kLedNum);
    CHECK((b.status() & I8042::I8042_STR_IBF));  // the byte is on its way to the keyboard
    std::vector<Byte> got = poll(b, b.m.now() + 5 * ms);
    CHECK(values(got) == std::vector<std::uint8_t>{I8042::ATKBD_RET_ACK});
    CHECK(b.kbd.leds() == (I8042::kLedCaps | I8042::kLedNum));
    auto report = b.kbd.report();
    REQUIRE(report.size() == 1);
    CHECK(report[0].find("LEDs caps,num") != std::string::npos);
    CHECK(b.kbd.info().find("LEDs caps,num") != std::string::npos);
}

TEST_CASE("i8042: an unknown keyboard command is answered with 0xfe (resend), echo with 0xee") {
    Board b(I8042::Config{});
    CHECK(command(b, 0x42) == I8042::ATKBD_RET_NAK);
    CHECK(command(b, I8042::ATKBD_CMD_ECHO) == I8042::ATKBD_CMD_ECHO);
}

TEST_CASE("i8042: IRQ 1 pulses each time OBF becomes set, once per byte, not while it stays set") {
    Board b(keys({{"a", 1 * ms, 2 * ms}}));
    // Route pin 1 as Linux would (edge, unmasked) to a vector the test owns.
    kernel::IoApic::Entry e;
    e.vector = 0x31;
    e.masked = false;
    b.m.k.ioapic().program(I8042::kLine, e);
    test::TestIrq irq(b.m, 0, 0x31, 0);
    b.m.run_until(10 * ms);  // make and break are both ready: one in the buffer, one waiting
    CHECK(b.m.k.ioapic().messages_sent(I8042::kLine) == 1);
    b.data();
    b.m.run_until(20 * ms);
    CHECK(b.m.k.ioapic().messages_sent(I8042::kLine) == 2);
    CHECK(irq.seen.size() == 2);
}

TEST_CASE(
    "i8042: the command byte's KBDINT gates IRQ 1, and commands 0x20 and 0x60 read and write it") {
    Board b(keys({{"a", 1 * ms, 2 * ms}}));
    kernel::IoApic::Entry e;
    e.vector = 0x31;
    e.masked = false;
    b.m.k.ioapic().program(I8042::kLine, e);
    test::TestIrq irq(b.m, 0, 0x31, 0);
    b.out(I8042::I8042_COMMAND_REG, I8042::I8042_CMD_CTL_RCTR);
    CHECK((b.status() & I8042::I8042_STR_CMDDAT));
    b.m.run_until(100 * us);
    REQUIRE(b.obf());
    CHECK(b.data() == I8042::kCtrDefault);
    b.out(I8042::I8042_COMMAND_REG, I8042::I8042_CMD_CTL_WCTR);
    b.m.run_until(200 * us);
    b.out(I8042::I8042_DATA_REG, I8042::kCtrDefault & ~I8042::I8042_CTR_KBDINT);
    std::uint64_t before = b.m.k.ioapic().messages_sent(I8042::kLine);  // the answer to 0x20 pulsed
    CHECK(before == 1);
    CHECK(values(poll(b, 10 * ms)) == std::vector<std::uint8_t>{0x1e, 0x9e});
    CHECK(b.m.k.ioapic().messages_sent(I8042::kLine) == before);  // bytes came, no interrupt
}

TEST_CASE("i8042: I8042_CMD_KBD_DISABLE holds the keyboard's clock: its bytes wait until enabled") {
    Board b(keys({{"a", 1 * ms, 2 * ms}}));
    b.out(I8042::I8042_COMMAND_REG, I8042::I8042_CMD_KBD_DISABLE);
    CHECK(poll(b, 10 * ms).empty());
    b.out(I8042::I8042_COMMAND_REG, I8042::I8042_CMD_KBD_ENABLE);
    CHECK(values(poll(b, 20 * ms)) == std::vector<std::uint8_t>{0x1e, 0x9e});
}

TEST_CASE(
    "i8042: a bad key name is refused with the nearest valid one, and so is a character no key "
    "types") {
    CHECK(error_of("  - {type: i8042, keys: [{key: entr, press: 1ms}]}\n") ==
          "f.yaml:3:5: keys: unknown key 'entr' (did you mean 'enter'?)");
    CHECK(error_of("  - {type: i8042, keys: [{key: zzzzzz, press: 1ms}]}\n")
              .find("a key is one character") != std::string::npos);
    CHECK(error_of("  - {type: i8042, text: \"h\\u00e9\"}\n") ==
          "f.yaml:3:5: text: character '\\xc3' (at 1) has no key on a US keyboard");
    CHECK(error_of("  - {type: i8042, keys: [{key: a, press: 5ms, release: 1ms}]}\n") ==
          "f.yaml:3:5: keys: key 'a' is released before it is pressed");
    CHECK(error_of("  - {type: i8042, interval: 5ms}\n") ==
          "f.yaml:3:5: 'interval' times the typing of 'text': give a text");
    CHECK(error_of("  - {type: i8042, text: hello, interval: 20ms, keys: [{key: capslock, press: "
                   "1ms, release: 2ms}]}\n")
              .empty());
}

TEST_CASE("i8042 inject keys: each character is tapped from now, at the keyboard's pace ('a', 'B': 1e 9e 2a 30 b0 aa)") {
    Board b(I8042::Config{});
    b.m.run_until(5 * ms);
    CHECK(b.kbd.inputs() == std::vector<std::string>{"keys"});
    REQUIRE(b.kbd.inject("keys", "aB") == "");
    std::vector<Byte> got = poll(b, 30 * ms);
    CHECK(values(got) == std::vector<std::uint8_t>{0x1e, 0x9e, 0x2a, 0x30, 0xb0, 0xaa});
    REQUIRE(got.size() == 6);
    // The first make code reaches the output buffer one byte time (1 ms) after now.
    CHECK(got[0].at == 6 * ms);
    CHECK(b.kbd.keys_lost() == 0);
    CHECK(b.kbd.inject("keys", "\x01") == "keys: character '\\x01' (at 0) has no key on a US keyboard");
    CHECK(b.kbd.inject("keys", "") == "keys takes the text to type");
    CHECK(b.kbd.inject("irq", "") == "device i8042.0 takes no input 'irq'");
}

TEST_CASE("i8042 inject keys: text given faster than the keyboard sends is typed in order, nothing lost") {
    Board b(I8042::Config{});
    b.m.run_until(1 * ms);
    const std::string text = "The Quick Brown Fox Jumps";
    REQUIRE(b.kbd.inject("keys", text) == "");
    REQUIRE(b.kbd.inject("keys", "!") == "");  // after the text, not in the middle of it
    std::vector<std::uint8_t> got = values(poll(b, 500 * ms));
    CHECK(b.kbd.keys_lost() == 0);
    REQUIRE(got.size() >= 4);
    CHECK(std::vector<std::uint8_t>(got.end() - 4, got.end()) == std::vector<std::uint8_t>{0x2a, 0x02, 0x82, 0xaa});
}
