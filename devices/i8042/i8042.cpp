#include "devices/i8042/i8042.hpp"

#include <algorithm>
#include <cstdio>

namespace irqlab::dev {

namespace {
// A PS/2 byte is 11 bits (start, 8 data, parity, stop) clocked by the device at 10-16.7 kHz:
// 0.66-1.1 ms on the wire, either way. One millisecond here.
constexpr sim::Time kByteTime = 1 * sim::kNsPerMs;
// The 8042's firmware takes a command from its input buffer and answers it in a few tens
// of microseconds (an 8-bit microcontroller polling its ports between other work).
constexpr sim::Time kCommandTime = 20 * sim::kNsPerUs;
// The keyboard's basic assurance test after ATKBD_CMD_RESET_BAT: 300-500 ms on real ones.
constexpr sim::Time kBatTime = 500 * sim::kNsPerMs;

constexpr std::uint8_t kLeftShift = 0x2a;

// Named keys: Linux's KEY_* names in lower case (input-event-codes.h), and their set 1
// make codes. Set 1 codes 0x01-0x58 equal the Linux keycodes, so KEY_A is 30 = 0x1e.
struct NamedKey {
    const char* name;
    std::uint8_t code;
    bool extended;
};
constexpr NamedKey kNamedKeys[] = {
    {"esc", 0x01, false},        {"backspace", 0x0e, false}, {"tab", 0x0f, false},
    {"enter", 0x1c, false},      {"leftctrl", 0x1d, false},  {"ctrl", 0x1d, false},
    {"leftshift", 0x2a, false},  {"shift", 0x2a, false},     {"rightshift", 0x36, false},
    {"leftalt", 0x38, false},    {"alt", 0x38, false},       {"space", 0x39, false},
    {"capslock", 0x3a, false},   {"f1", 0x3b, false},        {"f2", 0x3c, false},
    {"f3", 0x3d, false},         {"f4", 0x3e, false},        {"f5", 0x3f, false},
    {"f6", 0x40, false},         {"f7", 0x41, false},        {"f8", 0x42, false},
    {"f9", 0x43, false},         {"f10", 0x44, false},       {"numlock", 0x45, false},
    {"scrolllock", 0x46, false}, {"f11", 0x57, false},       {"f12", 0x58, false},
    {"kpenter", 0x1c, true},     {"rightctrl", 0x1d, true},  {"rightalt", 0x38, true},
    {"home", 0x47, true},        {"up", 0x48, true},         {"pageup", 0x49, true},
    {"left", 0x4b, true},        {"right", 0x4d, true},      {"end", 0x4f, true},
    {"down", 0x50, true},        {"pagedown", 0x51, true},   {"insert", 0x52, true},
    {"delete", 0x53, true},
};

// The characters of a US keyboard: unshifted and shifted, by set 1 make code.
struct CharKey {
    std::uint8_t code;
    char plain, shifted;
};
constexpr CharKey kCharKeys[] = {
    {0x02, '1', '!'},   {0x03, '2', '@'},   {0x04, '3', '#'},   {0x05, '4', '$'},
    {0x06, '5', '%'},   {0x07, '6', '^'},   {0x08, '7', '&'},   {0x09, '8', '*'},
    {0x0a, '9', '('},   {0x0b, '0', ')'},   {0x0c, '-', '_'},   {0x0d, '=', '+'},
    {0x10, 'q', 'Q'},   {0x11, 'w', 'W'},   {0x12, 'e', 'E'},   {0x13, 'r', 'R'},
    {0x14, 't', 'T'},   {0x15, 'y', 'Y'},   {0x16, 'u', 'U'},   {0x17, 'i', 'I'},
    {0x18, 'o', 'O'},   {0x19, 'p', 'P'},   {0x1a, '[', '{'},   {0x1b, ']', '}'},
    {0x1e, 'a', 'A'},   {0x1f, 's', 'S'},   {0x20, 'd', 'D'},   {0x21, 'f', 'F'},
    {0x22, 'g', 'G'},   {0x23, 'h', 'H'},   {0x24, 'j', 'J'},   {0x25, 'k', 'K'},
    {0x26, 'l', 'L'},   {0x27, ';', ':'},   {0x28, '\'', '"'},  {0x29, '`', '~'},
    {0x2b, '\\', '|'},  {0x2c, 'z', 'Z'},   {0x2d, 'x', 'X'},   {0x2e, 'c', 'C'},
    {0x2f, 'v', 'V'},   {0x30, 'b', 'B'},   {0x31, 'n', 'N'},   {0x32, 'm', 'M'},
    {0x33, ',', '<'},   {0x34, '.', '>'},   {0x35, '/', '?'},   {0x39, ' ', ' '},
    {0x1c, '\n', '\n'}, {0x0f, '\t', '\t'}, {0x0e, '\b', '\b'}, {0x01, '\x1b', '\x1b'},
};

// Levenshtein distance, for "did you mean".
std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string printable(char ch) {
    char buf[16];
    if (ch >= 0x20 && ch < 0x7f)
        std::snprintf(buf, sizeof buf, "'%c'", ch);
    else
        std::snprintf(buf, sizeof buf, "'\\x%02x'", static_cast<unsigned char>(ch));
    return buf;
}

std::string led_names(std::uint8_t leds) {
    std::string s;
    auto add = [&](std::uint8_t bit, const char* name) {
        if (!(leds & bit)) return;
        if (!s.empty()) s += ",";
        s += name;
    };
    add(I8042::kLedCaps, "caps");
    add(I8042::kLedNum, "num");
    add(I8042::kLedScroll, "scroll");
    return s.empty() ? "off" : s;
}
}  // namespace

// --- key names ---------------------------------------------------------------------------

std::optional<I8042::Stroke> I8042::stroke(const std::string& name) {
    if (name.size() == 1) {
        for (const CharKey& k : kCharKeys) {
            if (name[0] == k.plain) return Stroke{{k.code, false}, false};
            if (name[0] == k.shifted) return Stroke{{k.code, false}, true};
        }
        return std::nullopt;
    }
    for (const NamedKey& k : kNamedKeys)
        if (name == k.name) return Stroke{{k.code, k.extended}, false};
    return std::nullopt;
}

std::string I8042::check_key(const std::string& name) {
    if (stroke(name)) return "";
    std::string msg = "unknown key '" + name + "'";
    const char* best = nullptr;
    std::size_t best_d = 3;  // suggest only a near miss
    for (const NamedKey& k : kNamedKeys) {
        std::size_t d = distance(name, k.name);
        if (d < best_d) best_d = d, best = k.name;
    }
    if (best) return msg + " (did you mean '" + best + "'?)";
    return msg +
           " (a key is one character, like 'a' or 'A', or a name: enter, space, tab, backspace, "
           "esc, "
           "shift, ctrl, alt, capslock, up, down, left, right, f1...)";
}

std::string I8042::check_text(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!stroke(std::string(1, text[i])))
            return "text: character " + printable(text[i]) + " (at " + std::to_string(i) +
                   ") has no key on a US keyboard";
    return "";
}

// --- the model ---------------------------------------------------------------------------

I8042::I8042(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "i8042", instance),
      c_(std::move(c)),
      out_(&bus.connect_irq(kLine, instance)),
      key_ev_(this, "i8042: keys pressed or released", sim::Priority::Stimulus),
      inject_ev_(this, "i8042: injected keys reach the keyboard", sim::Priority::Stimulus),
      repeat_ev_(this, "i8042: typematic repeat of the held key"),
      transfer_ev_(this, "i8042: a keyboard byte reaches the output buffer"),
      input_ev_(this, "i8042: the controller takes the host's byte"),
      reply_ev_(this, "i8042: the controller's answer goes to the output buffer"),
      bat_ev_(this, "i8042: the keyboard's self-test (BAT) ends") {
    // The stimulus, as timed actions: text first, then single keys; a shifted character
    // presses shift with the key and releases it with the key.
    auto add = [&](const std::string& name, sim::Time press, sim::Time release) {
        std::optional<Stroke> s = stroke(name);
        if (!s) return;  // the type's check() refused it already
        if (s->shift) actions_.push_back({press, {kLeftShift, false}, true});
        actions_.push_back({press, s->key, true});
        if (release == sim::kNever) return;
        actions_.push_back({release, s->key, false});
        if (s->shift) actions_.push_back({release, {kLeftShift, false}, false});
    };
    for (std::size_t i = 0; i < c_.text.size(); ++i) {
        sim::Time at = c_.start + static_cast<sim::Time>(i) * c_.interval;
        add(std::string(1, c_.text[i]), at, at + c_.hold);
    }
    for (const KeyHold& k : c_.keys) add(k.key, k.press, k.release);
    std::stable_sort(actions_.begin(), actions_.end(),
                     [](const KeyAction& a, const KeyAction& b) { return a.at < b.at; });
    bus.map_ports(I8042_DATA_REG, 1, &data_port_, instance);
    bus.map_ports(I8042_STATUS_REG, 1, &status_port_, instance);
    reset();
}

I8042::~I8042() {
    bus_.unmap(&data_port_);
    bus_.unmap(&status_port_);
}

void I8042::reset() {
    status_ = I8042_STR_MUXERR | I8042_STR_KEYLOCK;
    ctr_ = kCtrDefault;
    output_ = 0;
    irq_high_ = false;
    input_.reset();
    input_is_command_ = false;
    expect_ctr_ = false;
    reply_.reset();
    kbd_buffer_.clear();
    overrun_queued_ = false;
    last_sent_ = 0;
    leds_ = 0;
    down_.clear();
    keyboard_reset();
}

void I8042::keyboard_reset() {
    typematic_ = kTypematicDefault;
    kbd_expect_.reset();
    repeating_.reset();
    if (repeat_ev_.scheduled()) bus_.engine().deschedule(repeat_ev_);
    scanning_ = true;
}

std::vector<struct resource> I8042::resources() const {
    return {io_resource(I8042_DATA_REG, 1), io_resource(I8042_COMMAND_REG, 1), irq_resource(kLine, false)};
}

void I8042::start() {
    if (!actions_.empty()) bus_.engine().schedule(key_ev_, std::max(actions_[0].at, bus_.now()));
}

std::string I8042::info() const {
    char buf[200];
    std::snprintf(
        buf, sizeof buf,
        "%s: IRQ %d: status=%#04x ctr=%#04x output=%#04x%s, keyboard buffer %zu/%zu, LEDs %s, "
        "typematic %s/%s",
        instance_.c_str(), kLine, status_, ctr_, output_,
        (status_ & I8042_STR_OBF) ? " (full)" : "", kbd_buffer_.size(), kKeyboardBuffer,
        led_names(leds_).c_str(), sim::format_time(typematic_delay()).c_str(),
        sim::format_time(typematic_period()).c_str());
    return buf;
}

std::vector<std::pair<std::string, std::int64_t>> I8042::counters() const {
    return {{"keys_pressed", keys_pressed_},
            {"bytes_sent", bytes_sent_},
            {"keys_lost", keys_lost_},
            {"repeats", repeats_},
            {"leds", leds_}};
}

std::vector<std::string> I8042::report() const {
    std::vector<std::string> out;
    for (const auto& [at, leds] : led_changes_)
        out.push_back(sim::format_time(at) + " LEDs " + led_names(leds));
    return out;
}

// The typematic byte (ATKBD_CMD_SETREP): bits 5-6 the delay, (1 + D) * 250 ms; bits 0-4
// the period, (8 + A) * 2^B / 240 s with A bits 0-2 and B bits 3-4 (0x0b: 10.9 per second).
sim::Time I8042::typematic_delay() const {
    return (1 + ((typematic_ >> 5) & 3)) * 250 * sim::kNsPerMs;
}

sim::Time I8042::typematic_period() const {
    sim::Time a = typematic_ & 7, b = (typematic_ >> 3) & 3;
    return (8 + a) * (sim::Time{1} << b) * sim::kNsPerSec / 240;
}

// QEMU's rule: the output is a function of the registers, recomputed after each change.
// The 8042's IRQ 1 pin follows OBF (for a keyboard byte) while KBDINT is set; the
// edge-triggered ISA line sees its rising edge, one pulse per byte.
void I8042::update_irq() {
    bool high =
        (status_ & I8042_STR_OBF) && !(status_ & I8042_STR_AUXDATA) && (ctr_ & I8042_CTR_KBDINT);
    if (high && !irq_high_) out_->pulse();
    irq_high_ = high;
}

// --- the ports -------------------------------------------------------------------------

std::uint8_t I8042::port_read(std::uint16_t port) {
    if (port == I8042_STATUS_REG) return status_;
    // The data port: the byte stays readable; only OBF tells whether it is new.
    std::uint8_t value = output_;
    if (status_ & I8042_STR_OBF) {
        status_ &= static_cast<std::uint8_t>(~I8042_STR_OBF);
        update_irq();
        if (reply_) {
            if (!reply_ev_.scheduled())
                bus_.engine().schedule(reply_ev_, bus_.now() + kCommandTime);
        } else {
            start_transfer();
        }
    }
    return value;
}

// A write fills the input buffer (IBF) until the controller takes it: a command or a
// command's parameter at once, a byte for the keyboard once it has crossed the wire. A
// second write before that overwrites the first, as on the chip (drivers wait for IBF
// to clear: i8042_wait_write()).
void I8042::port_write(std::uint16_t port, std::uint8_t value) {
    bool command = port == I8042_COMMAND_REG;
    if (command)
        status_ |= I8042_STR_CMDDAT;
    else
        status_ &= static_cast<std::uint8_t>(~I8042_STR_CMDDAT);
    input_ = value;
    input_is_command_ = command;
    status_ |= I8042_STR_IBF;
    sim::Time when = bus_.now() + (command || expect_ctr_ ? kCommandTime : kByteTime);
    if (input_ev_.scheduled())
        bus_.engine().reschedule(input_ev_, when);
    else
        bus_.engine().schedule(input_ev_, when);
}

void I8042::host_byte_taken() {
    std::uint8_t value = *input_;
    input_.reset();
    status_ &= static_cast<std::uint8_t>(~I8042_STR_IBF);
    if (input_is_command_) {
        controller_command(value);
    } else if (expect_ctr_) {
        expect_ctr_ = false;
        ctr_ = value;
        update_irq();
        start_transfer();  // KBDDIS may have changed
    } else {
        keyboard_command(value);  // it reached the keyboard
    }
}

void I8042::controller_command(std::uint8_t cmd) {
    expect_ctr_ = false;
    switch (cmd) {
        case I8042_CMD_CTL_RCTR:
            reply_ = ctr_;
            break;
        case I8042_CMD_CTL_WCTR:
            expect_ctr_ = true;
            break;
        case I8042_CMD_AUX_DISABLE:
            ctr_ |= I8042_CTR_AUXDIS;
            break;
        case I8042_CMD_AUX_ENABLE:
            ctr_ &= static_cast<std::uint8_t>(~I8042_CTR_AUXDIS);
            break;
        case I8042_CMD_CTL_TEST:
            reply_ = I8042_RET_CTL_TEST;
            break;
        case I8042_CMD_KBD_TEST:
            reply_ = 0x00;
            break;  // no clock or data line stuck
        case I8042_CMD_KBD_DISABLE:
            ctr_ |= I8042_CTR_KBDDIS;
            break;
        case I8042_CMD_KBD_ENABLE:
            ctr_ &= static_cast<std::uint8_t>(~I8042_CTR_KBDDIS);
            start_transfer();
            break;
        default:
            break;  // commands of the mouse port and the output port: not modelled
    }
    if (reply_) controller_reply();
}

void I8042::controller_reply() {
    if (!reply_ || (status_ & I8042_STR_OBF)) return;  // a read of 0x60 brings it back
    output_ = *reply_;
    reply_.reset();
    status_ |= I8042_STR_OBF;
    status_ &= static_cast<std::uint8_t>(~I8042_STR_AUXDATA);
    update_irq();
}

// --- the keyboard ------------------------------------------------------------------------

// The keyboard may send while the controller lets it: the output buffer empty, its clock
// not held (KBDDIS), no controller answer waiting.
void I8042::start_transfer() {
    if (transfer_ev_.scheduled() || kbd_buffer_.empty()) return;
    if ((status_ & I8042_STR_OBF) || (ctr_ & I8042_CTR_KBDDIS) || reply_) return;
    bus_.engine().schedule(transfer_ev_, bus_.now() + kByteTime);
}

void I8042::transfer_done() {
    // The output buffer filled meanwhile (a controller answer): the keyboard sends again later.
    if (kbd_buffer_.empty() || (status_ & I8042_STR_OBF)) return;
    output_ = kbd_buffer_.front();
    kbd_buffer_.pop_front();
    if (output_ == ATKBD_RET_ERR) overrun_queued_ = false;
    last_sent_ = output_;
    ++bytes_sent_;
    status_ |= I8042_STR_OBF;
    status_ &= static_cast<std::uint8_t>(~I8042_STR_AUXDATA);
    update_irq();
}

// A key's codes go into the keyboard's buffer whole, or not at all: the event is lost and
// counted, and the keyboard queues its overrun code once.
bool I8042::queue_scancode(ScanKey k, bool press) {
    std::size_t need = k.extended ? 2 : 1;
    std::size_t used = kbd_buffer_.size() - (overrun_queued_ ? 1 : 0);
    if (used + need > kKeyboardBuffer) {
        ++keys_lost_;
        if (!overrun_queued_) {
            kbd_buffer_.push_back(ATKBD_RET_ERR);
            overrun_queued_ = true;
        }
        start_transfer();
        return false;
    }
    if (k.extended) kbd_buffer_.push_back(ATKBD_RET_EMUL0);
    kbd_buffer_.push_back(press ? k.code : static_cast<std::uint8_t>(k.code | kBreak));
    start_transfer();
    return true;
}

// The keyboard answers a command before the keys it holds: its answer goes in front of
// them, behind the byte on the wire (and the rest of that key's 0xe0 sequence).
void I8042::keyboard_answer(std::initializer_list<std::uint8_t> bytes) {
    std::size_t pos = 0;
    if (transfer_ev_.scheduled() && !kbd_buffer_.empty()) {
        pos = 1;
        if (kbd_buffer_.front() == ATKBD_RET_EMUL0 && kbd_buffer_.size() > 1) pos = 2;
    }
    kbd_buffer_.insert(kbd_buffer_.begin() + static_cast<std::ptrdiff_t>(pos), bytes.begin(),
                       bytes.end());
    start_transfer();
}

void I8042::keyboard_command(std::uint8_t byte) {
    if (kbd_expect_ && byte < 0x80) {  // the parameter (a command byte instead starts over)
        std::uint8_t cmd = *kbd_expect_;
        kbd_expect_.reset();
        if (cmd == ATKBD_CMD_SETLEDS)
            set_leds(byte & (kLedScroll | kLedNum | kLedCaps));
        else
            typematic_ = byte & 0x7f;
        keyboard_answer({ATKBD_RET_ACK});
        return;
    }
    kbd_expect_.reset();
    switch (byte) {
        case ATKBD_CMD_SETLEDS:
        case ATKBD_CMD_SETREP:
            kbd_expect_ = byte;
            keyboard_answer({ATKBD_RET_ACK});
            break;
        case ATKBD_CMD_ECHO:
            keyboard_answer({ATKBD_CMD_ECHO});
            break;
        case ATKBD_CMD_GETID:
            keyboard_answer({ATKBD_RET_ACK, 0xab, 0x41});
            break;
        case ATKBD_CMD_ENABLE:
            scanning_ = true;
            keyboard_answer({ATKBD_RET_ACK});
            break;
        case ATKBD_CMD_RESET_DIS:
            keyboard_reset();
            scanning_ = false;
            keyboard_answer({ATKBD_RET_ACK});
            break;
        case ATKBD_CMD_RESET_DEF:
            keyboard_reset();
            keyboard_answer({ATKBD_RET_ACK});
            break;
        case ATKBD_CMD_RESEND:
            keyboard_answer({last_sent_});
            break;
        case ATKBD_CMD_RESET_BAT:
            keyboard_reset();
            set_leds(0);
            scanning_ = false;  // until the self-test ends
            keyboard_answer({ATKBD_RET_ACK});
            bus_.engine().schedule(bat_ev_, bus_.now() + kBatTime);
            break;
        default:
            keyboard_answer({ATKBD_RET_NAK});
            break;
    }
}

void I8042::bat_done() {
    scanning_ = true;
    keyboard_answer({ATKBD_RET_BAT});
}

void I8042::set_leds(std::uint8_t mask) {
    if (mask == leds_) return;
    leds_ = mask;
    led_changes_.emplace_back(bus_.now(), mask);
}

void I8042::key_actions() {
    sim::Time now = bus_.now();
    while (next_action_ < actions_.size() && actions_[next_action_].at <= now) {
        const KeyAction& a = actions_[next_action_++];
        key_event(a.key, a.press);
    }
    if (next_action_ < actions_.size()) bus_.engine().schedule(key_ev_, actions_[next_action_].at);
}

// From outside (the stepper, live mode): the text becomes key actions in an event of its
// own at the current time, never inside key_actions(), which a breakpoint may have paused.
std::string I8042::inject(const std::string& what, const std::string& arg) {
    if (what != "keys") return Device::inject(what, arg);
    if (arg.empty()) return "keys takes the text to type";
    if (std::string e = check_text(arg); !e.empty()) return "keys" + e.substr(e.find(':'));
    injected_ += arg;
    if (!inject_ev_.scheduled()) bus_.engine().schedule(inject_ev_, bus_.now());
    return "";
}

// Each character is a tap: pressed (with shift for 'A' or '!'), released when its make
// codes would be on the wire, and the next one pressed when its break codes would be: the
// keyboard's own pace (kByteTime a byte), so typed text alone never overruns its buffer.
// The taps go into the stimulus's list of actions, key_actions() plays them.
void I8042::keys_injected() {
    actions_.erase(actions_.begin(), actions_.begin() + static_cast<std::ptrdiff_t>(next_action_));
    next_action_ = 0;
    sim::Time t = std::max(bus_.now(), typed_until_);
    auto add = [this](KeyAction a) {
        auto pos = std::upper_bound(actions_.begin(), actions_.end(), a.at,
                                    [](sim::Time at, const KeyAction& x) { return at < x.at; });
        actions_.insert(pos, a);
    };
    for (char ch : injected_) {
        std::optional<Stroke> s = stroke(std::string(1, ch));
        if (!s) continue;  // inject() refused such text
        sim::Time codes = (s->shift ? 1 : 0) + (s->key.extended ? 2 : 1);  // bytes of its make codes
        if (s->shift) add({t, {kLeftShift, false}, true});
        add({t, s->key, true});
        sim::Time up = t + codes * kByteTime;
        add({up, s->key, false});
        if (s->shift) add({up, {kLeftShift, false}, false});
        t = up + codes * kByteTime;
    }
    injected_.clear();
    typed_until_ = t;
    if (!actions_.empty()) bus_.engine().reschedule(key_ev_, std::max(actions_[0].at, bus_.now()));
}

// A press sends the make code and makes this key the one typematic repeats; its release
// sends the break code and stops the repeat. A keyboard that is not scanning (0xf5, or in
// its self-test) does not see keys at all.
void I8042::key_event(ScanKey k, bool press) {
    if (!scanning_) return;
    auto held = std::find(down_.begin(), down_.end(), k);
    if (press) {
        ++keys_pressed_;
        if (held == down_.end()) down_.push_back(k);
        queue_scancode(k, true);
        repeating_ = k;
        sim::Time when = bus_.now() + typematic_delay();
        if (repeat_ev_.scheduled())
            bus_.engine().reschedule(repeat_ev_, when);
        else
            bus_.engine().schedule(repeat_ev_, when);
        return;
    }
    if (held != down_.end()) down_.erase(held);
    queue_scancode(k, false);
    if (repeating_ && *repeating_ == k) {
        repeating_.reset();
        if (repeat_ev_.scheduled()) bus_.engine().deschedule(repeat_ev_);
    }
}

void I8042::typematic_repeat() {
    if (!repeating_ || !scanning_) return;
    ++repeats_;
    queue_scancode(*repeating_, true);
    bus_.engine().schedule(repeat_ev_, bus_.now() + typematic_period());
}

// --- registration --------------------------------------------------------------------

namespace {

I8042::Config config_of(const Params& p) {
    I8042::Config c;
    if (p.count("text")) c.text = p.at("text").text;
    if (p.count("start")) c.start = p.at("start").number;
    if (p.count("interval")) c.interval = p.at("interval").number;
    if (p.count("hold")) c.hold = p.at("hold").number;
    if (p.count("keys"))
        for (const EventValue& e : p.at("keys").events) {
            I8042::KeyHold k;
            k.key = e.texts.at("key");
            k.press = e.times.at("press");
            if (auto it = e.times.find("release"); it != e.times.end()) k.release = it->second;
            c.keys.push_back(k);
        }
    return c;
}

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    return std::make_unique<I8042>(bus, config_of(p), instance);
}

std::string check(const Params& p) {
    if (p.count("text")) {
        if (std::string e = I8042::check_text(p.at("text").text); !e.empty()) return e;
    } else {
        for (const char* k : {"start", "interval", "hold"})
            if (p.count(k))
                return std::string("'") + k + "' times the typing of 'text': give a text";
    }
    if (p.count("interval") && p.at("interval").number <= 0)
        return "interval: keys need time between them (> 0)";
    if (p.count("hold") && p.at("hold").number <= 0)
        return "hold: a key stays down for some time (> 0)";
    if (p.count("keys"))
        for (const EventValue& e : p.at("keys").events) {
            if (std::string err = I8042::check_key(e.texts.at("key")); !err.empty())
                return "keys: " + err;
            auto rel = e.times.find("release");
            if (rel != e.times.end() && rel->second <= e.times.at("press"))
                return "keys: key '" + e.texts.at("key") + "' is released before it is pressed";
        }
    return "";
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "i8042",
    "atkbd",
    "the PC keyboard controller (ports 0x60/0x64, IRQ 1) with an AT keyboard: typed text and keys",
    {
        {"text", K::Text, "characters typed, like \"hello\\n\" (shift is pressed for 'A' or '!')"},
        {"start", K::Time, "when typing the text starts (default 0)"},
        {"interval", K::Time, "time between key presses of the text (default 100ms)"},
        {"hold", K::Time, "how long each key of the text is held down (default 50ms)"},
        {"keys",
         K::Events,
         "single keys: [{key: capslock, press: 1ms, release: 60ms}]; no release: held to the end",
         {},
         0,
         0,
         false,
         {{"key", false, true}, {"press", true, true}, {"release", true, false}}},
    },
    check,
    make,
    {"text", "start", "interval", "hold", "keys"},
    {},
}};

}  // namespace

}  // namespace irqlab::dev
