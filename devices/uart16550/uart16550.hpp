// uart16550: a National Semiconductor PC16550D (a "16550A") on an ISA port, COM1 or COM2.
//
// Ten registers in eight ports (serial_reg.h has the bits, named as Linux names them):
// RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR, and the divisor latch DLL/DLM in place
// of RBR/THR and IER while LCR.DLAB is set. 16-byte receive and transmit FIFOs (FCR bit 0;
// without it the chip is a 16450 with one holding byte each way), a receive trigger level
// of 1, 4, 8 or 14 bytes, the character timeout, overrun, and the interrupt identification
// with the datasheet's priorities: line status > received data / timeout > THR empty >
// modem status. One function, update_irq(), recomputes IIR and the INTR pin from the
// registers after every change, as QEMU's serial_update_irq() does.
//
// The INTR pin is a level: high while any enabled interrupt is pending. On a PC, MCR.OUT2
// gates it onto the ISA IRQ line (no OUT2, no interrupts), and an ISA line is edge
// triggered at the IO-APIC, which sees only the rising edges. So a handler must leave
// the UART with nothing pending (loop on IIR until UART_IIR_NO_INT), or the line stays high
// and no edge ever comes again.
//
// The far end: bytes arrive on the wire at the `baud` rate, 8N1, back to back (`rx_text`
// from `rx_start`, `rx_repeat` times, and each `rx_bursts` entry at its time; a burst due
// while an earlier one is still being sent follows it). A byte is received when its stop bit
// ends. If the UART is programmed for another rate (beyond 2%) or another frame than 8N1,
// what it samples is garbage: the model delivers 0x00 with a framing error. With the
// divisor latch at 0 (power-on here; the datasheet leaves it undefined) the baud
// generator is stopped and nothing is received or sent.
//
// The transmitter shifts each byte out in one character time of the UART's own settings
// (start + 5-8 data + parity + 1, 1.5 or 2 stop bits at 1.8432 MHz / 16 / divisor) into a
// sink that records it with the time its stop bit ended: report() prints that transcript.
// In loopback (MCR.LOOP) the transmitter feeds the receiver, the wire is ignored, the
// modem inputs follow MCR, and the INTR pin is cut off from the bus (OUT2 is looped back).
#pragma once

#include <linux/serial_reg.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "sim/event.hpp"

namespace irqlab::dev {

class Uart16550 final : public Device, public RegisterWindow {
public:
    static constexpr std::uint16_t kPorts = 8;       // UART_RX .. UART_SCR
    static constexpr unsigned kFifoSize = 16;        // both FIFOs of a 16550A
    static constexpr std::uint32_t kClockHz = 1843200;  // the PC's UART crystal (base_baud 115200)

    struct Burst {
        sim::Time at = 0;
        std::string text;
    };
    struct Config {
        std::uint16_t base = 0x3f8;  // COM1
        int line = 4;                // IRQ 4
        std::uint32_t baud = 115200;  // the far end's rate (8N1)
        std::vector<Burst> rx;        // what arrives on the wire, and when it starts
    };
    // One byte the transmitter shifted out: when its stop bit ended.
    struct TxByte {
        sim::Time at;
        sim::Time took;  // its character time
        std::uint8_t byte;
    };

    Uart16550(Bus& bus, Config c, const std::string& instance);
    ~Uart16550() override;

    std::vector<struct resource> resources() const override;
    void start() override;
    std::string info() const override;
    std::vector<std::pair<std::string, std::int64_t>> counters() const override;
    std::vector<std::string> report() const override;
    // Live input: "bytes" arrive on the RX wire from now, back to back at the line's rate,
    // after what is already on it, as an rx_bursts entry at this time would.
    std::vector<std::string> inputs() const override { return {"bytes"}; }
    std::string inject(const std::string& what, const std::string& arg) override;
    // The far end's view of the TX wire (live mode's socket): called with each byte the
    // transmitter sends, when its stop bit ends (not in loopback). nullptr: none.
    void set_tx_tap(std::function<void(std::uint8_t)> tap) { tx_tap_ = std::move(tap); }

    std::uint64_t read(std::uint64_t offset, int size) override;
    void write(std::uint64_t offset, std::uint64_t value, int size) override;

    // The time one character takes at the UART's programmed divisor and frame format
    // (0 while the divisor latch is 0: no clock).
    sim::Time char_time() const;
    const std::vector<TxByte>& transmitted() const { return tx_log_; }
    // Characters the receiver took off the wire (stop bits it saw), of them those lost to
    // overrun (a full FIFO), and bytes on the wire it never saw (no clock, or loopback).
    std::int64_t rx_bytes() const { return rx_bytes_; }
    std::int64_t overruns() const { return overruns_; }
    std::int64_t rx_lost() const { return rx_lost_; }
    // Rising edges of the IRQ output (the interrupts the IO-APIC was sent).
    std::int64_t interrupts() const { return interrupts_; }

private:
    struct RxChar {
        std::uint8_t byte;
        std::uint8_t errors;  // UART_LSR_FE etc. that belong to this character
    };

    void reset();
    void update_irq();  // IIR and the INTR pin, a pure function of the registers
    std::uint8_t iir() const;
    std::uint8_t lsr() const;
    std::uint8_t msr() const;
    bool fifo_mode() const { return fcr_ & UART_FCR_ENABLE_FIFO; }
    unsigned rx_trigger() const;
    unsigned half_bits() const;  // the frame LCR sets, in half bits (1.5 stop bits exist)
    unsigned divisor() const { return dll_ | unsigned{dlm_} << 8; }
    bool matches_line() const;  // the UART samples the far end's bytes correctly

    // The receiver.
    void receive(std::uint8_t byte, std::uint8_t errors);  // a character's stop bit ended
    std::uint8_t read_rbr();
    void restart_char_timeout();  // a character came in or was read: the 4-char timer restarts
    void char_timeout();
    void clear_rx_fifo();
    // The far end's sender.
    void wire_byte_done();
    void schedule_wire();
    void bytes_injected();  // what inject() queued joins the far end's bursts
    // The transmitter.
    void write_thr(std::uint8_t byte);
    void tx_load();  // THR/FIFO -> shift register, if it is free and the clock runs
    void tx_shift_done();
    void thre_delay_done();
    void set_modem_inputs();
    void write_fcr(std::uint8_t value);
    void divisor_written();

    Config c_;
    IrqOutput& out_;
    // Registers.
    std::uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
    std::uint8_t fcr_ = 0;        // the write-only FCR as last written (enable, trigger)
    std::uint8_t lsr_errors_ = 0;  // OE, PE, FE, BI: latched until LSR is read
    std::uint8_t msr_inputs_ = 0;  // DCD, RI, DSR, CTS (the upper half of MSR)
    std::uint8_t msr_delta_ = 0;   // DDCD, TERI, DDSR, DCTS: until MSR is read
    std::deque<RxChar> rx_fifo_;   // RBR is its head (one entry in 16450 mode)
    std::deque<std::uint8_t> tx_fifo_;  // THR is its tail (one entry in 16450 mode)
    bool tsr_busy_ = false;        // the transmit shift register holds a byte
    std::uint8_t tsr_ = 0;
    std::uint8_t last_rbr_ = 0;     // what RBR reads once the FIFO is empty
    bool thre_pending_ = false;    // the THRE interrupt: set as THR empties, cleared by IIR/THR
    bool tx_had_two_ = false;      // the TX FIFO held two bytes at once since THRE was last 1
    bool timeout_pending_ = false;  // the character timeout indication
    bool intr_ = false;            // the INTR pin as gated onto the bus
    // The wire: the far end's bytes, in order of sending.
    std::vector<Burst> bursts_;
    std::size_t burst_ = 0, burst_pos_ = 0;
    sim::Time wire_free_ = 0;      // when the byte now on the wire ends (or the last ended)
    std::uint64_t wire_frac_ = 0;  // the remainder of 10e9/baud ns per byte, carried on
    std::string injected_;         // bytes inject() queued, not yet at the far end
    std::function<void(std::uint8_t)> tx_tap_;
    // Counters and the TX sink.
    std::int64_t rx_bytes_ = 0, overruns_ = 0, framing_errors_ = 0, rx_lost_ = 0, interrupts_ = 0;
    std::vector<TxByte> tx_log_;
    sim::MemberEvent<&Uart16550::wire_byte_done> wire_ev_;
    sim::MemberEvent<&Uart16550::bytes_injected> inject_ev_;
    sim::MemberEvent<&Uart16550::tx_shift_done> tx_ev_;
    sim::MemberEvent<&Uart16550::char_timeout> timeout_ev_;
    sim::MemberEvent<&Uart16550::thre_delay_done> thre_ev_;
};

}  // namespace irqlab::dev
