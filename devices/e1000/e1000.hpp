// e1000: an Intel 8254x-style gigabit Ethernet NIC (the "e1000" of QEMU and of Linux's
// e1000 driver), reduced to what the receive and interrupt paths need
// (devices/e1000/README.md). Registers, bits and descriptors: e1000_hw.h.
//
// Receive: frames arrive on the wire at the line rate (a frame of N bytes, FCS included,
// occupies (N + 20) * 8 bit times: preamble, start delimiter and inter-frame gap make the
// 20). When its last bit is in, the NIC takes the descriptor at RDH, if the driver has
// given it one (RDH != RDT), writes the frame into that descriptor's buffer by DMA, writes
// the descriptor back (length, status DD | EOP) and advances RDH. With no descriptor the
// frame is dropped and counted (MPC; ICR.RXO). There is no on-chip packet FIFO.
//
// Interrupts: a stored frame sets ICR.RXT0 at once (RDTR 0) or when the receive delay
// timer expires (RDTR: restarted by each frame; RADV: an absolute bound from the first
// one); RXDMT0 when the free descriptors fall to RCTL.RDMTS of the ring; TXDW when a
// transmit descriptor with RS is written back. The interrupt is asserted while
// (ICR & IMS) != 0, but no sooner than ITR * 256 ns after the previous assertion
// (interrupt throttling). Reading ICR returns it and clears it. On a level line (PCI INTx,
// shareable) the pin follows that; with MSI each assertion sends one message.
//
// Receive-side scaling (`queues` > 1, MSI-X): frames carry a flow id (the stimulus deals
// them round robin over `flows` flows); the flow's RSS hash indexes the redirection table
// (RETA, with MRQC on) which names the queue, each with its own ring. A frame stored in
// queue n sets EICR bit n at once (the delay timers and RXDMT0 are the legacy path's), and
// vector n's message goes out while EICR & EIMS has bit n, throttled by ITR per vector
// (as EITR would). Sending it clears the bit if EIAC has it.
//
// Transmit: writing TDT hands descriptors TDH..TDT-1 to the NIC, which sends them one
// after another at the line rate; each sent descriptor with RS gets status DD.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "devices/e1000/e1000_hw.h"
#include "sim/event.hpp"
#include "sim/random.hpp"

namespace irqlab::dev {

class E1000 final : public Device, public RegisterWindow {
public:
    static constexpr std::uint64_t kWindow = 0x20000;  // BAR0 of an 82540EM: 128 KiB
    // Preamble (7), start-of-frame delimiter (1) and the inter-frame gap (12): the bytes
    // of wire time each frame costs beyond its own.
    static constexpr int kWireOverhead = 20;
    static constexpr int kFcsLen = 4;
    static constexpr sim::Time kItrUnit = 256;    // ITR counts 256 ns
    static constexpr sim::Time kDelayUnit = 1024;  // RDTR and RADV count 1.024 us

    struct Burst {
        sim::Time at = 0;
        std::int64_t count = 0;
    };
    struct Config {
        int line = -1;     // PCI INTx line (16-23); -1 with msi
        bool msi = false;  // signal with MSI messages instead
        int speed = 1000;  // link speed, Mb/s: 10, 100, 1000
        // The far end: `rate` frames per second from `start` (at most `count`), evenly
        // spaced or as a Poisson process; plus bursts of back-to-back frames.
        std::int64_t rate = 0;
        bool poisson = false;
        int size = 64;  // bytes on the wire, FCS included (64-1518)
        sim::Time start = 0;
        std::int64_t count = -1;
        std::vector<Burst> bursts;
        std::array<std::uint8_t, 6> mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        int queues = 1;  // RX queues, one MSI-X vector each (1-4; more than 1 needs msi)
        int flows = 1;   // flows the stimulus deals frames to, round robin
    };
    // irqlab's RSS hash of a flow id (in place of the Toeplitz hash of the addresses and
    // ports): a 32-bit mix; its low 7 bits index RETA.
    static std::uint32_t rss_hash(std::uint32_t flow);

    E1000(Bus& bus, Config c, const std::string& instance);
    ~E1000() override;

    std::vector<struct resource> resources() const override;
    void start() override;
    std::string info() const override;
    std::vector<std::pair<std::string, std::int64_t>> counters() const override;
    MsiMessage* msi() override { return c_.msi ? &vec_[0].msi : nullptr; }
    void msi_written() override { msi_vector_written(0); }
    int msi_vectors() override { return c_.msi ? c_.queues : 0; }
    MsiMessage* msi_vector(int i) override {
        return c_.msi && i >= 0 && i < c_.queues ? &vec_[static_cast<std::size_t>(i)].msi : nullptr;
    }
    void msi_vector_written(int i) override;

    std::uint64_t read(std::uint64_t offset, int size) override;
    void write(std::uint64_t offset, std::uint64_t value, int size) override;

    // One frame's time on the wire at this link speed.
    sim::Time wire_time(int bytes) const;
    // A frame of `size` bytes from the far end now (tests; the stimulus uses it too).
    void inject(int count = 1);
    // Live input: "frames" with a count N: N frames of `size` bytes from the far end now,
    // back to back at the line rate, as a burst of the stimulus.
    std::vector<std::string> inputs() const override { return {"frames"}; }
    std::string inject(const std::string& what, const std::string& arg) override;

private:
    void reset();
    void update_irq();  // the interrupt output as a function of ICR, IMS and the ITR window
    void set_cause(std::uint32_t bits);
    void send_msi(int v = 0);
    void update_vectors();  // multi-queue: each vector from EICR, EIMS and its ITR window
    // Receive side.
    void generate();     // the stimulus: the next frame of the constant/Poisson stream
    void burst_due();    // the stimulus: a burst starts
    void frames_injected();  // the frames inject() queued reach the far end
    void wire_start();   // the next waiting frame starts on the wire
    void wire_done();    // its last bit is in: receive it
    void receive_frame();
    void rx_timer_expired();
    void schedule_generate();
    // Transmit side.
    void tx_kick();
    void tx_done();
    struct RxRing {
        std::uint32_t bal = 0, bah = 0, len = 0, h = 0, t = 0;
        std::uint64_t base() const { return (std::uint64_t{bah} << 32) | bal; }
    };
    bool multi_queue() const { return c_.queues > 1; }
    // The ring register at `offset` (RDBAL_Q(n) .. RDT_Q(n)), or nullptr.
    std::uint32_t* ring_register(std::uint64_t offset);
    std::uint64_t tdba() const { return (std::uint64_t{tdbah_} << 32) | tdbal_; }
    std::uint32_t rx_buffer_size() const;

    Config c_;
    std::uint64_t base_;
    IrqOutput* out_ = nullptr;  // the INTx line (none with MSI)
    // One per MSI(-X) vector; the single-queue NIC uses vector 0.
    struct Vector {
        MsiMessage msi;
        bool asserted = false;        // multi-queue: this episode's message is sent
        sim::Time last_assert = -1;   // multi-queue: for ITR
        std::int64_t interrupts = 0;
    };
    std::array<Vector, E1000_MAX_RX_QUEUES> vec_;
    sim::Rng rng_;

    // Registers.
    std::uint32_t ctrl_ = 0, icr_ = 0, ims_ = 0, itr_ = 0;
    std::uint32_t rctl_ = 0, tctl_ = 0;
    std::array<RxRing, E1000_MAX_RX_QUEUES> rx_;
    std::uint32_t rdtr_ = 0, radv_ = 0;
    std::uint32_t eicr_ = 0, eims_ = 0, eiac_ = 0, mrqc_ = 0;
    std::array<std::uint8_t, E1000_RETA_SIZE> reta_{};
    std::uint32_t tdbal_ = 0, tdbah_ = 0, tdlen_ = 0, tdh_ = 0, tdt_ = 0;
    std::uint32_t mpc_ = 0, gprc_ = 0, gptc_ = 0;
    std::uint32_t ral_ = 0, rah_ = 0;

    // Interrupt state.
    bool asserted_ = false;       // the output is asserted (or, MSI, this episode's message sent)
    sim::Time last_assert_ = -1;  // the last assertion, for ITR (-1: none yet)

    // The wire.
    std::int64_t generated_ = 0;   // frames of the constant/Poisson stream so far
    sim::Time next_generate_ = 0;  // the stream's next frame
    std::size_t next_burst_ = 0;
    std::int64_t waiting_ = 0;  // frames at the far end waiting for the wire
    std::int64_t injected_ = 0;  // frames inject() queued, not yet at the far end
    bool wire_busy_ = false;
    std::uint32_t seq_ = 0;  // frames are numbered in their payload
    std::vector<std::uint8_t> frame_;

    // Transmit in progress.
    bool tx_busy_ = false;
    std::uint32_t tx_cmd_ = 0;

    // Counters.
    std::int64_t rx_packets_ = 0, rx_delivered_ = 0, rx_missed_ = 0, interrupts_ = 0, tx_packets_ = 0;
    std::array<std::int64_t, E1000_MAX_RX_QUEUES> rxq_packets_{};

    sim::MemberEvent<&E1000::generate> generate_ev_;
    sim::MemberEvent<&E1000::burst_due> burst_ev_;
    sim::MemberEvent<&E1000::frames_injected> inject_ev_;
    sim::MemberEvent<&E1000::wire_done> wire_ev_;
    sim::MemberEvent<&E1000::update_irq> itr_ev_;
    sim::MemberEvent<&E1000::rx_timer_expired> rdtr_ev_;
    sim::MemberEvent<&E1000::rx_timer_expired> radv_ev_;
    sim::MemberEvent<&E1000::tx_done> tx_ev_;
};

}  // namespace irqlab::dev
