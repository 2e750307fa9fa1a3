// disk: a disk controller with tagged command slots, DMA and completion interrupts, over a
// spinning disk (hdd) or flash (ssd). devices/disk/README.md has the whole story.
//
// The driver writes a command into a free slot (its tag: LBA, sector count, direction,
// DMA address) and rings the doorbell with the tag. The controller works the command, moves
// the data by DMA, sets the slot's STATUS and its DONE bit, and sets ISR.CMD_DONE, which
// (with CTRL.IRQ_ENABLE) asserts the level line or sends an MSI. The driver acknowledges
// ISR first, then reaps the DONE bits (writing 1 frees a slot), so a command finishing
// while it reaps interrupts again.
//
// Registers (32-bit, MMIO window of kWindow bytes):
//   0x000 MAGIC        RO  0x4b534456 ("VDSK")
//   0x004 CAPACITY_LO  RO  capacity in 512-byte sectors, low half
//   0x008 CAPACITY_HI  RO  high half
//   0x00c QUEUE_DEPTH  RO  command slots (tags 0 .. depth-1)
//   0x010 CTRL         RW  bit 0 ENABLE: doorbells are taken; bit 1 IRQ_ENABLE (0 at reset)
//   0x014 ISR          RW1C bit 0 CMD_DONE: a command finished since the last clear
//   0x018 INFLIGHT     RO  slots busy (doorbell rung, not yet finished)
//   0x020 MAX_SECTORS  RO  the largest COUNT a command may have
//   0x040 DONE0..7     RW1C bit n of DONEk: slot 32k+n finished; writing 1 frees the slot
//   0x060 DOORBELL     WO  a tag: that slot's command starts
//   0x100 + 0x20*tag   the slot: +0x00 LBA_LO, +0x04 LBA_HI, +0x08 COUNT, +0x0c OP (bit 0
//                      WRITE), +0x10 DMA_LO, +0x14 DMA_HI (RW); +0x18 STATUS (RO)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "sim/event.hpp"
#include "sim/random.hpp"

namespace irqlab::dev {

class Disk final : public Device, public RegisterWindow {
public:
    static constexpr std::uint64_t kWindow = 0x4000;
    static constexpr std::uint64_t MAGIC = 0x000;
    static constexpr std::uint64_t CAPACITY_LO = 0x004;
    static constexpr std::uint64_t CAPACITY_HI = 0x008;
    static constexpr std::uint64_t QUEUE_DEPTH = 0x00c;
    static constexpr std::uint64_t CTRL = 0x010;
    static constexpr std::uint64_t ISR = 0x014;
    static constexpr std::uint64_t INFLIGHT = 0x018;
    static constexpr std::uint64_t MAX_SECTORS = 0x020;
    static constexpr std::uint64_t DONE0 = 0x040;  // .. 0x05c
    static constexpr std::uint64_t DOORBELL = 0x060;
    static constexpr std::uint64_t SLOT0 = 0x100;
    static constexpr std::uint64_t kSlotSize = 0x20;
    static constexpr std::uint64_t SLOT_LBA_LO = 0x00;
    static constexpr std::uint64_t SLOT_LBA_HI = 0x04;
    static constexpr std::uint64_t SLOT_COUNT = 0x08;
    static constexpr std::uint64_t SLOT_OP = 0x0c;
    static constexpr std::uint64_t SLOT_DMA_LO = 0x10;
    static constexpr std::uint64_t SLOT_DMA_HI = 0x14;
    static constexpr std::uint64_t SLOT_STATUS = 0x18;

    static constexpr std::uint32_t kMagic = 0x4b534456;       // "VDSK", little-endian
    static constexpr std::uint32_t CTRL_ENABLE = 1u << 0;      // doorbells are taken
    static constexpr std::uint32_t CTRL_IRQ_ENABLE = 1u << 1;  // ISR raises the interrupt
    static constexpr std::uint32_t ISR_CMD_DONE = 1u << 0;     // a command finished
    static constexpr std::uint32_t OP_WRITE = 1u << 0;         // memory to disk (else disk to memory)
    // A slot's STATUS.
    static constexpr std::uint32_t STATUS_IDLE = 0;          // free
    static constexpr std::uint32_t STATUS_BUSY = 1;          // the command is being worked
    static constexpr std::uint32_t STATUS_OK = 2;            // done, data moved
    static constexpr std::uint32_t STATUS_MEDIUM_ERROR = 3;  // done: a sector could not be read or written
    static constexpr std::uint32_t STATUS_INVALID = 4;       // done: bad LBA range, count or DMA address

    static constexpr unsigned kMaxDepth = 256;
    static constexpr std::uint32_t kMaxSectors = 256;  // 128 KiB per command
    static constexpr std::uint64_t kSectorSize = 512;

    enum class Kind { Hdd, Ssd };

    struct Config {
        Kind kind = Kind::Ssd;
        std::uint64_t sectors = 2'097'152;  // 1 GiB
        unsigned queue_depth = 32;
        int line = 0;
        bool msi = false;
        unsigned rpm = 7200;            // hdd
        sim::Time latency = 80'000;     // ssd: the fixed part
        sim::Time jitter = 10'000;      // ssd: +- this much, uniformly
        std::vector<std::pair<std::uint64_t, std::uint64_t>> bad;  // [first, last] sector ranges
    };

    Disk(Bus& bus, Config c, const std::string& instance);
    ~Disk() override;

    std::vector<struct resource> resources() const override;
    std::string info() const override;
    std::vector<std::pair<std::string, std::int64_t>> counters() const override;
    std::vector<std::string> report() const override;
    MsiMessage* msi() override { return c_.msi ? &msi_ : nullptr; }
    void msi_written() override;

    std::uint64_t read(std::uint64_t offset, int size) override;
    void write(std::uint64_t offset, std::uint64_t value, int size) override;

    // The latency model, public for tests. hdd: the time from `now` to the end of a
    // command on [lba, lba + count) with the head on `head_track`.
    struct HddTiming {
        sim::Time seek, rotation, transfer;
        sim::Time total() const { return seek + rotation + transfer; }
    };
    HddTiming hdd_timing(sim::Time now, std::uint64_t head_track, std::uint64_t lba, std::uint32_t count) const;
    std::uint64_t track_of(std::uint64_t lba) const { return lba / kSectorsPerTrack; }
    std::uint64_t tracks() const { return (c_.sectors + kSectorsPerTrack - 1) / kSectorsPerTrack; }
    sim::Time revolution() const;  // one turn of the platter, rounded to ns
    bool bad_sector_in(std::uint64_t lba, std::uint32_t count) const;
    // The contents of a sector never written: its number, as text ("sector 12", padded
    // with spaces, a newline last), so a lesson can see what it read.
    static std::string fresh_sector(std::uint64_t lba);

    // Geometry and timing constants (see the README for where they come from).
    static constexpr std::uint64_t kSectorsPerTrack = 2048;  // 1 MiB per track
    static constexpr sim::Time kTrackToTrack = 1'000'000;    // 1 ms: a seek of one track
    static constexpr sim::Time kFullStroke = 20'000'000;     // 20 ms: the innermost to the outermost track
    static constexpr std::uint64_t kSsdBytesPerSec = 2'000'000'000;  // 2 GB/s: the flash's transfer rate

    std::uint64_t head_track() const { return head_track_; }

    // A finished command and where its time went (the report's lines; the first 1000).
    struct Done {
        unsigned tag;
        bool write;
        std::uint64_t lba;
        std::uint32_t count;
        sim::Time rung, took;
        std::uint32_t status;
        HddTiming hdd;
    };
    const std::vector<Done>& completions() const { return log_; }

private:
    struct Slot {
        std::uint64_t lba = 0;
        std::uint32_t count = 0;
        std::uint32_t op = 0;
        std::uint64_t dma = 0;
        std::uint32_t status = STATUS_IDLE;
        bool invalid = false;       // the command cannot be done: STATUS_INVALID at once
        sim::Time rung = 0;         // the doorbell
        sim::Time finish = sim::kNever;  // when its work ends (kNever: not started: hdd queue)
        std::string data;           // a write's data, taken by DMA when it starts
    };
    void reset();
    void update_irq();  // the line as a pure function of ISR and CTRL
    void doorbell(unsigned tag);
    void start_hdd_next();  // the head is free: the oldest queued command starts
    void media_done();      // the next command's work ends
    void finish(unsigned tag);
    void schedule_media();
    void send_msi();

    Config c_;
    std::uint64_t base_;
    IrqOutput* out_ = nullptr;
    MsiMessage msi_;
    bool line_high_ = false;  // the last computed output (edges of it are counted)
    sim::Rng rng_;
    std::uint32_t ctrl_ = 0, isr_ = 0;
    std::array<std::uint32_t, kMaxDepth / 32> done_{};
    std::vector<Slot> slots_;
    std::vector<unsigned> hdd_queue_;  // tags waiting for the head, in doorbell order
    bool hdd_busy_ = false;
    unsigned hdd_current_ = 0;
    HddTiming hdd_current_timing_{};
    std::uint64_t head_track_ = 0;
    std::map<std::uint64_t, std::string> media_;  // sectors written, by LBA
    std::int64_t requests_ = 0, completed_ = 0, errors_ = 0, interrupts_ = 0, max_depth_ = 0;
    std::int64_t service_total_ = 0, service_max_ = 0;
    std::vector<Done> log_;
    sim::MemberEvent<&Disk::media_done> media_ev_;
};

}  // namespace irqlab::dev
