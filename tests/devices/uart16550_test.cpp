// The 16550A model, rule by rule from the PC16550D datasheet (the test plays the driver
// through the bus: no CPU time), then the serial8250 driver on a booted machine.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "devices/bus/bus.hpp"
#include "devices/uart16550/uart16550.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "machine.hpp"
#include "tools/cli.hpp"

using namespace irqlab;
using irqlab::dev::Bus;
using irqlab::dev::Uart16550;
using irqlab::test::Machine;

namespace {
constexpr sim::Time us = 1000;
constexpr std::uint16_t COM1 = 0x3f8;
constexpr sim::Time kChar115200 = 86806;  // 10 bits at 115200 baud: 86.8 us

struct Board {
    Machine m;
    Bus bus{m.k, m.k.ioapic()};

    std::uint8_t in(int reg) { return static_cast<std::uint8_t>(bus.port_read(COM1 + reg, 1)); }
    void out(int reg, std::uint8_t v) { bus.port_write(COM1 + reg, v, 1); }
    // What a driver's startup does: 8N1 at 115200 / divisor, the FIFOs, OUT2, then IER.
    void setup(Uart16550& u, std::uint8_t fcr, std::uint8_t ier, unsigned divisor = 1) {
        out(UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
        out(UART_DLL, static_cast<std::uint8_t>(divisor & 0xff));
        out(UART_DLM, static_cast<std::uint8_t>(divisor >> 8));
        out(UART_LCR, UART_LCR_WLEN8);
        out(UART_FCR, fcr);
        out(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
        out(UART_IER, ier);
        u.start();
    }
    // IIR without the FIFO bits: the interrupt's ID, or UART_IIR_NO_INT.
    std::uint8_t iir_id() { return in(UART_IIR) & (UART_IIR_ID | UART_IIR_NO_INT); }
};

Uart16550::Config receiving(const std::string& text, sim::Time at = 0, std::uint32_t baud = 115200) {
    Uart16550::Config c;
    c.baud = baud;
    c.rx.push_back({at, text});
    return c;
}

constexpr std::uint8_t kFifo14 = UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_11;
}  // namespace

TEST_CASE("uart16550 FIFO trigger levels: received data interrupts only once the RX FIFO holds 1, 4, 8 or 14 bytes") {
    const std::pair<std::uint8_t, unsigned> levels[] = {
        {UART_FCR_R_TRIG_00, 1}, {UART_FCR_R_TRIG_01, 4}, {UART_FCR_R_TRIG_10, 8}, {UART_FCR_R_TRIG_11, 14}};
    for (auto [bits, level] : levels) {
        INFO("trigger " << level);
        Board b;
        Uart16550 u(b.bus, receiving(std::string(level, 'x')), "uart16550.0");
        b.setup(u, UART_FCR_ENABLE_FIFO | bits, UART_IER_RDI);
        // One byte short: nothing to report (and the timeout is 4 character times away).
        b.m.run_until((level - 1) * kChar115200 + us);
        CHECK(b.iir_id() == UART_IIR_NO_INT);
        CHECK_FALSE(b.bus.line_asserted(4));
        b.m.run_until(level * kChar115200 + us);
        CHECK(b.iir_id() == UART_IIR_RDI);
        CHECK(b.bus.line_asserted(4));
        CHECK((b.in(UART_IIR) & UART_IIR_FIFO_ENABLED) == UART_IIR_FIFO_ENABLED_16550A);
        // Reading one byte takes the FIFO below the trigger: the interrupt goes away.
        b.in(UART_RX);
        CHECK(b.iir_id() == UART_IIR_NO_INT);
        CHECK_FALSE(b.bus.line_asserted(4));
        CHECK(u.interrupts() == 1);
    }
}

TEST_CASE("uart16550 character timeout: fewer bytes than the trigger raise UART_IIR_RX_TIMEOUT after 4 character times") {
    Board b;
    Uart16550 u(b.bus, receiving("abc"), "uart16550.0");
    b.setup(u, kFifo14, UART_IER_RDI);
    sim::Time last = 3 * kChar115200;
    b.m.run_until(last + 4 * kChar115200 - 2 * us);
    CHECK(b.iir_id() == UART_IIR_NO_INT);
    b.m.run_until(last + 4 * kChar115200 + us);
    CHECK(b.iir_id() == UART_IIR_RX_TIMEOUT);
    CHECK(b.bus.line_asserted(4));
    // Reading one character clears it and restarts the timer; the rest time out again.
    CHECK(b.in(UART_RX) == 'a');
    CHECK(b.iir_id() == UART_IIR_NO_INT);
    b.m.run_until(b.m.now() + 4 * kChar115200 + us);
    CHECK(b.iir_id() == UART_IIR_RX_TIMEOUT);
    CHECK(b.in(UART_RX) == 'b');
    CHECK(b.in(UART_RX) == 'c');
    CHECK((b.in(UART_LSR) & UART_LSR_DR) == 0);
    b.m.run_until(b.m.now() + 10 * kChar115200);
    CHECK(b.iir_id() == UART_IIR_NO_INT);  // an empty FIFO never times out
}

TEST_CASE("uart16550 overrun: a 17th byte into a full FIFO sets UART_LSR_OE, is lost and counted, reading LSR clears OE") {
    Board b;
    Uart16550 u(b.bus, receiving("ABCDEFGHIJKLMNOPQ"), "uart16550.0");
    b.setup(u, kFifo14, UART_IER_RDI | UART_IER_RLSI);
    b.m.run_until(16 * kChar115200 + us);
    CHECK(u.overruns() == 0);
    CHECK(b.iir_id() == UART_IIR_RDI);
    b.m.run_until(17 * kChar115200 + us);
    CHECK(u.overruns() == 1);
    CHECK(u.rx_bytes() == 17);
    CHECK(b.iir_id() == UART_IIR_RLSI);  // line status outranks received data
    std::uint8_t lsr = b.in(UART_LSR);
    CHECK((lsr & (UART_LSR_OE | UART_LSR_DR)) == (UART_LSR_OE | UART_LSR_DR));
    CHECK((b.in(UART_LSR) & UART_LSR_OE) == 0);  // the read cleared it
    CHECK(b.iir_id() == UART_IIR_RDI);
    std::string got;
    while (b.in(UART_LSR) & UART_LSR_DR) got += static_cast<char>(b.in(UART_RX));
    CHECK(got == "ABCDEFGHIJKLMNOP");  // the FIFO kept its 16; Q was lost
    auto counters = u.counters();
    CHECK(std::find(counters.begin(), counters.end(), std::pair<std::string, std::int64_t>{"overruns", 1}) !=
          counters.end());
}

TEST_CASE("uart16550 IIR priority: line status before received data before THR empty before modem status") {
    Board b;
    Uart16550 u(b.bus, receiving(std::string(17, 'z')), "uart16550.0");
    b.setup(u, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_00,
            UART_IER_RLSI | UART_IER_RDI | UART_IER_THRI | UART_IER_MSI);
    b.m.run_until(17 * kChar115200 + us);  // 16 in the FIFO, one overrun; THR empty all along
    CHECK(b.iir_id() == UART_IIR_RLSI);
    b.in(UART_LSR);
    CHECK(b.iir_id() == UART_IIR_RDI);
    while (b.in(UART_LSR) & UART_LSR_DR) b.in(UART_RX);
    CHECK(b.iir_id() == UART_IIR_THRI);
    CHECK(b.iir_id() == UART_IIR_NO_INT);  // reading IIR while it named THRE acknowledged it
    // Loopback with RTS alone: CTS follows it, DSR and DCD drop, a modem status change.
    b.out(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    CHECK(b.iir_id() == UART_IIR_MSI);
    std::uint8_t msr = b.in(UART_MSR);
    CHECK((msr & (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)) == UART_MSR_CTS);
    CHECK((msr & UART_MSR_ANY_DELTA) == (UART_MSR_DDSR | UART_MSR_DDCD));
    CHECK(b.iir_id() == UART_IIR_NO_INT);
}

TEST_CASE("uart16550 THRE interrupt: raised when the TX FIFO empties, cleared by reading IIR or writing THR") {
    Board b;
    Uart16550 u(b.bus, Uart16550::Config{}, "uart16550.0");
    b.setup(u, kFifo14, 0);
    // Enabling THRI with THR empty raises it at once.
    b.out(UART_IER, UART_IER_THRI);
    CHECK(b.bus.line_asserted(4));
    CHECK(b.iir_id() == UART_IIR_THRI);
    CHECK_FALSE(b.bus.line_asserted(4));
    // 16 bytes: the first goes straight to the shift register, 15 wait in the FIFO.
    sim::Time t0 = b.m.now();
    for (char c : std::string("0123456789abcdef")) b.out(UART_TX, static_cast<std::uint8_t>(c));
    CHECK((b.in(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT)) == 0);
    b.m.run_until(t0 + 15 * kChar115200 - us);
    CHECK(b.iir_id() == UART_IIR_NO_INT);
    b.m.run_until(t0 + 15 * kChar115200 + us);  // the 16th moved to the shift register
    CHECK((b.in(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT)) == UART_LSR_THRE);
    CHECK(b.bus.line_asserted(4));
    // Writing THR clears it too (the shift register is busy, so the byte stays in THR).
    b.out(UART_TX, '!');
    CHECK_FALSE(b.bus.line_asserted(4));
    CHECK(b.iir_id() == UART_IIR_NO_INT);
    b.m.run_until(t0 + 18 * kChar115200);
    CHECK((b.in(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT));
    REQUIRE(u.transmitted().size() == 17);
    CHECK(u.transmitted().back().byte == '!');
    CHECK(u.counters()[1] == std::pair<std::string, std::int64_t>{"tx_bytes", 17});
    CHECK(u.report() == std::vector<std::string>{"tx 86.806us: 17 bytes \"0123456789abcdef!\""});
    CHECK(u.info() ==
          "uart16550.0: I/O 0x3f8 irq 4: 115200 baud 8N1, FIFO trigger 14, rx 0 tx 0, IER=0x2 IIR=0xc2 LSR=0x60 "
          "MCR=0xb, line asserted");
}

TEST_CASE("uart16550 THRE after a lone byte waits one character time minus the stop bit, so the driver can write the next") {
    Board b;
    Uart16550 u(b.bus, Uart16550::Config{}, "uart16550.0");
    b.setup(u, kFifo14, 0);
    b.out(UART_IER, UART_IER_THRI);
    CHECK(b.iir_id() == UART_IIR_THRI);  // THR empty: at once
    sim::Time t0 = b.m.now();
    b.out(UART_TX, 'a');  // straight into the shift register: THR is empty again
    CHECK((b.in(UART_LSR) & UART_LSR_THRE) != 0);
    CHECK(b.iir_id() == UART_IIR_NO_INT);
    CHECK_FALSE(b.bus.line_asserted(4));
    const sim::Time bit = 8681;  // 1 / 115200 s
    b.m.run_until(t0 + kChar115200 - bit - 1);
    CHECK_FALSE(b.bus.line_asserted(4));
    b.m.run_until(t0 + kChar115200 - bit + 1);
    CHECK(b.bus.line_asserted(4));
    CHECK(b.iir_id() == UART_IIR_THRI);
    // Two bytes at once in the FIFO since: the next THRE is immediate again.
    b.out(UART_TX, 'b');
    b.out(UART_TX, 'c');
    b.out(UART_TX, 'd');  // 'a' still shifting: b, c, d wait; d moves at t0 + 3 characters
    b.m.run_until(t0 + 3 * kChar115200 - 1000);
    CHECK(b.iir_id() == UART_IIR_NO_INT);
    b.m.run_until(t0 + 3 * kChar115200);
    CHECK(b.iir_id() == UART_IIR_THRI);
}

TEST_CASE("uart16550 baud timing: the divisor and LCR set the character time, bytes arrive and leave one apart") {
    Board b;
    Uart16550 u(b.bus, receiving("xyz", 100 * us, 9600), "uart16550.0");
    b.setup(u, kFifo14, 0, 12);  // 115200 / 12 = 9600 baud
    const sim::Time ct = 1041667;  // 10 bits / 9600 baud
    CHECK(u.char_time() == ct);
    for (int n = 1; n <= 3; ++n) {
        b.m.run_until(100 * us + n * ct - us);
        CHECK(u.rx_bytes() == n - 1);
        b.m.run_until(100 * us + n * ct + 1);
        CHECK(u.rx_bytes() == n);
    }
    sim::Time t0 = b.m.now();
    b.out(UART_TX, 'o');
    b.out(UART_TX, 'k');
    b.m.run_until(t0 + 3 * ct);
    REQUIRE(u.transmitted().size() == 2);
    CHECK(u.transmitted()[0].at == t0 + ct);
    CHECK(u.transmitted()[1].at == t0 + 2 * ct);
    // The frame counts too: 7 data bits, even parity, 2 stop bits is 11 bits.
    b.out(UART_LCR, UART_LCR_WLEN7 | UART_LCR_PARITY | UART_LCR_EPAR | UART_LCR_STOP);
    CHECK(u.char_time() == 1145833);  // 11 * 16 * 12 / 1.8432 MHz
    // 115200 baud 8N1: 86.8 us per character.
    b.out(UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
    b.out(UART_DLL, 1);
    b.out(UART_LCR, UART_LCR_WLEN8);
    CHECK(u.char_time() == kChar115200);
}

TEST_CASE("uart16550 the wire: bursts go back to back at the line's rate, one due while another is sent follows it") {
    Board b;
    Uart16550::Config c;
    c.rx = {{1000 * us, "e"}, {0, "ab"}, {100 * us, "cd"}};  // any order: they are sorted by time
    Uart16550 u(b.bus, c, "uart16550.0");
    b.setup(u, kFifo14, 0);
    std::string got;
    std::vector<sim::Time> when;
    for (sim::Time t = 0; t < 2000 * us; t += us) {
        b.m.run_until(t);
        while (b.in(UART_LSR) & UART_LSR_DR) got += static_cast<char>(b.in(UART_RX)), when.push_back(t);
    }
    CHECK(got == "abcde");
    REQUIRE(when.size() == 5);
    // a, b from 0; c, d after b (not at 100us); e on an idle wire at 1ms.
    const sim::Time ends[] = {kChar115200, 2 * kChar115200, 3 * kChar115200, 4 * kChar115200,
                              1000 * us + kChar115200};
    for (int i = 0; i < 5; ++i) CHECK(std::llabs(when[i] - ends[i]) <= us);
    CHECK(u.rx_bytes() == 5);
}

TEST_CASE("uart16550 INTR reaches the ISA line only through MCR.OUT2, as a level: one rising edge per burst of pending") {
    Board b;
    Uart16550 u(b.bus, receiving("1"), "uart16550.0");
    b.setup(u, kFifo14 & ~UART_FCR_TRIGGER_MASK, UART_IER_RDI);
    b.out(UART_MCR, UART_MCR_DTR | UART_MCR_RTS);  // no OUT2
    b.m.run_until(kChar115200 + us);
    CHECK(b.iir_id() == UART_IIR_RDI);
    CHECK_FALSE(b.bus.line_asserted(4));
    b.out(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    CHECK(b.bus.line_asserted(4));
    CHECK(u.interrupts() == 1);
    b.in(UART_RX);
    CHECK_FALSE(b.bus.line_asserted(4));
}

TEST_CASE("uart16550 a divisor that does not match the line's rate receives garbage with a framing error") {
    Board b;
    Uart16550 u(b.bus, receiving("hi", 0, 9600), "uart16550.0");
    b.setup(u, kFifo14, UART_IER_RDI | UART_IER_RLSI, 1);  // 115200 against a 9600 sender
    b.m.run_until(1041667 + us);
    CHECK(b.iir_id() == UART_IIR_RLSI);
    std::uint8_t lsr = b.in(UART_LSR);
    CHECK((lsr & (UART_LSR_FE | UART_LSR_FIFOE | UART_LSR_DR)) == (UART_LSR_FE | UART_LSR_FIFOE | UART_LSR_DR));
    CHECK(b.in(UART_RX) == 0);
}

TEST_CASE("uart16550 in 16450 mode (FIFO off): one holding byte each way, an overrun overwrites RBR, no timeout") {
    Board b;
    Uart16550 u(b.bus, receiving("12"), "uart16550.0");
    b.setup(u, 0, UART_IER_RDI);
    b.m.run_until(kChar115200 + us);
    CHECK(b.in(UART_IIR) == UART_IIR_RDI);  // no FIFO bits
    b.m.run_until(2 * kChar115200 + 10 * kChar115200);
    CHECK(u.overruns() == 1);
    CHECK((b.in(UART_LSR) & UART_LSR_OE) != 0);
    CHECK(b.in(UART_RX) == '2');  // the newer byte overwrote the older
    CHECK(b.iir_id() == UART_IIR_NO_INT);
}

TEST_CASE("uart16550 loopback: the transmitter feeds the receiver, the wire and the IRQ line are cut off") {
    Board b;
    Uart16550 u(b.bus, receiving("wire"), "uart16550.0");
    b.setup(u, kFifo14 & ~UART_FCR_TRIGGER_MASK, UART_IER_RDI);
    b.out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    b.out(UART_TX, 'L');
    b.m.run_until(5 * kChar115200);
    CHECK(u.rx_lost() == 4);
    CHECK(b.iir_id() == UART_IIR_RDI);
    CHECK_FALSE(b.bus.line_asserted(4));
    CHECK(b.in(UART_RX) == 'L');
    CHECK(u.transmitted().empty());
}

TEST_CASE("uart16550 registers: the divisor latch behind DLAB, scratch, IER's four bits, reset values") {
    Board b;
    Uart16550 u(b.bus, Uart16550::Config{}, "uart16550.0");
    CHECK(b.in(UART_IIR) == UART_IIR_NO_INT);
    CHECK(b.in(UART_LSR) == (UART_LSR_THRE | UART_LSR_TEMT));
    CHECK(b.in(UART_IER) == 0);
    b.out(UART_IER, 0xff);
    CHECK(b.in(UART_IER) == 0x0f);
    b.out(UART_LCR, UART_LCR_DLAB);
    b.out(UART_DLL, 0x0c);
    b.out(UART_DLM, 0x01);
    CHECK(b.in(UART_DLL) == 0x0c);
    CHECK(b.in(UART_DLM) == 0x01);
    b.out(UART_LCR, 0);
    CHECK(b.in(UART_IER) == 0x0f);
    b.out(UART_SCR, 0xa5);
    CHECK(b.in(UART_SCR) == 0xa5);
    CHECK(u.resources()[0].start == COM1);
    CHECK(u.resources()[1].start == 4);
}

// --- the serial8250 driver, through scenarios run by the irqlab binary -------------------

namespace {
test::CliResult run_yaml(const std::string& name, const std::string& yaml, const std::string& args = "run") {
    std::string path = test::temp_path(name + ".yaml");
    std::ofstream(path) << yaml;
    test::CliResult r = test::irqlab_cli(args + " " + path);
    std::remove(path.c_str());
    return r;
}

// A terminal on the far end says hello; the process reads it and answers.
std::string hello(const std::string& bottom_half, const std::string& expect_latency) {
    return "irqlab: 1\n"
           "devices:\n"
           "  - {type: uart16550, rx_text: \"hello, world\\n\", rx_start: 1ms" +
           bottom_half +
           "}\n"
           "drivers:\n"
           "  - {module: serial8250, unload: 8ms}\n"
           "processes:\n"
           "  - name: term\n"
           "    program:\n"
           "      - open: /dev/ttyS0\n"
           "      - read: {path: /dev/ttyS0, bytes: 100}\n"
           "      - write: {path: /dev/ttyS0, data: \"pong\\n\"}\n"
           "      - sleep: 2ms\n"
           "      - close: /dev/ttyS0\n"
           "run: {until: 10ms}\n"
           "expect:\n"
           "  reads: {term: \"hello, world\\n\"}\n"
           "  irqs: {4: 2}\n"
           "  devices:\n"
           "    uart16550.0: {rx_bytes: 13, tx_bytes: 5, interrupts: 2}\n"
           "  dmesg:\n"
           "    - \"Serial: 8250/16550 driver, 4 ports, IRQ sharing disabled\"\n"
           "    - \"uart16550.0: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A\"\n"
           "    - \"ttyS0: 2 interrupts handled, rx 13, tx 5, 0 overruns\"\n"
           "  latency:\n"
           "    " +
           expect_latency + ": {count: \">= 1\"}\n";
}
}  // namespace

TEST_CASE("serial8250: a reader blocked on /dev/ttyS0 gets what the hardirq drained, pushed by a work item by default") {
    // 13 bytes under the 14-byte trigger: one character-timeout interrupt; the answer
    // goes out through one THRE interrupt.
    auto r = run_yaml("uart-hello", hello("", "work flush_to_ldisc_work"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("tx 2.6") != std::string::npos);
    CHECK(r.out.find(": 5 bytes \"pong\\n\"") != std::string::npos);
}

TEST_CASE("serial8250: bottom_half tasklet pushes received bytes from a tasklet instead") {
    auto r = run_yaml("uart-hello-tasklet", hello(", bottom_half: tasklet", "tasklet flush_to_ldisc_tasklet"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
}

TEST_CASE("serial8250: write() goes out through THRE interrupts, up to 16 bytes loaded per interrupt") {
    auto r = run_yaml("uart-write", R"(irqlab: 1
devices:
  - {type: uart16550}
processes:
  - name: writer
    start: 1ms
    program:
      - write: {path: /dev/ttyS0, data: "0123456789abcdefghijklmnopqrstuvwxyzABCD"}
run: {until: 10ms}
expect:
  irqs: {4: 3}
  devices:
    uart16550.0: {tx_bytes: 40, interrupts: 3}
)");
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find(": 40 bytes \"0123456789abcdefghijklmnopqrstuvwxyzABCD\"") != std::string::npos);
}

TEST_CASE("serial8250: overruns are counted per LSR_OE seen and reported by n_tty, the model counts each byte lost") {
    // Interrupts off for 3ms while 64 bytes arrive: the FIFO keeps 16 of the ~35 that come
    // meanwhile. The driver sees OE once (LSR latches it), n_tty reports it, the reader
    // gets the 40 that were kept; a non-blocking read before any data is -EAGAIN.
    auto r = run_yaml("uart-overrun", R"yaml(irqlab: 1
devices:
  - {type: uart16550, rx_text: "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-", rx_start: 1ms}
drivers:
  - {module: serial8250, unload: 20ms}
sync:
  - {name: big_lock, type: spinlock}
kthreads:
  - name: irqs_off
    start: 1.5ms
    program:
      - lock_irq: big_lock
      - delay: 3ms
      - unlock_irq: big_lock
processes:
  - name: term
    program:
      - open: {path: /dev/ttyS0, nonblock: true}
      - read: {path: /dev/ttyS0, bytes: 100}
      - sleep: 15ms
      - read: {path: /dev/ttyS0, bytes: 100}
      - close: /dev/ttyS0
run: {until: 25ms}
expect:
  reads: {term: "0123456789abcdefEFGHIJKLMNOPQRSTUVWXYZ+-"}
  devices:
    uart16550.0: {rx_bytes: 64, overruns: 24}
  dmesg:
    - "serial ttyS0: 1 input overrun(s)"
    - "ttyS0: 3 interrupts handled, rx 40, tx 0, 1 overruns"
)yaml");
    INFO(r.out << r.err);
    CHECK(r.code == 0);
}

TEST_CASE("uart16550 rx_bursts in a scenario: each {at, text} arrives, and a reader gets them in order") {
    auto r = run_yaml("uart-bursts", R"yaml(irqlab: 1
devices:
  - type: uart16550
    trigger: 1
    rx_bursts:
      - {at: 3ms, text: "world\n"}
      - {at: 1ms, text: "hello "}
processes:
  - name: term
    program:
      - open: {path: /dev/ttyS0, flags: rdonly}
      - repeat: {times: 12, do: [{read: {path: /dev/ttyS0, bytes: 64}}]}
      - close: /dev/ttyS0
run: {until: 5ms}
expect:
  reads: {term: "hello world\n"}
  devices:
    uart16550.0: {rx_bytes: 12, interrupts: 12}
)yaml");
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(run_yaml("uart-bursts-bad", "irqlab: 1\ndevices:\n  - {type: uart16550, rx_bursts: [{at: 1ms}]}\n"
                                      "run: {until: 1ms}\n", "check")
              .err.find("each entry needs 'text'") != std::string::npos);
}

TEST_CASE("uart16550 refuses a baud rate its 1.8432 MHz clock cannot make") {
    auto r = run_yaml("uart-baud", "irqlab: 1\ndevices:\n  - {type: uart16550, baud: 100000}\nrun: {until: 1ms}\n",
                      "check");
    CHECK(r.code == 2);
    CHECK(r.err.find("baud 100000 cannot be made from the 1.8432 MHz clock") != std::string::npos);
}

TEST_CASE("uart16550 inject bytes: they arrive on the RX wire from now, one character time each") {
    Board b;
    Uart16550 u(b.bus, Uart16550::Config{}, "uart16550.0");
    b.setup(u, kFifo14, UART_IER_RDI);
    b.m.run_until(100 * us);
    CHECK(u.inputs() == std::vector<std::string>{"bytes"});
    REQUIRE(u.inject("bytes", "hi") == "");
    b.m.run_until(100 * us + 80 * us);
    CHECK_FALSE(b.in(UART_LSR) & UART_LSR_DR);  // the first stop bit has not ended
    b.m.run_until(100 * us + kChar115200);
    CHECK(b.in(UART_LSR) & UART_LSR_DR);
    CHECK(u.rx_bytes() == 1);
    b.m.run_until(100 * us + 2 * kChar115200);
    CHECK(u.rx_bytes() == 2);
    CHECK(b.in(UART_RX) == 'h');
    CHECK(b.in(UART_RX) == 'i');
    CHECK_FALSE(b.in(UART_LSR) & UART_LSR_DR);
    CHECK(u.inject("bytes", "") == "bytes takes the bytes to send");
    CHECK(u.inject("frames", "1") == "device uart16550.0 takes no input 'frames'");
}

TEST_CASE("uart16550 inject bytes: they go after the byte on the wire and before a burst still to come") {
    Board b;
    Uart16550::Config c = receiving("ab", 50 * us);
    c.rx.push_back({1000 * us, "z"});
    Uart16550 u(b.bus, c, "uart16550.0");
    b.setup(u, kFifo14, 0);
    b.m.run_until(150 * us);  // 'a' is in (136.8us), 'b' on the wire
    REQUIRE(u.inject("bytes", "xy") == "");
    b.m.run_until(2000 * us);
    std::string got;
    while (b.in(UART_LSR) & UART_LSR_DR) got += static_cast<char>(b.in(UART_RX));
    CHECK(got == "abxyz");
    CHECK(u.rx_bytes() == 5);
}

TEST_CASE("uart16550 inject bytes on an idle wire whose next burst is later: they go first, from now") {
    Board b;
    Uart16550 u(b.bus, receiving("z", 1000 * us), "uart16550.0");
    b.setup(u, kFifo14, 0);
    b.m.run_until(100 * us);
    REQUIRE(u.inject("bytes", "x") == "");
    b.m.run_until(100 * us + kChar115200);
    CHECK(u.rx_bytes() == 1);
    CHECK(b.in(UART_RX) == 'x');
    b.m.run_until(1000 * us + kChar115200);
    CHECK(u.rx_bytes() == 2);
    CHECK(b.in(UART_RX) == 'z');
}

TEST_CASE("uart16550 the TX tap sees each byte the transmitter sends, when its stop bit ends") {
    Board b;
    Uart16550 u(b.bus, Uart16550::Config{}, "uart16550.0");
    std::vector<std::pair<sim::Time, std::uint8_t>> tapped;
    u.set_tx_tap([&](std::uint8_t byte) { tapped.emplace_back(b.m.now(), byte); });
    b.setup(u, kFifo14, 0);
    b.m.run_until(10 * us);
    b.out(UART_TX, 'o');
    b.out(UART_TX, 'k');
    b.m.run_until(10 * us + kChar115200 - 1);
    CHECK(tapped.empty());
    b.m.run_until(10 * us + 2 * kChar115200);
    REQUIRE(tapped.size() == 2);
    CHECK(tapped[0] == std::pair<sim::Time, std::uint8_t>{10 * us + kChar115200, 'o'});
    CHECK(tapped[1].second == 'k');
    CHECK(u.transmitted().size() == 2);
}
