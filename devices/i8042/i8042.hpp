// i8042: the PC keyboard controller with an AT keyboard behind it (devices/i8042/README.md).
//
// Two ports. 0x60 (data): reading takes the byte in the one-byte output buffer and clears
// OBF; writing sends a byte to the keyboard, or the parameter of a controller command.
// 0x64: reading is the status register, writing a controller command. The keyboard has
// its own small buffer; its bytes travel to the controller over the PS/2 wire one at a
// time, ~1 ms each, and only while the output buffer is empty. The controller's IRQ 1
// output follows OBF while the command byte's KBDINT is set: the edge-triggered line sees
// one rising edge (a pulse) each time the output buffer fills.
//
// The keyboard speaks scancode set 1 as the host sees it with the controller's translation
// on (I8042_CTR_XLATE, the PC default): a make code per press, make | 0x80 per release,
// 0xe0 before an extended key's codes. A held key repeats its make code (typematic) after
// a delay at a rate, both set by the 0xf3 command. The LED command 0xed takes a mask
// (scroll 1, num 2, caps 4); the keyboard answers each byte with 0xfa (ACK).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "sim/event.hpp"

namespace irqlab::dev {

class I8042 final : public Device {
  public:
    // Ports (drivers/input/serio/i8042-io.h).
    static constexpr std::uint16_t I8042_DATA_REG = 0x60;
    static constexpr std::uint16_t I8042_STATUS_REG = 0x64;   // read
    static constexpr std::uint16_t I8042_COMMAND_REG = 0x64;  // write

    // Status register bits (include/linux/i8042.h).
    static constexpr std::uint8_t I8042_STR_PARITY = 0x80;  // parity error on the wire (never here)
    static constexpr std::uint8_t I8042_STR_TIMEOUT =
        0x40;  // the device did not answer (never here)
    static constexpr std::uint8_t I8042_STR_AUXDATA =
        0x20;  // the byte is the mouse's (no mouse here)
    static constexpr std::uint8_t I8042_STR_KEYLOCK =
        0x10;  // 1: the keyboard is not inhibited by the key lock
    static constexpr std::uint8_t I8042_STR_CMDDAT =
        0x08;  // the last write went to 0x64 (a command)
    // Datasheet: SYS, the system flag, set once the controller passed its self-test (the
    // BIOS did that). Linux names the bit after its meaning in active multiplexing mode.
    static constexpr std::uint8_t I8042_STR_MUXERR = 0x04;
    static constexpr std::uint8_t I8042_STR_IBF =
        0x02;  // input buffer full: the controller has not taken the last write
    static constexpr std::uint8_t I8042_STR_OBF = 0x01;  // output buffer full: a byte waits at 0x60

    // Command byte ("CTR") bits (include/linux/i8042.h).
    static constexpr std::uint8_t I8042_CTR_KBDINT = 0x01;  // a keyboard byte raises IRQ 1
    static constexpr std::uint8_t I8042_CTR_AUXINT = 0x02;  // a mouse byte raises IRQ 12
    static constexpr std::uint8_t I8042_CTR_SYSFLAG =
        0x04;  // datasheet: copied to the status register's SYS
    static constexpr std::uint8_t I8042_CTR_IGNKEYLOCK = 0x08;  // ignore the key lock
    static constexpr std::uint8_t I8042_CTR_KBDDIS =
        0x10;  // keyboard clock held: the keyboard cannot send
    static constexpr std::uint8_t I8042_CTR_AUXDIS = 0x20;  // mouse clock held
    static constexpr std::uint8_t I8042_CTR_XLATE = 0x40;   // translate set 2 to set 1
    // What a PC BIOS leaves with no mouse: keyboard interrupt on, translation on.
    static constexpr std::uint8_t kCtrDefault =
        I8042_CTR_KBDINT | I8042_CTR_SYSFLAG | I8042_CTR_AUXDIS | I8042_CTR_XLATE;

    // Controller commands: the low byte of Linux's I8042_CMD_* codes, whose upper nibbles
    // count the parameter and result bytes (I8042_CMD_CTL_RCTR is 0x0120: one result).
    static constexpr std::uint8_t I8042_CMD_CTL_RCTR = 0x20;  // read the command byte
    static constexpr std::uint8_t I8042_CMD_CTL_WCTR = 0x60;  // write it (next byte at 0x60)
    static constexpr std::uint8_t I8042_CMD_AUX_DISABLE = 0xa7;
    static constexpr std::uint8_t I8042_CMD_AUX_ENABLE = 0xa8;
    static constexpr std::uint8_t I8042_CMD_CTL_TEST =
        0xaa;  // self-test: answers I8042_RET_CTL_TEST
    static constexpr std::uint8_t I8042_CMD_KBD_TEST =
        0xab;  // keyboard interface test: answers 0 (ok)
    static constexpr std::uint8_t I8042_CMD_KBD_DISABLE = 0xad;
    static constexpr std::uint8_t I8042_CMD_KBD_ENABLE = 0xae;
    static constexpr std::uint8_t I8042_RET_CTL_TEST = 0x55;  // drivers/input/serio/i8042.h

    // Keyboard commands and answers: the low byte of atkbd.c's ATKBD_CMD_* codes.
    static constexpr std::uint8_t ATKBD_CMD_SETLEDS = 0xed;  // then the LED mask
    static constexpr std::uint8_t ATKBD_CMD_ECHO = 0xee;     // answers 0xee itself
    static constexpr std::uint8_t ATKBD_CMD_GETID =
        0xf2;  // ACK, then 0xab 0x41 (an MF2 keyboard, translated)
    static constexpr std::uint8_t ATKBD_CMD_SETREP = 0xf3;     // then the typematic byte
    static constexpr std::uint8_t ATKBD_CMD_ENABLE = 0xf4;     // start scanning
    static constexpr std::uint8_t ATKBD_CMD_RESET_DIS = 0xf5;  // defaults, stop scanning
    static constexpr std::uint8_t ATKBD_CMD_RESET_DEF = 0xf6;  // defaults
    static constexpr std::uint8_t ATKBD_CMD_RESEND = 0xfe;     // send the last byte again
    static constexpr std::uint8_t ATKBD_CMD_RESET_BAT = 0xff;  // ACK, self-test, then 0xaa
    static constexpr std::uint8_t ATKBD_RET_ACK = 0xfa;
    static constexpr std::uint8_t ATKBD_RET_NAK = 0xfe;    // "resend": not a command it knows
    static constexpr std::uint8_t ATKBD_RET_BAT = 0xaa;    // the self-test passed
    static constexpr std::uint8_t ATKBD_RET_EMUL0 = 0xe0;  // an extended key's prefix
    static constexpr std::uint8_t ATKBD_RET_ERR = 0xff;    // overrun: its buffer was full (set 1)
    static constexpr std::uint8_t kBreak = 0x80;           // set 1: release = make | 0x80

    // LED mask bits of ATKBD_CMD_SETLEDS (atkbd_set_leds()).
    static constexpr std::uint8_t kLedScroll = 0x01, kLedNum = 0x02, kLedCaps = 0x04;
    // The typematic byte after reset: 500 ms delay, 10.9 characters per second.
    static constexpr std::uint8_t kTypematicDefault = 0x2b;
    // The keyboard's own buffer, in bytes (real AT keyboards hold 16; the overrun code
    // takes one more slot once it overflows).
    static constexpr std::size_t kKeyboardBuffer = 16;

    // One key as the keyboard sends it.
    struct ScanKey {
        std::uint8_t code = 0;  // set 1 make code
        bool extended = false;  // sent after 0xe0
        bool operator==(const ScanKey&) const = default;
    };
    // A key name or character resolved: the key, and whether shift goes around it.
    struct Stroke {
        ScanKey key;
        bool shift = false;
    };
    // "a", "A", "!", "\n", "enter", "leftshift", "f5", "up" ... nullopt if none such.
    static std::optional<Stroke> stroke(const std::string& name);
    // The complaint about a key name, with a suggestion; "" if it is fine.
    static std::string check_key(const std::string& name);
    // The complaint about a text, naming the first character no key types; "" if fine.
    static std::string check_text(const std::string& text);

    struct KeyHold {
        std::string key;  // a key name or a character
        sim::Time press = 0;
        sim::Time release = sim::kNever;  // held to the end
    };
    static constexpr int kLine = 1;  // IRQ 1, as on every PC (I8042_KBD_IRQ)

    struct Config {
        std::string text;  // typed from `start`
        sim::Time start = 0;
        sim::Time interval = 100 * sim::kNsPerMs;  // between key presses
        sim::Time hold = 50 * sim::kNsPerMs;       // how long each key stays down
        std::vector<KeyHold> keys;                 // single keys at given times
    };

    I8042(Bus& bus, Config c, const std::string& instance);
    ~I8042() override;

    std::vector<struct resource> resources() const override;
    void start() override;
    std::string info() const override;
    std::vector<std::pair<std::string, std::int64_t>> counters() const override;
    std::vector<std::string> report() const override;
    // Live input: "keys", a text typed from now, each character a key tapped (pressed, and
    // released once its make code is on the wire), the next pressed once the keyboard has
    // sent the codes of the one before: as fast as the keyboard itself sends, in order.
    std::vector<std::string> inputs() const override { return {"keys"}; }
    std::string inject(const std::string& what, const std::string& arg) override;

    std::uint8_t leds() const { return leds_; }
    std::int64_t keys_lost() const { return keys_lost_; }

  private:
    // One port of the two; both lead to the same controller.
    struct Port final : public RegisterWindow {
        Port(I8042* o, std::uint16_t p) : owner(o), port(p) {}
        std::uint64_t read(std::uint64_t, int) override { return owner->port_read(port); }
        void write(std::uint64_t, std::uint64_t value, int) override {
            owner->port_write(port, static_cast<std::uint8_t>(value));
        }
        I8042* owner;
        std::uint16_t port;
    };
    struct KeyAction {
        sim::Time at;
        ScanKey key;
        bool press;
    };

    std::uint8_t port_read(std::uint16_t port);
    void port_write(std::uint16_t port, std::uint8_t value);

    void reset();           // every controller register to what the BIOS leaves
    void keyboard_reset();  // the keyboard's defaults (0xf5, 0xf6, 0xff)
    void update_irq();      // the IRQ 1 output as a function of OBF and the command byte
    void start_transfer();  // the keyboard sends its next byte if the wire and buffer allow

    // Engine events.
    void key_actions();       // presses and releases due now
    void keys_injected();     // the text inject() queued becomes presses and releases
    void typematic_repeat();  // the held key's make code again
    void transfer_done();     // a keyboard byte reaches the output buffer
    void host_byte_taken();   // the controller took the host's byte (command or for the keyboard)
    void controller_reply();  // a controller command's answer goes to the output buffer
    void bat_done();          // the keyboard's self-test after reset ends

    void key_event(ScanKey k, bool press);
    bool queue_scancode(ScanKey k, bool press);  // false: no room, the event is lost
    void keyboard_command(std::uint8_t byte);
    void controller_command(std::uint8_t cmd);
    void keyboard_answer(std::initializer_list<std::uint8_t> bytes);
    void set_leds(std::uint8_t mask);
    sim::Time typematic_delay() const;
    sim::Time typematic_period() const;

    Config c_;
    IrqOutput* out_;
    Port data_port_{this, I8042_DATA_REG}, status_port_{this, I8042_STATUS_REG};
    std::vector<KeyAction> actions_;  // sorted by time, stable
    std::size_t next_action_ = 0;
    std::string injected_;            // text inject() queued, not yet typed
    sim::Time typed_until_ = 0;       // when the last injected key's codes are all sent

    // The controller.
    std::uint8_t status_ = 0, ctr_ = 0, output_ = 0;
    bool irq_high_ = false;              // the IRQ 1 output: OBF && KBDINT
    std::optional<std::uint8_t> input_;  // the host's byte in the input buffer (IBF)
    bool input_is_command_ = false;
    bool expect_ctr_ = false;            // the next data byte is the command byte (after WCTR)
    std::optional<std::uint8_t> reply_;  // a controller answer waiting for the output buffer

    // The keyboard.
    std::deque<std::uint8_t> kbd_buffer_;     // front: the byte on the wire or next to go
    bool overrun_queued_ = false;             // the overrun code is in the buffer
    std::optional<std::uint8_t> kbd_expect_;  // a command waiting for its parameter
    std::uint8_t last_sent_ = 0;              // for ATKBD_CMD_RESEND
    bool scanning_ = true;
    std::uint8_t leds_ = 0;
    std::uint8_t typematic_ = kTypematicDefault;
    std::optional<ScanKey> repeating_;  // the key typematic repeats (the last pressed)
    std::vector<ScanKey> down_;         // keys held down

    // What happened.
    std::int64_t keys_pressed_ = 0, bytes_sent_ = 0, keys_lost_ = 0, repeats_ = 0;
    std::vector<std::pair<sim::Time, std::uint8_t>> led_changes_;

    sim::MemberEvent<&I8042::key_actions> key_ev_;
    sim::MemberEvent<&I8042::keys_injected> inject_ev_;
    sim::MemberEvent<&I8042::typematic_repeat> repeat_ev_;
    sim::MemberEvent<&I8042::transfer_done> transfer_ev_;
    sim::MemberEvent<&I8042::host_byte_taken> input_ev_;
    sim::MemberEvent<&I8042::controller_reply> reply_ev_;
    sim::MemberEvent<&I8042::bat_done> bat_ev_;
};

}  // namespace irqlab::dev
