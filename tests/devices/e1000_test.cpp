// The e1000 model (no driver: the test plays the driver through the registers and owns
// the descriptor rings and buffers it maps for DMA), and its driver through the command
// line: NAPI, the per-packet style, a shared line, MSI, transmit and remove().
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "devices/bus/bus.hpp"
#include "devices/e1000/e1000.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "machine.hpp"
#include "tools/cli.hpp"
#include "tools/scenario/scenario.hpp"

using namespace irqlab;
using irqlab::dev::Bus;
using irqlab::dev::E1000;
using irqlab::test::Machine;

namespace {
constexpr sim::Time us = 1000;
constexpr int kLine = 18;

// The NIC on a bus, with an RX ring of `ring` descriptors and a TX ring of 8 in host
// memory mapped for DMA, as a driver would set them up.
struct Board {
    Machine m;
    Bus bus{m.k, m.k.ioapic()};
    E1000 nic;
    std::vector<e1000_rx_desc> rx;
    std::vector<e1000_tx_desc> tx;
    std::vector<std::vector<std::uint8_t>> buffers;
    std::uint64_t rx_dma = 0, tx_dma = 0;

    explicit Board(E1000::Config c, unsigned ring = 8) : nic(bus, with_line(c), "e1000.0"), rx(ring), tx(8) {
        rx_dma = bus.dma_map(rx.data(), rx.size() * sizeof(e1000_rx_desc));
        tx_dma = bus.dma_map(tx.data(), tx.size() * sizeof(e1000_tx_desc));
        for (unsigned i = 0; i < ring; ++i) {
            buffers.emplace_back(2048, 0);
            rx[i].buffer_addr = bus.dma_map(buffers.back().data(), 2048);
        }
    }
    static E1000::Config with_line(E1000::Config c) {
        if (!c.msi && c.line < 0) c.line = kLine;
        return c;
    }
    std::uint64_t base() const { return nic.resources()[0].start; }
    std::uint32_t rd(std::uint64_t off) { return static_cast<std::uint32_t>(bus.mmio_read(base() + off, 4)); }
    void wr(std::uint64_t off, std::uint32_t v) { bus.mmio_write(base() + off, v, 4); }
    // The receive ring programmed, `given` descriptors handed to the NIC (RDT), RX on.
    void rx_on(unsigned given, std::uint32_t rctl = E1000_RCTL_EN) {
        wr(E1000_RDBAL, static_cast<std::uint32_t>(rx_dma));
        wr(E1000_RDBAH, static_cast<std::uint32_t>(rx_dma >> 32));
        wr(E1000_RDLEN, static_cast<std::uint32_t>(rx.size() * sizeof(e1000_rx_desc)));
        wr(E1000_RDH, 0);
        wr(E1000_RDT, given);
        wr(E1000_RCTL, rctl);
    }
    bool line() const { return bus.line_asserted(kLine); }
    std::int64_t counter(const std::string& name) const {
        for (const auto& [n, v] : nic.counters())
            if (n == name) return v;
        return -1;
    }
};
}  // namespace

TEST_CASE("e1000 ICR is read to clear: a read returns the causes, the next read returns 0") {
    Board b({});
    b.wr(E1000_ICS, E1000_ICS_RXT0 | E1000_ICS_LSC);
    CHECK(b.rd(E1000_ICR) == (E1000_ICR_RXT0 | E1000_ICR_LSC));
    CHECK(b.rd(E1000_ICR) == 0);
}

TEST_CASE("e1000 the level line is asserted while ICR & IMS: IMC masks it off, IMS on again, reading ICR drops it") {
    Board b({});
    b.wr(E1000_ICS, E1000_ICS_RXT0);
    CHECK_FALSE(b.line());  // nothing enabled in IMS
    b.wr(E1000_IMS, IMS_ENABLE_MASK);
    CHECK(b.line());
    CHECK(b.rd(E1000_IMS) == IMS_ENABLE_MASK);
    b.wr(E1000_IMC, ~0u);
    CHECK_FALSE(b.line());
    CHECK(b.rd(E1000_IMS) == 0);
    b.wr(E1000_IMS, E1000_IMS_RXT0);
    CHECK(b.line());
    b.rd(E1000_ICR);
    CHECK_FALSE(b.line());
    b.wr(E1000_ICS, E1000_ICS_TXDW);  // not enabled: no interrupt
    CHECK_FALSE(b.line());
}

TEST_CASE("e1000 a received frame goes to the descriptor's buffer by DMA and the descriptor is written back with DD and EOP") {
    E1000::Config c;
    c.size = 64;
    Board b(c);
    b.rx_on(4, E1000_RCTL_EN | E1000_RCTL_TSIP);
    b.m.at(10 * us, [&] { b.nic.inject(1); });
    b.m.run_until(20 * us);
    const e1000_rx_desc& d = b.rx[0];
    CHECK((d.status & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP)) == (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP));
    CHECK(d.length == 64);  // the FCS is in (no RCTL.SECRC)
    CHECK(d.errors == 0);
    CHECK(b.rx[1].status == 0);
    CHECK(b.rd(E1000_RDH) == 1);
    // TSIP: the arrival (the last bit: 10us + (64 + 20) * 8 ns) in front of the frame.
    std::uint64_t t = 0;
    std::memcpy(&t, b.buffers[0].data(), 8);
    CHECK(t == 10 * us + 672);
    const std::uint8_t* eth = b.buffers[0].data() + E1000_TSIP_HDR_LEN;
    CHECK(std::memcmp(eth, "\x52\x54\x00\x12\x34\x56", 6) == 0);  // to us
    CHECK(eth[12] == 0x08);                                       // IPv4
    CHECK(eth[17] == 1);                                          // frame number 1
    CHECK(b.counter("rx_delivered") == 1);
    CHECK(b.rd(E1000_GPRC) == 1);
    CHECK(b.rd(E1000_GPRC) == 0);  // statistics clear on read
}

TEST_CASE("e1000 frames arrive at the line rate: back-to-back 64-byte frames are (64 + 20) * 8 ns = 672 ns apart") {
    Board b({});
    b.rx_on(7);
    b.wr(E1000_IMS, E1000_IMS_RXT0);
    b.m.at(10 * us, [&] { b.nic.inject(3); });
    b.m.run_until(10 * us + 672 * 2);
    CHECK(b.rd(E1000_RDH) == 2);
    b.m.run_until(10 * us + 672 * 3);
    CHECK(b.rd(E1000_RDH) == 3);
    CHECK(b.nic.wire_time(1518) == 1538 * 8);
}

TEST_CASE("e1000 a frame with no free descriptor (RDH == RDT) is dropped and counted: MPC, rx_missed, ICR.RXO") {
    Board b({});
    b.rx_on(2);  // the NIC owns descriptors 0 and 1
    b.m.at(10 * us, [&] { b.nic.inject(5); });
    b.m.run_until(100 * us);
    CHECK(b.rd(E1000_RDH) == 2);
    CHECK(b.counter("rx_packets") == 5);
    CHECK(b.counter("rx_delivered") == 2);
    CHECK(b.counter("rx_missed") == 3);
    CHECK(b.rd(E1000_ICR) & E1000_ICR_RXO);
    CHECK(b.rd(E1000_MPC) == 3);
    CHECK(b.rd(E1000_MPC) == 0);
    // Giving descriptors back (RDT) makes room for the next frames.
    b.wr(E1000_RDT, 4);
    b.m.at(200 * us, [&] { b.nic.inject(1); });
    b.m.run_until(300 * us);
    CHECK(b.rd(E1000_RDH) == 3);
}

TEST_CASE("e1000 with the receiver off (RCTL.EN clear) every frame is missed") {
    Board b({});
    b.rx_on(4, 0);
    b.m.at(10 * us, [&] { b.nic.inject(2); });
    b.m.run_until(20 * us);
    CHECK(b.counter("rx_missed") == 2);
    CHECK(b.rd(E1000_RDH) == 0);
}

TEST_CASE("e1000 RXDMT0: set when the descriptors left to the NIC fall to half the ring (RCTL.RDMTS_HALF)") {
    Board b({}, 16);
    b.rx_on(15);
    b.m.at(10 * us, [&] { b.nic.inject(6); });
    b.m.run_until(20 * us);
    CHECK_FALSE(b.rd(E1000_ICR) & E1000_ICR_RXDMT0);  // 9 left
    b.m.at(30 * us, [&] { b.nic.inject(1); });
    b.m.run_until(40 * us);
    CHECK(b.rd(E1000_ICR) & E1000_ICR_RXDMT0);  // 8 left: half of 16
}

TEST_CASE("e1000 ITR spaces interrupts: after one, the next waits until ITR * 256 ns have passed") {
    Board b({});
    b.rx_on(7);
    b.wr(E1000_ITR, 100);  // 25.6 us
    b.wr(E1000_IMS, E1000_IMS_RXT0);
    b.m.at(10 * us, [&] { b.nic.inject(1); });
    b.m.run_until(11 * us);
    REQUIRE(b.line());  // the first one at once: 10.672 us
    b.rd(E1000_ICR);    // the driver takes it
    CHECK_FALSE(b.line());
    b.m.at(12 * us, [&] { b.nic.inject(1); });
    b.m.run_until(30 * us);
    CHECK_FALSE(b.line());  // RXT0 is set, but within 25.6 us of the last assertion
    b.m.run_until(10 * us + 672 + 25600);
    CHECK(b.line());
    CHECK(b.counter("interrupts") == 2);
}

TEST_CASE("e1000 with ITR 0 every cause asserts at once") {
    Board b({});
    b.rx_on(7);
    b.wr(E1000_IMS, E1000_IMS_RXT0);
    for (int i = 0; i < 3; ++i) {
        b.m.at((10 + 5 * i) * us, [&] { b.nic.inject(1); });
        b.m.run_until((11 + 5 * i) * us);
        CHECK(b.line());
        b.rd(E1000_ICR);
    }
    CHECK(b.counter("interrupts") == 3);
}

TEST_CASE("e1000 RDTR holds RXT0 until no frame came for the timer, and RADV bounds the wait from the first frame") {
    Board b({});
    b.rx_on(7);
    b.wr(E1000_RDTR, 10);  // 10.24 us after the last frame
    b.wr(E1000_RADV, 20);  // 20.48 us after the first
    b.m.at(10 * us, [&] { b.nic.inject(1); });
    b.m.run_until(15 * us);
    CHECK_FALSE(b.rd(E1000_ICR) & E1000_ICR_RXT0);
    // Frames every 8 us keep restarting RDTR; RADV fires 20.48 us after the first one.
    for (int i = 1; i <= 3; ++i) b.m.at((10 + 8 * i) * us, [&] { b.nic.inject(1); });
    b.m.run_until(10 * us + 672 + 20480 - 1);
    CHECK_FALSE(b.rd(E1000_ICR) & E1000_ICR_RXT0);
    b.m.run_until(10 * us + 672 + 20480);
    CHECK(b.rd(E1000_ICR) & E1000_ICR_RXT0);
}

TEST_CASE("e1000 transmit: descriptors TDH..TDT are sent at the line rate, each with RS gets DD and raises TXDW") {
    Board b({});
    std::vector<std::uint8_t> frame(60, 0xab);
    std::uint64_t dma = b.bus.dma_map(frame.data(), frame.size());
    for (int i = 0; i < 2; ++i) {
        b.tx[i].buffer_addr = dma;
        b.tx[i].lower.data = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | 60;
    }
    b.wr(E1000_TDBAL, static_cast<std::uint32_t>(b.tx_dma));
    b.wr(E1000_TDBAH, static_cast<std::uint32_t>(b.tx_dma >> 32));
    b.wr(E1000_TDLEN, 8 * sizeof(e1000_tx_desc));
    b.wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
    b.wr(E1000_IMS, E1000_IMS_TXDW);
    b.wr(E1000_TDT, 2);
    b.m.run_until(672);  // 60 + 4 (FCS) + 20 bytes of wire time
    CHECK(b.tx[0].upper.fields.status == E1000_TXD_STAT_DD);
    CHECK(b.tx[1].upper.fields.status == 0);
    CHECK(b.line());
    b.m.run_until(2 * 672);
    CHECK(b.tx[1].upper.fields.status == E1000_TXD_STAT_DD);
    CHECK(b.rd(E1000_TDH) == 2);
    CHECK(b.rd(E1000_ICR) == (E1000_ICR_TXDW | E1000_ICR_TXQE));
    CHECK(b.counter("tx_packets") == 2);
}

TEST_CASE("e1000 MSI: each assertion is one message, and one raised while the message is masked is sent at unmask") {
    E1000::Config c;
    c.msi = true;
    Board b(c);
    CHECK(b.nic.resources().size() == 1);  // no line: the machine adds the MSI interrupt
    b.wr(E1000_IMS, E1000_IMS_RXT0);
    b.wr(E1000_ICS, E1000_ICS_RXT0);  // masked message (not programmed yet): pending
    CHECK(b.counter("interrupts") == 1);
    b.nic.msi()->address = 0xfee00000;
    b.nic.msi()->data = 0x41;
    b.nic.msi()->enabled = true;
    b.nic.msi_written();  // sent now
    b.wr(E1000_ICS, E1000_ICS_RXT0);  // still asserted: no new message
    CHECK(b.counter("interrupts") == 1);
    b.rd(E1000_ICR);
    b.wr(E1000_ICS, E1000_ICS_RXT0);
    CHECK(b.counter("interrupts") == 2);
}

TEST_CASE("e1000 CTRL.RST returns every register to its reset value and keeps the MAC address in RA[0]") {
    Board b({});
    b.rx_on(4);
    b.wr(E1000_IMS, IMS_ENABLE_MASK);
    b.wr(E1000_ITR, 500);
    b.wr(E1000_CTRL, E1000_CTRL_RST);
    CHECK(b.rd(E1000_RCTL) == 0);
    CHECK(b.rd(E1000_IMS) == 0);
    CHECK(b.rd(E1000_ITR) == 0);
    CHECK(b.rd(E1000_RDT) == 0);
    CHECK(b.rd(E1000_RAL0) == 0x12005452);
    CHECK(b.rd(E1000_RAH0) == (0x5634 | E1000_RAH_AV));
    CHECK((b.rd(E1000_STATUS) & (E1000_STATUS_LU | E1000_STATUS_SPEED_1000)) ==
          (E1000_STATUS_LU | E1000_STATUS_SPEED_1000));
}

TEST_CASE("e1000 a constant rate spaces frames evenly from start, at most count of them") {
    E1000::Config c;
    c.rate = 100000;  // one per 10 us
    c.start = 5 * us;
    c.count = 3;
    Board b(c);
    b.rx_on(7);
    b.nic.start();
    b.m.run_until(5 * us + 672);
    CHECK(b.counter("rx_packets") == 1);
    b.m.run_until(15 * us + 671);
    CHECK(b.counter("rx_packets") == 1);
    b.m.run_until(15 * us + 672);
    CHECK(b.counter("rx_packets") == 2);
    b.m.run_until(1000 * us);
    CHECK(b.counter("rx_packets") == 3);
}

TEST_CASE("e1000 a burst sends its frames back to back from its time, and a slower link takes longer per frame") {
    E1000::Config c;
    c.speed = 100;  // 80 ns a byte: 6.72 us per 64-byte frame
    c.bursts = {{20 * us, 3}, {10 * us, 2}};
    Board b(c);
    b.rx_on(7);
    b.nic.start();
    b.m.run_until(10 * us + 2 * 6720 - 1);
    CHECK(b.counter("rx_packets") == 1);
    b.m.run_until(10 * us + 2 * 6720);
    CHECK(b.counter("rx_packets") == 2);
    // The second burst is due at 20 us, while the first is still on the wire: it follows.
    b.m.run_until(10 * us + 5 * 6720);
    CHECK(b.counter("rx_packets") == 5);
    CHECK((b.rd(E1000_STATUS) & E1000_STATUS_SPEED_1000) == 0);
    CHECK(b.rd(E1000_STATUS) & E1000_STATUS_SPEED_100);
}

TEST_CASE("e1000 Poisson arrivals come from the seeded stream: the same seed gives the same frames, another seed others") {
    auto arrivals = [](std::uint64_t seed) {
        Machine m(test::config(), seed);
        Bus bus{m.k, m.k.ioapic()};
        E1000::Config c;
        c.line = kLine;
        c.rate = 50000;
        c.poisson = true;
        E1000 nic(bus, c, "e1000.0");
        nic.start();
        std::vector<std::int64_t> seen;
        for (int t = 1; t <= 20; ++t) {
            m.run_until(t * 50 * us);
            seen.push_back(nic.counters()[0].second);
        }
        return seen;
    };
    CHECK(arrivals(7) == arrivals(7));
    CHECK(arrivals(7) != arrivals(8));
    CHECK(arrivals(7).back() > 5);
}

// --- the driver, through the command line ------------------------------------------

namespace {
test::CliResult run_yaml(const std::string& name, const std::string& yaml, const std::string& args = "") {
    std::string path = test::temp_path(name + ".yaml");
    std::ofstream(path) << yaml;
    test::CliResult r = test::irqlab_cli("run " + args + path);
    std::remove(path.c_str());
    return r;
}

bool has(const test::CliResult& r, const std::string& text) { return r.out.find(text) != std::string::npos; }
}  // namespace

TEST_CASE("e1000 driver (NAPI): a reader of /dev/eth0 gets every frame, its latency timed from the frame's arrival on the wire") {
    test::CliResult r = run_yaml("napi", R"(irqlab: 1
devices:
  - {type: e1000, line: 18, rate: 10000, start: 1ms, count: 20, itr: 0}
processes:
  - name: reader
    program:
      - repeat: {times: 20, do: [{read: /dev/eth0}]}
run: {until: 5ms}
expect:
  bugs: []
  reads: {reader: "packet 46\n"}
  devices:
    e1000.0: {rx_packets: 20, rx_delivered: 20, rx_missed: 0, interrupts: 20}
  irqs: {18: 20}
  latency:
    read /dev/eth0: {count: ">= 20", max: "< 20us"}
  dmesg: ["e1000 e1000.0 eth0: Intel(R) PRO/1000 Network Connection, 52:54:00:12:34:56, irq 18", "NAPI, interrupt throttling off"]
)");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
    CHECK(has(r, "reader /dev/eth0: 20 reads"));
}

TEST_CASE("e1000 driver (NAPI) under overload: a few interrupts, then polling with the NIC masked, and the NIC drops what has no descriptor") {
    test::CliResult r = run_yaml("napi-overload", R"(irqlab: 1
devices:
  - {type: e1000, line: 18, rate: 1000000, start: 1ms, count: 5000}
processes:
  - name: reader
    program:
      - repeat: {do: [{read: /dev/eth0}, {compute: 5us}]}
run: {until: 8ms}
expect:
  bugs: []
  irqs: {18: {max: 5}}
  devices:
    e1000.0: {rx_packets: 5000, rx_missed: ">= 1000"}
)", "--proc-dir " + test::temp_path("proc") + " ");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
    std::string softnet = test::slurp(test::temp_path("proc") + "/net/softnet_stat");
    std::filesystem::remove_all(test::temp_path("proc"));
    CHECK(softnet.substr(0, 8) != "00000000");  // processed
    CHECK(softnet.substr(9, 8) == "00000000");  // nothing dropped: NAPI does not use the backlog
}

TEST_CASE("e1000 driver per-packet: an interrupt per frame, each frame through netif_rx's backlog") {
    std::string proc = test::temp_path("proc-pp");
    test::CliResult r = run_yaml("per-packet", R"(irqlab: 1
devices:
  - {type: e1000, line: 18, rate: 10000, start: 1ms, count: 20, style: per-packet}
processes:
  - name: reader
    program:
      - repeat: {times: 20, do: [{read: /dev/eth0}]}
run: {until: 5ms}
expect:
  bugs: []
  irqs: {18: 20}
  devices:
    e1000.0: {rx_delivered: 20, interrupts: 20}
  latency:
    read /dev/eth0: {count: ">= 20"}
  dmesg: ["per-packet interrupts (no NAPI): receive in the hard handler, netif_rx"]
)", "--proc-dir " + proc + " ");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
    CHECK(has(r, "softirq  NET_RX"));
    std::string dev = test::slurp(proc + "/net/dev");
    std::filesystem::remove_all(proc);
    CHECK(dev.find("  eth0:    1200      20") != std::string::npos);
}

TEST_CASE("e1000 driver per-packet under overload: the hard handler and the backlog take the CPU, the reader gets nothing (receive livelock)") {
    test::CliResult r = run_yaml("livelock", R"(irqlab: 1
devices:
  - {type: e1000, line: 18, rate: 600000, start: 1ms, style: per-packet}
processes:
  - name: reader
    program:
      - repeat: {times: 100, do: [{read: /dev/eth0}, {compute: 5us}]}
      - write: {path: /dev/eth0, data: done}
run: {until: 11ms}
expect:
  bugs: []
  devices:
    e1000.0: {rx_missed: 0, tx_packets: 0}
  irqs: {18: {min: 3000}}
)");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
}

TEST_CASE("e1000 driver on a shared line: ICR 0 means another device's interrupt, and the handler returns IRQ_NONE") {
    test::CliResult r = run_yaml("shared", R"(irqlab: 1
devices:
  - {type: e1000, line: 18, rate: 10000, start: 1ms, count: 5, itr: 0}
  - {type: irqgen, line: 18, trigger: level, at: [1.55ms, 2.55ms], shared: true}
processes:
  - name: reader
    program:
      - repeat: {times: 5, do: [{read: /dev/eth0}]}
run: {until: 5ms}
expect:
  bugs: []
  irqs: {18: 7}
  devices:
    e1000.0: {interrupts: 5}
  latency:
    read /dev/eth0: {count: ">= 5"}
)");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
    CHECK(has(r, "eth0, irqgen.0"));
}

TEST_CASE("e1000 driver with MSI: no line, no IRQF_SHARED, one message per interrupt") {
    test::CliResult r = run_yaml("msi", R"y(irqlab: 1
devices:
  - {type: e1000, msi: true, rate: 10000, start: 1ms, count: 10, itr: 0}
processes:
  - name: reader
    program:
      - repeat: {times: 10, do: [{read: /dev/eth0}]}
run: {until: 5ms}
expect:
  bugs: []
  irqs: {24: 10}
  devices:
    e1000.0: {interrupts: 10, rx_delivered: 10}
  dmesg: ["irq 24 (MSI)"]
)y");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
}

TEST_CASE("e1000 a process's write to /dev/eth0 is sent by the NIC: ndo_start_xmit fills a TX descriptor, the poll reclaims it") {
    std::string proc = test::temp_path("proc-tx");
    test::CliResult r = run_yaml("tx", R"(irqlab: 1
devices:
  - {type: e1000, line: 18}
processes:
  - name: sender
    start: 1ms
    program:
      - repeat: {times: 3, do: [{write: {path: /dev/eth0, data: hello}}, {sleep: 100us}]}
run: {until: 5ms}
expect:
  bugs: []
  devices:
    e1000.0: {tx_packets: 3, rx_packets: 0}
  irqs: {18: 3}
)", "--proc-dir " + proc + " ");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
    // 3 frames of 60 bytes (padded to ETH_ZLEN) sent and reclaimed.
    std::string dev = test::slurp(proc + "/net/dev");
    std::filesystem::remove_all(proc);
    CHECK(dev.find("     180       3    0    0") != std::string::npos);
}

TEST_CASE("e1000 rmmod: remove() turns the NIC off and frees the IRQ and the rings, and later frames are missed") {
    test::CliResult r = run_yaml("remove", R"(irqlab: 1
devices:
  - {type: e1000, line: 18, rate: 10000, start: 1ms, count: 40}
drivers:
  - {module: e1000, load: 0ms, unload: 2.05ms}
processes:
  - name: reader
    program:
      - repeat: {times: 11, do: [{read: /dev/eth0}]}
run: {until: 6ms}
expect:
  bugs: []
  devices:
    e1000.0: {rx_packets: 40, rx_delivered: 11, rx_missed: 29}
  dmesg: ["e1000 e1000.0 eth0: 11 packets received, 0 missed (no descriptor), 0 sent"]
)");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
}

TEST_CASE("e1000 parameters are checked: a line or MSI, a rate the link can carry, itr values, ring multiples") {
    auto error_of = [](const std::string& dev) -> std::string {
        try {
            scenario::parse(YAML::Load("irqlab: 1\ndevices:\n  - " + dev + "\nrun: {until: 1ms}\n"), "f.yaml");
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    };
    CHECK(error_of("{type: e1000, line: 18, rate: 1000}") == "");
    CHECK(error_of("{type: e1000, rate: 1000}") == "f.yaml:3:5: an e1000 needs 'line' (a PCI INTx line, 16-23) or 'msi: true'");
    CHECK(error_of("{type: e1000, line: 18, msi: true}") == "f.yaml:3:5: an MSI NIC has no line: drop 'line'");
    CHECK(error_of("{type: e1000, line: 18, rate: 1500000}") ==
          "f.yaml:3:5: rate 1500000 is more than the link carries: at most 1488095 frames/s of 64 bytes at 1000 Mb/s");
    CHECK(error_of("{type: e1000, line: 18, rate: 81275, size: 1518}") ==
          "f.yaml:3:5: rate 81275 is more than the link carries: at most 81274 frames/s of 1518 bytes at 1000 Mb/s");
    CHECK(error_of("{type: e1000, line: 18, itr: 50}") ==
          "f.yaml:3:5: itr is 0 (off), 1 (dynamic), 3 (dynamic conservative) or 100-100000 interrupts/s");
    CHECK(error_of("{type: e1000, line: 18, rx_descriptors: 100}") ==
          "f.yaml:3:5: rx_descriptors is a multiple of 8 (the ring is a multiple of 128 bytes)");
    CHECK(error_of("{type: e1000, line: 18, bursts: [{at: 1ms, count: many}]}") ==
          "f.yaml:3:5: a burst's count is a number of frames, 1 to 1000000");
    CHECK(error_of("{type: e1000, line: 5}").find("e1000.line") != std::string::npos);
}

// --- receive-side scaling: several RX queues, one MSI-X vector each -----------------

namespace {
// A NIC with `queues` RX queues, each with its own ring of 8 descriptors in host memory,
// RETA filled as the driver does (entry j to queue j * queues / 128), RSS on and RX on.
struct RssBoard {
    Machine m;
    Bus bus{m.k, m.k.ioapic()};
    E1000 nic;
    std::vector<std::vector<e1000_rx_desc>> rings;
    std::vector<std::vector<std::vector<std::uint8_t>>> buffers;

    explicit RssBoard(int queues, int flows) : nic(bus, config(queues, flows), "e1000.0") {
        rings.resize(static_cast<std::size_t>(queues));
        buffers.resize(rings.size());
        for (std::size_t q = 0; q < rings.size(); ++q) {
            rings[q].resize(8);
            for (e1000_rx_desc& d : rings[q]) {
                buffers[q].emplace_back(2048, 0);
                d.buffer_addr = bus.dma_map(buffers[q].back().data(), 2048);
            }
            std::uint64_t dma = bus.dma_map(rings[q].data(), 8 * sizeof(e1000_rx_desc));
            int n = static_cast<int>(q);
            wr(E1000_RDBAL_Q(n), static_cast<std::uint32_t>(dma));
            wr(E1000_RDBAH_Q(n), static_cast<std::uint32_t>(dma >> 32));
            wr(E1000_RDLEN_Q(n), 8 * sizeof(e1000_rx_desc));
            wr(E1000_RDH_Q(n), 0);
            wr(E1000_RDT_Q(n), 7);
        }
        for (int r = 0; r < E1000_RETA_SIZE / 4; ++r) {
            std::uint32_t v = 0;
            for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>((4 * r + i) * queues / E1000_RETA_SIZE) << (8 * i);
            wr(E1000_RETA(r), v);
        }
        wr(E1000_MRQC, E1000_MRQC_ENABLE_RSS_MQ);
        wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_TSIP);
    }
    static E1000::Config config(int queues, int flows) {
        E1000::Config c;
        c.msi = true;
        c.queues = queues;
        c.flows = flows;
        return c;
    }
    std::uint64_t base() const { return nic.resources()[0].start; }
    std::uint32_t rd(std::uint64_t off) { return static_cast<std::uint32_t>(bus.mmio_read(base() + off, 4)); }
    void wr(std::uint64_t off, std::uint32_t v) { bus.mmio_write(base() + off, v, 4); }
    std::int64_t counter(const std::string& name) const {
        for (const auto& [n, v] : nic.counters())
            if (n == name) return v;
        return -1;
    }
    // The queue the driver's RETA gives flow f.
    static int queue_of(std::uint32_t flow, int queues) {
        return static_cast<int>(E1000::rss_hash(flow) % E1000_RETA_SIZE) * queues / E1000_RETA_SIZE;
    }
};
}  // namespace

TEST_CASE("e1000 RSS: RETA sends each flow's frames to the queue its hash indexes, into that queue's own ring") {
    RssBoard b(4, 6);
    b.m.at(10 * us, [&] { b.nic.inject(6); });  // flows 0..5, one frame each
    b.m.run_until(50 * us);
    std::vector<std::vector<std::uint32_t>> flows_in(4);
    for (std::uint32_t f = 0; f < 6; ++f) flows_in[static_cast<std::size_t>(RssBoard::queue_of(f, 4))].push_back(f);
    int used = 0;
    for (int q = 0; q < 4; ++q) {
        auto& want = flows_in[static_cast<std::size_t>(q)];
        INFO("queue " << q);
        CHECK(b.rd(E1000_RDH_Q(q)) == want.size());
        CHECK(b.counter("rx_queue" + std::to_string(q)) == static_cast<std::int64_t>(want.size()));
        for (std::size_t i = 0; i < want.size(); ++i) {
            const auto& qr = b.rings[static_cast<std::size_t>(q)];
            CHECK((qr[i].status & E1000_RXD_STAT_DD) != 0);
            // The flow id follows the frame number in the payload.
            const std::uint8_t* eth = b.buffers[static_cast<std::size_t>(q)][i].data() + E1000_TSIP_HDR_LEN;
            CHECK(eth[21] == want[i]);
        }
        used += !want.empty();
    }
    CHECK(used >= 3);  // six flows spread over at least three of the four queues
    CHECK(b.counter("rx_delivered") == 6);
}

TEST_CASE("e1000 RSS off (MRQC 0): every flow's frames go to queue 0") {
    RssBoard b(4, 6);
    b.wr(E1000_MRQC, 0);
    b.m.at(10 * us, [&] { b.nic.inject(6); });
    b.m.run_until(50 * us);
    CHECK(b.rd(E1000_RDH_Q(0)) == 6);
    CHECK(b.counter("rx_queue1") + b.counter("rx_queue2") + b.counter("rx_queue3") == 0);
}

TEST_CASE("e1000 RSS: a queue's frame sets its EICR bit and sends its own MSI-X vector, EIMC masks one vector only, EIAC clears the cause") {
    RssBoard b(4, 4);
    CHECK(b.nic.msi_vectors() == 4);
    CHECK(b.nic.resources().size() == 1);  // the machine adds one MSI-X interrupt per vector
    for (int v = 0; v < 4; ++v) {
        dev::MsiMessage* m = b.nic.msi_vector(v);
        REQUIRE(m != nullptr);
        *m = dev::MsiMessage{0xfee00000u | (static_cast<std::uint64_t>(v) << 12), static_cast<std::uint32_t>(0x41 + v), true};
    }
    CHECK(b.nic.msi_vector(4) == nullptr);
    b.wr(E1000_EIAC, 0xf);
    b.wr(E1000_EIMS, 0xf);
    int q0 = RssBoard::queue_of(0, 4);
    b.wr(E1000_EIMC, E1000_EICR_RX_QUEUE(q0));  // flow 0's queue masked, as its hard handler does
    b.m.at(10 * us, [&] { b.nic.inject(4); });
    b.m.run_until(50 * us);
    std::vector<int> frames(4, 0);
    for (std::uint32_t f = 0; f < 4; ++f) ++frames[static_cast<std::size_t>(RssBoard::queue_of(f, 4))];
    for (int q = 0; q < 4; ++q) {
        INFO("queue " << q);
        // ITR 0 and EIAC: a message per frame on an unmasked vector, none on the masked one.
        std::int64_t want = q == q0 ? 0 : frames[static_cast<std::size_t>(q)];
        CHECK(b.counter("interrupts_vector" + std::to_string(q)) == want);
    }
    // The masked queue's cause waits in EICR; unmasking sends its vector.
    CHECK((b.rd(E1000_EIMS) & E1000_EICR_RX_QUEUE(q0)) == 0);
    b.wr(E1000_EIMS, E1000_EICR_RX_QUEUE(q0));
    CHECK(b.counter("interrupts_vector" + std::to_string(q0)) == 1);
    CHECK(b.rd(E1000_EICR) == 0);  // every sent cause was auto-cleared
}

TEST_CASE("e1000 driver with RSS: an IRQ per queue named eth0-rx-N on its own CPU, and each queue's NAPI polled on that CPU") {
    std::string proc = test::temp_path("proc-rss");
    test::CliResult r = run_yaml("rss", R"y(irqlab: 1
machine: {cpus: 4}
devices:
  - {type: e1000, msi: true, queues: 4, flows: 64, rate: 100000, start: 1ms, count: 400, itr: 0}
run: {until: 6ms}
# itr 0: an interrupt per frame, so each CPU's count is its queue's share of the 64 flows
expect:
  bugs: []
  irqs:
    24: {cpus: [107, 0, 0, 0]}
    25: {cpus: [0, 100, 0, 0]}
    26: {cpus: [0, 0, 99, 0]}
    27: {cpus: [0, 0, 0, 94]}
  devices:
    e1000.0: {rx_delivered: 400, rx_missed: 0, rx_queue0: 107, rx_queue1: 100, rx_queue2: 99, rx_queue3: 94}
  dmesg: ["RSS: 4 RX queues, MSI-X irqs 24-27"]
)y", "--proc-dir " + proc + " ");
    INFO(r.out + r.err);
    CHECK(r.code == 0);
    std::string interrupts = test::slurp(proc + "/interrupts");
    std::string softirqs = test::slurp(proc + "/softirqs");
    std::filesystem::remove_all(proc);
    for (int q = 0; q < 4; ++q) CHECK(interrupts.find("eth0-rx-" + std::to_string(q)) != std::string::npos);
    // NET_RX ran on every CPU: each queue's poll where its vector is.
    std::string line = softirqs.substr(softirqs.find("NET_RX:"));
    line = line.substr(0, line.find('\n'));
    INFO(line);
    CHECK(line.find(" 0 ") == std::string::npos);
    CHECK(line.find("100") != std::string::npos);
}

TEST_CASE("e1000 parameters: queues > 1 needs MSI-X and the NAPI driver") {
    auto error_of = [](const std::string& dev) -> std::string {
        try {
            scenario::parse(YAML::Load("irqlab: 1\ndevices:\n  - " + dev + "\nrun: {until: 1ms}\n"), "f.yaml");
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    };
    CHECK(error_of("{type: e1000, msi: true, queues: 4, flows: 16}") == "");
    CHECK(error_of("{type: e1000, line: 18, queues: 2}") == "f.yaml:3:5: queues > 1 needs MSI-X: add 'msi: true'");
    CHECK(error_of("{type: e1000, msi: true, queues: 2, style: per-packet}") ==
          "f.yaml:3:5: queues > 1 needs the NAPI driver: drop 'style: per-packet'");
    CHECK(error_of("{type: e1000, msi: true, queues: 5}").find("queues") != std::string::npos);
}

TEST_CASE("e1000 inject frames: N frames arrive from now, back to back at the line rate, as a burst") {
    Board b({});
    b.rx_on(7);
    b.m.run_until(10 * us);
    CHECK(b.nic.inputs() == std::vector<std::string>{"frames"});
    REQUIRE(b.nic.inject("frames", "3") == "");
    b.m.run_until(10 * us + 672 - 1);
    CHECK(b.counter("rx_packets") == 0);
    b.m.run_until(10 * us + 672);
    CHECK(b.counter("rx_packets") == 1);
    b.m.run_until(10 * us + 3 * 672);
    CHECK(b.counter("rx_packets") == 3);
    CHECK(b.counter("rx_delivered") == 3);
    CHECK(b.rd(E1000_RDH) == 3);
    REQUIRE(b.nic.inject("frames", "") == "");  // one frame
    b.m.run_until(20 * us);
    CHECK(b.counter("rx_packets") == 4);
    CHECK(b.nic.inject("frames", "0") == "frames takes a count of frames (1 to 1000000), not '0'");
    CHECK(b.nic.inject("bytes", "x") == "device e1000.0 takes no input 'bytes'");
}
