#include "devices/uart16550/uart16550.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace irqlab::dev {

namespace {

// The far end's frame: start, 8 data bits, no parity, 1 stop bit.
constexpr std::uint64_t kWireBits = 10;
// A receiver samples each bit in its middle: a rate off by more than this makes the
// sampling point drift out of the last bit before the stop bit ends.
constexpr int kRateTolerancePercent = 2;
// The character timeout fires after this many character times of silence (PC16550D,
// "FIFO Interrupt Mode Operation").
constexpr int kTimeoutChars = 4;
// The modem inputs a terminal on the other end of a null-modem cable drives.
constexpr std::uint8_t kFarEndInputs = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;

}  // namespace

Uart16550::Uart16550(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "uart16550", instance),
      c_(std::move(c)),
      out_(bus.connect_irq(c_.line, instance)),
      wire_ev_(this, "uart16550: a byte's stop bit ends on the wire"),
      inject_ev_(this, "uart16550: injected bytes reach the far end", sim::Priority::Stimulus),
      tx_ev_(this, "uart16550: the transmit shift register is empty"),
      timeout_ev_(this, "uart16550: character timeout (4 character times)"),
      thre_ev_(this, "uart16550: the delayed THRE interrupt") {
    bursts_ = c_.rx;
    std::stable_sort(bursts_.begin(), bursts_.end(), [](const Burst& a, const Burst& b) { return a.at < b.at; });
    bus.map_ports(c_.base, kPorts, this, instance);
    dll_ = dlm_ = 0;  // power-on: no clock until the driver programs a divisor
    scr_ = 0;
    reset();
}

Uart16550::~Uart16550() { bus_.unmap(this); }

// Master reset (PC16550D, "UART Reset Configuration"): IER, FCR, LCR, MCR and the LSR/MSR
// state cleared, LSR = THRE | TEMT, IIR = NO_INT. The divisor latch and SCR keep their
// contents.
void Uart16550::reset() {
    ier_ = fcr_ = lcr_ = mcr_ = 0;
    lsr_errors_ = 0;
    msr_delta_ = 0;
    rx_fifo_.clear();
    tx_fifo_.clear();
    tsr_busy_ = false;
    thre_pending_ = timeout_pending_ = tx_had_two_ = false;
    msr_inputs_ = kFarEndInputs;
    intr_ = false;
}

std::vector<struct resource> Uart16550::resources() const {
    return {io_resource(c_.base, kPorts), irq_resource(c_.line, false)};  // an ISA line
}

void Uart16550::start() { schedule_wire(); }

// --- timing ----------------------------------------------------------------------------

// One bit is 16 clocks of the baud generator, which divides the 1.8432 MHz crystal by the
// divisor latch. Counted in half bits for the 1.5 stop bits of a 5-bit word.
unsigned Uart16550::half_bits() const {
    unsigned data = 5 + (lcr_ & 0x03);
    unsigned parity = (lcr_ & UART_LCR_PARITY) ? 1 : 0;
    unsigned stop_halves = !(lcr_ & UART_LCR_STOP) ? 2 : data == 5 ? 3 : 4;
    return 2 * (1 + data + parity) + stop_halves;
}

sim::Time Uart16550::char_time() const {
    std::uint64_t div = divisor();
    if (div == 0) return 0;
    std::uint64_t num = std::uint64_t{half_bits()} * 8 * div * static_cast<std::uint64_t>(sim::kNsPerSec);
    return static_cast<sim::Time>((num + kClockHz / 2) / kClockHz);
}

bool Uart16550::matches_line() const {
    std::uint64_t div = divisor();
    if (div == 0) return false;
    if ((lcr_ & 0x0f) != UART_LCR_WLEN8) return false;  // 8 data bits, 1 stop, no parity
    std::int64_t rate = static_cast<std::int64_t>(kClockHz / 16 / div);
    std::int64_t want = c_.baud;
    return std::llabs(rate - want) * 100 <= want * kRateTolerancePercent;
}

unsigned Uart16550::rx_trigger() const {
    static constexpr unsigned kLevels[4] = {1, 4, 8, 14};  // PC16550D: FCR bits 7:6
    return fifo_mode() ? kLevels[UART_FCR_R_TRIG_BITS(fcr_)] : 1;
}

// --- the interrupt ---------------------------------------------------------------------

// Interrupt identification (PC16550D, "Interrupt Control Functions"), highest priority first:
//   RLSI   line status: OE, PE, FE or BI             cleared by reading LSR
//   RDI    received data at the trigger level         cleared when the FIFO drops below it
//   RX_TIMEOUT  characters below the trigger, 4 character times with nothing in or out
//                                                      cleared by reading RBR
//   THRI   THR (the TX FIFO) empty                    cleared by reading IIR (if it is the
//                                                      source) or writing THR
//   MSI    a modem status delta                       cleared by reading MSR
// RDI and the timeout share the second level; RDI is reported when both hold.
std::uint8_t Uart16550::iir() const {
    std::uint8_t id = UART_IIR_NO_INT;
    if ((ier_ & UART_IER_RLSI) && (lsr_errors_ & UART_LSR_BRK_ERROR_BITS))
        id = UART_IIR_RLSI;
    else if ((ier_ & UART_IER_RDI) && !rx_fifo_.empty() && rx_fifo_.size() >= rx_trigger())
        id = UART_IIR_RDI;
    else if ((ier_ & UART_IER_RDI) && timeout_pending_)
        id = UART_IIR_RX_TIMEOUT;
    else if ((ier_ & UART_IER_THRI) && thre_pending_)
        id = UART_IIR_THRI;
    else if ((ier_ & UART_IER_MSI) && msr_delta_)
        id = UART_IIR_MSI;
    return id | (fifo_mode() ? UART_IIR_FIFO_ENABLED_16550A : UART_IIR_FIFO_ENABLED_8250);
}

// QEMU's rule (serial_update_irq): the pin is a function of the registers, recomputed
// after every change. INTR reaches the ISA line only through OUT2, and not in loopback,
// where OUT2 is looped to DCD instead of driving the buffer.
void Uart16550::update_irq() {
    bool pending = !(iir() & UART_IIR_NO_INT);
    bool line = pending && (mcr_ & UART_MCR_OUT2) && !(mcr_ & UART_MCR_LOOP);
    if (line && !intr_) ++interrupts_;
    intr_ = line;
    out_.set(line);
}

// --- registers -------------------------------------------------------------------------

std::uint8_t Uart16550::lsr() const {
    std::uint8_t v = lsr_errors_;
    if (!rx_fifo_.empty()) v |= UART_LSR_DR;
    if (tx_fifo_.empty()) v |= UART_LSR_THRE;
    if (tx_fifo_.empty() && !tsr_busy_) v |= UART_LSR_TEMT;
    // FIFOE: a character with a parity or framing error or a break is in the FIFO.
    if (fifo_mode() && std::any_of(rx_fifo_.begin(), rx_fifo_.end(), [](const RxChar& ch) { return ch.errors; }))
        v |= UART_LSR_FIFOE;
    return v;
}

std::uint8_t Uart16550::msr() const { return msr_inputs_ | msr_delta_; }

std::uint64_t Uart16550::read(std::uint64_t offset, int) {
    bool dlab = lcr_ & UART_LCR_DLAB;
    switch (offset) {
        case UART_RX: return dlab ? dll_ : read_rbr();
        case UART_IER: return dlab ? dlm_ : ier_;
        case UART_IIR: {
            std::uint8_t v = iir();
            // Reading IIR while it names THRE acknowledges that interrupt.
            if ((v & UART_IIR_ID) == UART_IIR_THRI) {
                thre_pending_ = false;
                update_irq();
            }
            return v;
        }
        case UART_LCR: return lcr_;
        case UART_MCR: return mcr_;
        case UART_LSR: {
            std::uint8_t v = lsr();
            lsr_errors_ = 0;  // OE, PE, FE and BI clear when read
            update_irq();
            return v;
        }
        case UART_MSR: {
            std::uint8_t v = msr();
            msr_delta_ = 0;
            update_irq();
            return v;
        }
        case UART_SCR: return scr_;
        default: return 0xff;
    }
}

void Uart16550::write(std::uint64_t offset, std::uint64_t value, int) {
    auto v = static_cast<std::uint8_t>(value);
    bool dlab = lcr_ & UART_LCR_DLAB;
    switch (offset) {
        case UART_TX:
            if (dlab) {
                dll_ = v;
                divisor_written();
                return;
            }
            write_thr(v);
            return;
        case UART_IER:
            if (dlab) {
                dlm_ = v;
                divisor_written();
                return;
            }
            // Enabling THRI while THR is empty raises THRE at once (the 16550 does; Linux's
            // UART_BUG_THRE names the chips that do not).
            if ((v ^ ier_) & UART_IER_THRI) thre_pending_ = (v & UART_IER_THRI) && tx_fifo_.empty();
            ier_ = v & 0x0f;
            break;
        case UART_FCR: write_fcr(v); return;
        case UART_LCR: lcr_ = v; break;
        case UART_MCR:
            mcr_ = v & 0x1f;
            set_modem_inputs();
            break;
        case UART_SCR: scr_ = v; break;
        default: return;  // LSR and MSR are read-only (writing them is a factory test)
    }
    update_irq();
}

// The baud generator may have started: a byte waiting in THR goes, the timeout runs.
void Uart16550::divisor_written() {
    tx_load();
    if (!timeout_ev_.scheduled()) restart_char_timeout();
    update_irq();
}

void Uart16550::write_fcr(std::uint8_t v) {
    // Changing FCR0 clears both FIFOs; the other bits are programmed only with FCR0 set.
    if ((v ^ fcr_) & UART_FCR_ENABLE_FIFO) {
        clear_rx_fifo();
        tx_fifo_.clear();
        tx_had_two_ = false;
        thre_pending_ = true;  // "the first transmitter interrupt after changing FCR0 will be immediate"
    }
    if (thre_ev_.scheduled()) bus_.engine().deschedule(thre_ev_);
    if (!(v & UART_FCR_ENABLE_FIFO)) {
        fcr_ = 0;
    } else {
        fcr_ = v & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT | UART_FCR_TRIGGER_MASK);
        if (v & UART_FCR_CLEAR_RCVR) clear_rx_fifo();  // the shift register is not cleared
        if (v & UART_FCR_CLEAR_XMIT) {
            tx_fifo_.clear();
            tx_had_two_ = false;
            thre_pending_ = true;  // as QEMU does: THR is empty now
        }
    }
    update_irq();
}

// The modem inputs: a terminal's DCD, DSR and CTS on the wire, or in loopback the modem
// outputs (RTS -> CTS, DTR -> DSR, OUT1 -> RI, OUT2 -> DCD). Changes set the delta bits.
void Uart16550::set_modem_inputs() {
    std::uint8_t in = kFarEndInputs;
    if (mcr_ & UART_MCR_LOOP) {
        in = 0;
        if (mcr_ & UART_MCR_RTS) in |= UART_MSR_CTS;
        if (mcr_ & UART_MCR_DTR) in |= UART_MSR_DSR;
        if (mcr_ & UART_MCR_OUT1) in |= UART_MSR_RI;
        if (mcr_ & UART_MCR_OUT2) in |= UART_MSR_DCD;
    }
    std::uint8_t changed = in ^ msr_inputs_;
    if (changed & UART_MSR_CTS) msr_delta_ |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR) msr_delta_ |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD) msr_delta_ |= UART_MSR_DDCD;
    if ((changed & UART_MSR_RI) && !(in & UART_MSR_RI)) msr_delta_ |= UART_MSR_TERI;  // trailing edge
    msr_inputs_ = in;
}

// --- the receiver ----------------------------------------------------------------------

// A character's stop bit ended. With the FIFO (or, in 16450 mode, RBR) full it is an
// overrun: in FIFO mode the new character is lost and the FIFO kept; in 16450 mode it
// overwrites RBR, and the old one is lost. Either way one character is gone.
void Uart16550::receive(std::uint8_t byte, std::uint8_t errors) {
    ++rx_bytes_;
    if (errors & UART_LSR_FE) ++framing_errors_;
    unsigned capacity = fifo_mode() ? kFifoSize : 1;
    if (rx_fifo_.size() >= capacity) {
        ++overruns_;
        lsr_errors_ |= UART_LSR_OE;
        if (!fifo_mode()) {
            rx_fifo_.front() = RxChar{byte, errors};
            lsr_errors_ |= errors;
        }
    } else {
        rx_fifo_.push_back(RxChar{byte, errors});
        // A character's PE/FE/BI show in LSR when it is the one RBR would give.
        if (rx_fifo_.size() == 1) lsr_errors_ |= errors;
    }
    restart_char_timeout();
    update_irq();
}

std::uint8_t Uart16550::read_rbr() {
    if (rx_fifo_.empty()) return last_rbr_;
    last_rbr_ = rx_fifo_.front().byte;
    rx_fifo_.pop_front();
    if (!rx_fifo_.empty()) lsr_errors_ |= rx_fifo_.front().errors;
    // A read clears a timeout indication and restarts the timer.
    timeout_pending_ = false;
    restart_char_timeout();
    update_irq();
    return last_rbr_;
}

// The timer runs while the FIFO holds characters; each character received and each CPU
// read of RBR starts it again. 16450 mode has no timeout.
void Uart16550::restart_char_timeout() {
    sim::Time ct = char_time();
    if (!fifo_mode() || rx_fifo_.empty() || ct == 0) {
        if (timeout_ev_.scheduled()) bus_.engine().deschedule(timeout_ev_);
        return;
    }
    bus_.engine().reschedule(timeout_ev_, bus_.now() + kTimeoutChars * ct);
}

void Uart16550::char_timeout() {
    if (!fifo_mode() || rx_fifo_.empty()) return;
    timeout_pending_ = true;
    update_irq();
}

void Uart16550::clear_rx_fifo() {
    rx_fifo_.clear();
    timeout_pending_ = false;
    if (timeout_ev_.scheduled()) bus_.engine().deschedule(timeout_ev_);
}

// --- the wire --------------------------------------------------------------------------

// The next byte of the far end's bursts ends one character time (10 bits at `baud`) after
// it starts: right after the previous byte, or at its burst's time if the wire was idle.
// The fraction of a nanosecond is carried from byte to byte, so a long run does not drift.
void Uart16550::schedule_wire() {
    while (burst_ < bursts_.size() && burst_pos_ >= bursts_[burst_].text.size()) {
        ++burst_;
        burst_pos_ = 0;
    }
    if (burst_ >= bursts_.size()) return;
    sim::Time begin = wire_free_;
    if (bursts_[burst_].at > wire_free_) {
        begin = bursts_[burst_].at;
        wire_frac_ = 0;
    }
    std::uint64_t num = wire_frac_ + kWireBits * static_cast<std::uint64_t>(sim::kNsPerSec);
    wire_frac_ = num % c_.baud;
    wire_free_ = begin + static_cast<sim::Time>(num / c_.baud);
    bus_.engine().schedule(wire_ev_, std::max(wire_free_, bus_.now()));
}

void Uart16550::wire_byte_done() {
    auto byte = static_cast<std::uint8_t>(bursts_[burst_].text[burst_pos_]);
    ++burst_pos_;
    if ((mcr_ & UART_MCR_LOOP) || divisor() == 0) {
        ++rx_lost_;  // the receiver listens to the transmitter, or has no clock
    } else if (matches_line()) {
        receive(byte, 0);
    } else {
        receive(0x00, UART_LSR_FE);  // sampled at the wrong rate or frame: garbage
    }
    schedule_wire();
}

// From outside (the stepper, live mode): the bytes join the far end's bursts in an event of
// their own at the current time, never inside wire_byte_done(), which a breakpoint may
// have paused mid-way.
std::string Uart16550::inject(const std::string& what, const std::string& arg) {
    if (what != "bytes") return Device::inject(what, arg);
    if (arg.empty()) return "bytes takes the bytes to send";
    injected_ += arg;
    if (!inject_ev_.scheduled()) bus_.engine().schedule(inject_ev_, bus_.now());
    return "";
}

// A burst starting now: after the byte on the wire and the bursts already due, before the
// ones still to come. If the next byte on the wire has not started yet (its burst begins
// later), it is taken back and the wire replanned from now.
void Uart16550::bytes_injected() {
    sim::Time now = bus_.now();
    Burst b{now, std::move(injected_)};
    injected_.clear();
    bool waiting = wire_ev_.scheduled() && burst_pos_ == 0 && bursts_[burst_].at > now;
    std::size_t from = burst_ + (wire_ev_.scheduled() && !waiting ? 1 : 0);
    from = std::min(from, bursts_.size());
    auto at = std::upper_bound(bursts_.begin() + static_cast<std::ptrdiff_t>(from), bursts_.end(), now,
                               [](sim::Time t, const Burst& x) { return t < x.at; });
    bursts_.insert(at, std::move(b));
    if (waiting) {
        bus_.engine().deschedule(wire_ev_);
        wire_free_ = now;  // the line is idle: the byte before ended at or before now
        wire_frac_ = 0;
    }
    if (!wire_ev_.scheduled()) schedule_wire();
}

// --- the transmitter -------------------------------------------------------------------

// THR is the tail of the TX FIFO. A write to a full one is lost (the datasheet does not
// say what happens; Linux never writes more than the FIFO holds).
void Uart16550::write_thr(std::uint8_t byte) {
    unsigned capacity = fifo_mode() ? kFifoSize : 1;
    if (tx_fifo_.size() < capacity) tx_fifo_.push_back(byte);
    if (tx_fifo_.size() >= 2) tx_had_two_ = true;
    thre_pending_ = false;  // writing THR clears the THRE interrupt, a delayed one too
    if (thre_ev_.scheduled()) bus_.engine().deschedule(thre_ev_);
    tx_load();
    update_irq();
}

// The shift register takes the next byte as soon as it is free; THR emptying is what sets
// THRE. In FIFO mode the THRE interrupt is "delayed 1 character time minus the last stop
// bit time whenever THRE=1 and there have not been at least two bytes at the same time in
// the transmit FIFO since the last THRE=1" (PC16550D, FIFO Interrupt Mode Operation): a
// driver writing its first byte into an idle transmitter is not interrupted before it
// writes the second. (The datasheet's "indications" may include LSR.THRE; here only the
// interrupt waits.) In 16450 mode THRE is immediate.
void Uart16550::tx_load() {
    sim::Time ct = char_time();
    if (tsr_busy_ || tx_fifo_.empty() || ct == 0) return;
    tsr_ = tx_fifo_.front();
    tx_fifo_.pop_front();
    tsr_busy_ = true;
    bus_.engine().schedule(tx_ev_, bus_.now() + ct);
    if (!tx_fifo_.empty()) return;
    if (fifo_mode() && !tx_had_two_) {
        sim::Time bit = ct * 2 / half_bits();
        bus_.engine().reschedule(thre_ev_, bus_.now() + ct - bit);
    } else {
        thre_pending_ = true;
    }
    tx_had_two_ = false;  // THRE is 1 again
}

void Uart16550::thre_delay_done() {
    if (!tx_fifo_.empty()) return;
    thre_pending_ = true;
    update_irq();
}

void Uart16550::tx_shift_done() {
    tsr_busy_ = false;
    sim::Time ct = char_time();
    if (mcr_ & UART_MCR_LOOP) {
        receive(tsr_, 0);
    } else {
        tx_log_.push_back(TxByte{bus_.now(), ct, tsr_});
        if (tx_tap_) tx_tap_(tsr_);
    }
    tx_load();
    update_irq();
}

// --- reporting -------------------------------------------------------------------------

std::string Uart16550::info() const {
    unsigned div = divisor();
    // The frame as stty shows it: data bits, parity (None, Odd, Even, Mark, Space), stop bits.
    char parity = 'N';
    if (lcr_ & UART_LCR_PARITY)
        parity = (lcr_ & UART_LCR_SPAR) ? ((lcr_ & UART_LCR_EPAR) ? 'S' : 'M')
                                        : ((lcr_ & UART_LCR_EPAR) ? 'E' : 'O');
    char frame[8];
    std::snprintf(frame, sizeof frame, "%d%c%s", 5 + (lcr_ & 3), parity,
                  !(lcr_ & UART_LCR_STOP) ? "1" : (lcr_ & 3) ? "2" : "1.5");
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%s: I/O %#x irq %d: %u baud %s, %s trigger %u, rx %zu tx %zu%s, "
                  "IER=%#x IIR=%#x LSR=%#x MCR=%#x, line %s",
                  instance_.c_str(), c_.base, c_.line, div ? kClockHz / 16 / div : 0, frame,
                  fifo_mode() ? "FIFO" : "no FIFO", rx_trigger(), rx_fifo_.size(), tx_fifo_.size(),
                  tsr_busy_ ? " (+1 shifting)" : "", ier_, iir(), lsr(), mcr_, intr_ ? "asserted" : "idle");
    return buf;
}

std::vector<std::pair<std::string, std::int64_t>> Uart16550::counters() const {
    return {{"rx_bytes", rx_bytes_},
            {"tx_bytes", static_cast<std::int64_t>(tx_log_.size())},
            {"overruns", overruns_},
            {"framing_errors", framing_errors_},
            {"rx_lost", rx_lost_},
            {"interrupts", interrupts_}};
}

// The TX sink's transcript: one line per run of bytes sent back to back (each one
// character time after the previous), with the time the first one ended.
std::vector<std::string> Uart16550::report() const {
    constexpr std::size_t kMaxLines = 20, kMaxText = 60;
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < tx_log_.size()) {
        std::size_t j = i + 1;
        while (j < tx_log_.size() && tx_log_[j].at - tx_log_[j - 1].at == tx_log_[j].took) ++j;
        if (out.size() == kMaxLines) {
            out.push_back("... and " + std::to_string(tx_log_.size() - i) + " more bytes");
            break;
        }
        std::string text;
        for (std::size_t k = i; k < j && k - i < kMaxText; ++k) {
            unsigned char c = tx_log_[k].byte;
            char esc[8];
            if (c == '\n') text += "\\n";
            else if (c == '\r') text += "\\r";
            else if (c < 0x20 || c >= 0x7f) std::snprintf(esc, sizeof esc, "\\x%02x", c), text += esc;
            else if (c == '"' || c == '\\') text += '\\', text += static_cast<char>(c);
            else text += static_cast<char>(c);
        }
        if (j - i > kMaxText) text += "...";
        out.push_back("tx " + sim::format_time(tx_log_[i].at) + ": " + std::to_string(j - i) + " byte" +
                      (j - i == 1 ? "" : "s") + " \"" + text + "\"");
        i = j;
    }
    return out;
}

// --- registration ----------------------------------------------------------------------

namespace {

struct ComPort {
    const char* name;
    std::uint16_t base;
    int line;
};
// The PC's standard ports (Linux's SERIAL_PORT_DFNS, arch/x86/include/asm/serial.h).
constexpr ComPort kComPorts[] = {{"com1", 0x3f8, 4}, {"com2", 0x2f8, 3}};

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    Uart16550::Config c;
    if (p.count("port"))
        for (const ComPort& port : kComPorts)
            if (p.at("port").text == port.name) c.base = port.base, c.line = port.line;
    if (p.count("baud")) c.baud = static_cast<std::uint32_t>(p.at("baud").number);
    if (p.count("rx_text")) {
        Uart16550::Burst b;
        b.at = p.count("rx_start") ? p.at("rx_start").number : 0;
        std::int64_t times = p.count("rx_repeat") ? p.at("rx_repeat").number : 1;
        for (std::int64_t i = 0; i < times; ++i) b.text += p.at("rx_text").text;
        c.rx.push_back(std::move(b));
    }
    if (p.count("rx_bursts"))
        for (const EventValue& e : p.at("rx_bursts").events)
            c.rx.push_back({e.times.at("at"), e.texts.at("text")});
    return std::make_unique<Uart16550>(bus, std::move(c), instance);
}

std::string check(const Params& p) {
    if ((p.count("rx_start") || p.count("rx_repeat")) && !p.count("rx_text"))
        return "rx_start and rx_repeat go with rx_text (the bytes that arrive)";
    if (p.count("baud")) {
        // The driver programs the divisor closest to base_baud / baud, as Linux's
        // uart_get_divisor() does; the rate that makes must be the one asked for.
        auto baud = static_cast<std::uint32_t>(p.at("baud").number);
        std::uint32_t div = (Uart16550::kClockHz / 16 + baud / 2) / baud;
        std::uint32_t rate = div ? Uart16550::kClockHz / 16 / div : 0;
        if (div == 0 || div > UART_DIV_MAX || std::llabs(std::int64_t{rate} - baud) * 100 > std::int64_t{baud} * 2)
            return "baud " + std::to_string(baud) +
                   " cannot be made from the 1.8432 MHz clock (115200 / divisor: 115200, 57600, 38400, 19200, "
                   "9600, ...)";
    }
    return "";
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "uart16550",
    "serial8250",
    "a 16550A UART on COM1 (I/O 0x3f8, IRQ 4): 16-byte FIFOs, trigger levels, /dev/ttyS0",
    {
        {"port", K::Choice, "com1 (I/O 0x3f8, IRQ 4, the default) or com2 (I/O 0x2f8, IRQ 3)", {"com1", "com2"}},
        {"rx_text", K::Text, "bytes that arrive on the wire, back to back at the line's rate"},
        {"rx_start", K::Time, "when rx_text starts arriving (default 0)"},
        {"rx_repeat", K::Integer, "rx_text is sent this many times, back to back (default 1)", {}, 1, 1'000'000},
        {"rx_bursts", K::Events, "more bytes on the wire: a list of {at: TIME, text: TEXT}", {}, 0, 0, false,
         {{"at", true, true}, {"text", false, true}}},
        // The far end's rate, and what the driver programs.
        {"baud", K::Integer, "the line's rate, 8N1 (default 115200); the driver programs the divisor for it",
         {}, 50, 115200, true},
        {"trigger", K::Choice, "the driver's RX FIFO trigger level in bytes (default 14)",
         {"1", "4", "8", "14"}, 0, 0, true},
        {"bottom_half", K::Choice,
         "what pushes received bytes to readers: work (the default, as the tty layer) or tasklet",
         {"work", "tasklet"}, 0, 0, true},
    },
    check,
    make,
    {"rx_text", "rx_start", "rx_repeat", "rx_bursts"},
    {},
}};

}  // namespace

}  // namespace irqlab::dev
