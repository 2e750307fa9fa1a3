// The disk: the model rule by rule (the test plays the driver through the bus), the block
// layer's rules with a small C++ driver on a test interrupt (where ->complete runs, tags,
// the sleeping submitter, errors), and the vdisk driver through scenarios.
#include <catch2/catch.hpp>

#include <linux/blk-mq.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/hardirq.h>
#include <linux/interrupt.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <string>

#include "devices/bus/bus.hpp"
#include "devices/disk/disk.hpp"
#include "kernel/block/block.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/irq_source.hpp"
#include "machine.hpp"
#include "tools/cli.hpp"

using namespace irqlab;
using irqlab::dev::Bus;
using irqlab::dev::Disk;
using irqlab::test::Machine;

namespace {
constexpr sim::Time us = 1000;
constexpr sim::Time ms = 1'000'000;

struct Board {
    explicit Board(std::uint64_t seed = 1) : m(test::config(), seed) {}
    Machine m;
    Bus bus{m.k, m.k.ioapic()};
};

Disk::Config ssd(sim::Time latency = 80 * us, sim::Time jitter = 0) {
    Disk::Config c;
    c.kind = Disk::Kind::Ssd;
    c.line = 17;
    c.latency = latency;
    c.jitter = jitter;
    return c;
}

Disk::Config hdd() {
    Disk::Config c;
    c.kind = Disk::Kind::Hdd;
    c.line = 17;
    return c;
}

// The driver's side, through the bus: registers by offset, and DMA buffers.
struct Host {
    Bus& bus;
    Disk& d;
    std::uint64_t base;
    Host(Bus& b, Disk& disk) : bus(b), d(disk), base(disk.resources()[0].start) {}
    std::uint32_t rd(std::uint64_t off) { return static_cast<std::uint32_t>(bus.mmio_read(base + off, 4)); }
    void wr(std::uint64_t off, std::uint32_t v) { bus.mmio_write(base + off, v, 4); }
    std::uint64_t slot(unsigned tag) { return Disk::SLOT0 + Disk::kSlotSize * tag; }
    void enable() { wr(Disk::CTRL, Disk::CTRL_ENABLE | Disk::CTRL_IRQ_ENABLE); }
    void submit(unsigned tag, std::uint64_t lba, std::uint32_t count, bool write, std::uint64_t dma) {
        wr(slot(tag) + Disk::SLOT_LBA_LO, static_cast<std::uint32_t>(lba));
        wr(slot(tag) + Disk::SLOT_LBA_HI, static_cast<std::uint32_t>(lba >> 32));
        wr(slot(tag) + Disk::SLOT_COUNT, count);
        wr(slot(tag) + Disk::SLOT_OP, write ? Disk::OP_WRITE : 0);
        wr(slot(tag) + Disk::SLOT_DMA_LO, static_cast<std::uint32_t>(dma));
        wr(slot(tag) + Disk::SLOT_DMA_HI, static_cast<std::uint32_t>(dma >> 32));
        wr(Disk::DOORBELL, tag);
    }
    std::uint32_t status(unsigned tag) { return rd(slot(tag) + Disk::SLOT_STATUS); }
    void reap(unsigned tag) { wr(Disk::DONE0 + 4 * (tag / 32), 1u << (tag % 32)); }
};
}  // namespace

// --- the model ------------------------------------------------------------------------

TEST_CASE("disk registers: MAGIC, capacity, queue depth and MAX_SECTORS as configured, CTRL and ISR 0 at reset") {
    Board b;
    Disk::Config c = ssd();
    c.sectors = 0x1'2345'6789ULL;
    c.queue_depth = 4;
    Disk d(b.bus, c, "disk.0");
    Host h(b.bus, d);
    CHECK(h.rd(Disk::MAGIC) == Disk::kMagic);
    CHECK(h.rd(Disk::CAPACITY_LO) == 0x23456789u);
    CHECK(h.rd(Disk::CAPACITY_HI) == 0x1u);
    CHECK(h.rd(Disk::QUEUE_DEPTH) == 4u);
    CHECK(h.rd(Disk::MAX_SECTORS) == Disk::kMaxSectors);
    CHECK(h.rd(Disk::CTRL) == 0u);
    CHECK(h.rd(Disk::ISR) == 0u);
    CHECK(h.status(3) == Disk::STATUS_IDLE);
    CHECK(d.resources()[1].start == 17);
    CHECK((d.resources()[1].flags & IORESOURCE_IRQ_LOWLEVEL) != 0);
}

TEST_CASE("disk ssd: a command finishes after the fixed latency plus its transfer at 2 GB/s") {
    Board b;
    Disk d(b.bus, ssd(80 * us, 0), "disk.0");
    Host h(b.bus, d);
    std::vector<char> buf(4096);
    std::uint64_t dma = b.bus.dma_map(buf.data(), buf.size());
    h.enable();
    b.m.run_until(10 * us);
    h.submit(5, 0, 8, false, dma);
    CHECK(h.status(5) == Disk::STATUS_BUSY);
    CHECK(h.rd(Disk::INFLIGHT) == 1u);
    sim::Time end = 10 * us + 80 * us + 2048;  // 4 KiB at 2 GB/s: 2.048 us
    b.m.run_until(end - 1);
    CHECK(h.status(5) == Disk::STATUS_BUSY);
    CHECK(h.rd(Disk::ISR) == 0u);
    b.m.run_until(end);
    CHECK(h.status(5) == Disk::STATUS_OK);
    CHECK(h.rd(Disk::DONE0) == 1u << 5);
    CHECK(h.rd(Disk::ISR) == Disk::ISR_CMD_DONE);
    CHECK(d.completions().at(0).took == 80 * us + 2048);
}

TEST_CASE("disk ssd jitter: each latency lies within latency +- jitter, drawn from the seeded stream") {
    auto run = [](std::uint64_t seed) {
        Board b(seed);
        Disk::Config c = ssd(80 * us, 20 * us);
        c.queue_depth = 64;
        Disk d(b.bus, c, "disk.0");
        Host h(b.bus, d);
        std::vector<char> buf(512);
        std::uint64_t dma = b.bus.dma_map(buf.data(), buf.size());
        h.enable();
        std::vector<sim::Time> took;
        for (int round = 0; round < 4; ++round) {
            for (unsigned tag = 0; tag < 64; ++tag) h.submit(tag, tag, 1, false, dma);
            b.m.run_until(b.m.now() + 200 * us);
            for (unsigned w = 0; w < 2; ++w) h.wr(Disk::DONE0 + 4 * w, ~0u);
        }
        for (const Disk::Done& x : d.completions()) took.push_back(x.took);
        return took;
    };
    std::vector<sim::Time> a = run(1);
    REQUIRE(a.size() == 256);
    sim::Time xfer = 256;  // 512 bytes at 2 GB/s
    auto [lo, hi] = std::minmax_element(a.begin(), a.end());
    CHECK(*lo >= 60 * us + xfer);
    CHECK(*hi <= 100 * us + xfer);
    CHECK(*hi - *lo > 30 * us);  // it does spread over the range
    CHECK(run(1) == a);          // the same seed, the same latencies
    CHECK(run(2) != a);
}

TEST_CASE("disk hdd latency model: seek linear in the track distance, rotation to the sector, transfer at the media rate") {
    Board b;
    Disk d(b.bus, hdd(), "disk.0");
    CHECK(d.revolution() == 8'333'333);  // 7200 rpm
    // Sector 0 of track 0 is under the head at time 0: no seek, no rotation; 8 sectors
    // pass in 8/2048 of a turn.
    Disk::HddTiming t = d.hdd_timing(0, 0, 0, 8);
    CHECK(t.seek == 0);
    CHECK(t.rotation == 0);
    CHECK(t.transfer == 32'553);  // ceil(8 x 8.333ms / 2048)
    // Sector 1024 is half a turn away.
    CHECK(d.hdd_timing(0, 0, 1024, 1).rotation == 4'166'667);
    // One track over: a track-to-track seek (1 ms), then the platter has turned 1 ms past
    // sector 0, which comes round again 7.33 ms later.
    t = d.hdd_timing(0, 0, Disk::kSectorsPerTrack, 1);
    CHECK(t.seek == Disk::kTrackToTrack);
    CHECK(t.rotation == 7'333'334);
    // The whole platter: a full-stroke seek; half of it, about half the extra time.
    std::uint64_t last = (d.tracks() - 1) * Disk::kSectorsPerTrack;
    CHECK(d.hdd_timing(0, 0, last, 1).seek == Disk::kFullStroke);
    CHECK(d.hdd_timing(0, d.tracks() - 1, 0, 1).seek == Disk::kFullStroke);
    sim::Time half = d.hdd_timing(0, 0, (d.tracks() / 2) * Disk::kSectorsPerTrack, 1).seek;
    CHECK(half > 10 * ms);
    CHECK(half < 11 * ms);
    // Over many start times the rotational wait averages half a turn: 4.17 ms.
    sim::Rng rng(7);
    sim::Time sum = 0;
    constexpr int kSamples = 4000;
    for (int i = 0; i < kSamples; ++i)
        sum += d.hdd_timing(static_cast<sim::Time>(rng.uniform(0, 1'000'000'000)), 0, 0, 1).rotation;
    CHECK(sum / kSamples > 4'000'000);
    CHECK(sum / kSamples < 4'340'000);
}

TEST_CASE("disk hdd: one command at a time in doorbell order, each taking seek + rotation + transfer from the head's track") {
    Board b;
    Disk d(b.bus, hdd(), "disk.0");
    Host h(b.bus, d);
    std::vector<char> buf(8192);
    std::uint64_t dma = b.bus.dma_map(buf.data(), buf.size());
    h.enable();
    b.m.run_until(100 * us);
    std::uint64_t far = 300 * Disk::kSectorsPerTrack + 100;
    Disk::HddTiming first = d.hdd_timing(100 * us, 0, far, 8);
    h.submit(0, far, 8, false, dma);
    h.submit(1, 16, 8, false, dma + 4096);
    sim::Time end0 = 100 * us + first.total();
    Disk::HddTiming second = d.hdd_timing(end0, 300, 16, 8);  // back from track 300 to track 0
    b.m.run_until(end0 - 1);
    CHECK(h.status(0) == Disk::STATUS_BUSY);
    b.m.run_until(end0);
    CHECK(h.status(0) == Disk::STATUS_OK);
    CHECK(h.status(1) == Disk::STATUS_BUSY);
    CHECK(d.head_track() == 300);
    CHECK(first.seek > 6 * ms);
    CHECK(second.seek == first.seek);
    b.m.run_until(end0 + second.total());
    CHECK(h.status(1) == Disk::STATUS_OK);
    CHECK(d.head_track() == 0);
    REQUIRE(d.completions().size() == 2);
    CHECK(d.completions()[1].took == end0 + second.total() - 100 * us);  // it queued behind the first
}

TEST_CASE("disk media error: a command touching a bad sector ends STATUS_MEDIUM_ERROR and moves no data") {
    Board b;
    Disk::Config c = ssd();
    c.bad = {{100, 103}};
    Disk d(b.bus, c, "disk.0");
    Host h(b.bus, d);
    std::vector<char> buf(4096, 'x');
    std::uint64_t dma = b.bus.dma_map(buf.data(), buf.size());
    h.enable();
    h.submit(0, 96, 8, false, dma);          // 96..103: touches 100
    h.submit(1, 104, 1, false, dma + 4095);  // clear of them, but 511 of its 512 bytes are not mapped
    h.submit(2, 90, 8, false, dma);          // 90..97: clear of them
    b.m.run_until(200 * us);
    CHECK(h.status(0) == Disk::STATUS_MEDIUM_ERROR);
    CHECK(h.status(1) == Disk::STATUS_INVALID);  // its DMA runs off the mapped buffer
    CHECK(h.status(2) == Disk::STATUS_OK);
    CHECK(std::string(buf.data(), 9) == "sector 90");
    auto counters = d.counters();
    CHECK(std::find(counters.begin(), counters.end(), std::pair<std::string, std::int64_t>{"errors", 2}) !=
          counters.end());
    CHECK(d.bad_sector_in(100, 1));
    CHECK_FALSE(d.bad_sector_in(104, 100));
    CHECK(d.bad_sector_in(0, 101));
}

TEST_CASE("disk DMA: a read fills memory with the sectors, a write is read back, a fresh sector reads as its number") {
    Board b;
    Disk d(b.bus, ssd(), "disk.0");
    Host h(b.bus, d);
    std::vector<char> out(1024), in(1024);
    std::memcpy(out.data(), "hello, disk", 11);
    std::uint64_t dma_out = b.bus.dma_map(out.data(), out.size());
    std::uint64_t dma_in = b.bus.dma_map(in.data(), in.size());
    h.enable();
    h.submit(0, 7, 2, true, dma_out);
    b.m.run_until(200 * us);
    CHECK(h.status(0) == Disk::STATUS_OK);
    h.reap(0);
    CHECK(h.status(0) == Disk::STATUS_IDLE);
    h.submit(0, 6, 2, false, dma_in);
    b.m.run_until(400 * us);
    CHECK(std::string(in.data(), 8) == "sector 6");
    CHECK(in[511] == '\n');
    CHECK(std::string(in.data() + 512, 11) == "hello, disk");
    CHECK(Disk::fresh_sector(12).size() == 512);
}

TEST_CASE("disk interrupt: the level line follows ISR and IRQ_ENABLE, acknowledging ISR drops it, the next completion raises it") {
    Board b;
    Disk d(b.bus, ssd(), "disk.0");
    Host h(b.bus, d);
    std::vector<char> buf(1024);
    std::uint64_t dma = b.bus.dma_map(buf.data(), buf.size());
    h.wr(Disk::CTRL, Disk::CTRL_ENABLE);  // commands, no interrupt yet
    h.submit(0, 0, 1, false, dma);
    b.m.run_until(100 * us);
    CHECK(h.rd(Disk::ISR) == Disk::ISR_CMD_DONE);
    CHECK_FALSE(b.bus.line_asserted(17));
    h.enable();
    CHECK(b.bus.line_asserted(17));
    h.wr(Disk::ISR, Disk::ISR_CMD_DONE);  // the driver acknowledges before it reaps
    CHECK_FALSE(b.bus.line_asserted(17));
    CHECK(h.rd(Disk::DONE0) == 1u);  // still to reap
    h.submit(1, 1, 1, false, dma + 512);
    b.m.run_until(200 * us);
    CHECK(b.bus.line_asserted(17));
    auto counters = d.counters();
    CHECK(std::find(counters.begin(), counters.end(), std::pair<std::string, std::int64_t>{"interrupts", 2}) !=
          counters.end());
}

TEST_CASE("disk doorbell: ignored while disabled, beyond the queue depth, or on a slot not yet reaped, and a bad command ends INVALID") {
    Board b;
    Disk::Config c = ssd();
    c.queue_depth = 2;
    c.sectors = 1000;
    Disk d(b.bus, c, "disk.0");
    Host h(b.bus, d);
    std::vector<char> buf(4096);
    std::uint64_t dma = b.bus.dma_map(buf.data(), buf.size());
    h.submit(0, 0, 1, false, dma);  // CTRL.ENABLE is clear
    CHECK(h.status(0) == Disk::STATUS_IDLE);
    h.enable();
    h.submit(0, 0, 1, false, dma);
    h.submit(2, 0, 1, false, dma);  // no slot 2
    h.submit(1, 996, 8, false, dma);  // runs past sector 999
    CHECK(h.status(1) == Disk::STATUS_BUSY);
    b.m.run_until(1);
    CHECK(h.status(1) == Disk::STATUS_INVALID);
    b.m.run_until(200 * us);
    h.submit(0, 1, 1, false, dma);  // done, not reaped: still taken
    CHECK(d.completions().size() == 2);
    auto counters = d.counters();
    CHECK(std::find(counters.begin(), counters.end(), std::pair<std::string, std::int64_t>{"requests", 2}) !=
          counters.end());
    CHECK(std::find(counters.begin(), counters.end(), std::pair<std::string, std::int64_t>{"max_queue_depth", 2}) !=
          counters.end());
}

// --- the block layer, with a test driver on a test interrupt --------------------------

namespace {

// What ->complete saw.
struct Completion {
    sim::Time at;
    int cpu;
    bool softirq, hardirq;
    std::string task;
    sector_t sector;
};

// A RAM "disk": queue_rq remembers the request and fires the test interrupt `delay`
// later on `irq_cpu`; the hardirq completes the oldest request with blk_mq_complete_request
// (the status the test set for its sector, data "ram N" for a read).
struct RamDisk {
    Machine& m;
    test::TestIrq irq;
    sim::Time delay = 50 * us;
    std::deque<struct request*> pending;
    std::map<sector_t, blk_status_t> fail;
    std::vector<Completion> done;
    std::vector<std::pair<sim::Time, sector_t>> issued;
    struct blk_mq_tag_set set {};
    struct gendisk* disk = nullptr;
    std::map<sector_t, std::string> media;

    RamDisk(Machine& machine, int irq_cpu) : m(machine), irq(machine, irq_cpu, 0x50, 1 * us) {
        irq.extra = [this] { interrupt(); };
    }
    void interrupt() {
        if (pending.empty()) return;
        struct request* rq = pending.front();
        pending.pop_front();
        blk_mq_complete_request(rq);
    }
};

RamDisk* g_ram = nullptr;

blk_status_t ram_queue_rq(struct blk_mq_hw_ctx*, const struct blk_mq_queue_data* bd) {
    struct request* rq = bd->rq;
    blk_mq_start_request(rq);
    g_ram->pending.push_back(rq);
    g_ram->issued.emplace_back(g_ram->m.now(), blk_rq_pos(rq));
    g_ram->irq.fire_at(g_ram->m.now() + g_ram->delay);
    return BLK_STS_OK;
}

void ram_complete(struct request* rq) {
    RamDisk& r = *g_ram;
    r.done.push_back({r.m.now(), smp_processor_id(), in_serving_softirq() != 0, in_hardirq() != 0, get_current()->comm,
                      blk_rq_pos(rq)});
    auto it = r.fail.find(blk_rq_pos(rq));
    blk_status_t status = it == r.fail.end() ? BLK_STS_OK : it->second;
    char* data = static_cast<char*>(bio_data(rq->bio));
    for (unsigned i = 0; i < blk_rq_sectors(rq) && !status; ++i) {
        sector_t s = blk_rq_pos(rq) + i;
        if (op_is_write(req_op(rq))) {
            r.media[s] = std::string(data + i * 512, 512);
        } else {
            std::string text = r.media.count(s) ? r.media[s] : "ram " + std::to_string(s);
            text.resize(512, '\0');
            std::memcpy(data + i * 512, text.data(), 512);
        }
    }
    blk_mq_end_request(rq, status);
}

const struct blk_mq_ops ram_ops = {.queue_rq = ram_queue_rq, .commit_rqs = nullptr, .complete = ram_complete};

// Sets the RAM disk up from a kthread: tag set of `depth`, disk "ramA" of 1 MiB, added.
int ram_setup(RamDisk& r, unsigned depth) {
    r.set.ops = &ram_ops;
    r.set.nr_hw_queues = 1;
    r.set.queue_depth = depth;
    if (int ret = blk_mq_alloc_tag_set(&r.set)) return ret;
    r.disk = blk_mq_alloc_disk(&r.set, nullptr, &r);
    if (IS_ERR(r.disk)) return static_cast<int>(PTR_ERR(r.disk));
    r.disk->major = register_blkdev(0, "ram");
    std::snprintf(r.disk->disk_name, DISK_NAME_LEN, "ramA");
    set_capacity(r.disk, 2048);
    return add_disk(r.disk);
}

// One read of `count` sectors at `sector` by bio; its errno.
int read_sectors(RamDisk& r, sector_t sector, unsigned count, std::string* out = nullptr) {
    std::string buf(count * 512, '\0');
    struct bio bio {};
    bio.bi_bdev = r.disk->part0;
    bio.bi_opf = REQ_OP_READ;
    bio.bi_iter.bi_sector = sector;
    bio.bi_iter.bi_size = count * 512;
    bio.__irqlab_data = buf.data();
    int err = submit_bio_wait(&bio);
    if (out) *out = buf;
    return err;
}

}  // namespace

TEST_CASE("blk-mq on two CPUs with one hardware queue: ->complete runs in BLOCK_SOFTIRQ on the interrupted CPU") {
    // block/blk-mq.c blk_mq_complete_request_remote(): nr_ctx 2, CPUs share a cache (no
    // IPI), nr_hw_queues 1 -> blk_mq_raise_softirq() on the completing CPU.
    Machine m(test::config(2));
    RamDisk r(m, 1);
    g_ram = &r;
    int err = 1;
    m.kthread("reader", [&] {
        if (ram_setup(r, 4)) return 1;
        err = read_sectors(r, 0, 8);
        return 0;
    }, 0);
    m.run_until(1 * ms);
    CHECK(err == 0);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].cpu == 1);
    CHECK(r.done[0].softirq);
    CHECK_FALSE(r.done[0].hardirq);
    CHECK(m.k.cpu(1).softirq_count[BLOCK_SOFTIRQ] == 1);  // /proc/softirqs' BLOCK column
    CHECK(m.k.cpu(0).softirq_count[BLOCK_SOFTIRQ] == 0);
    CHECK(std::string(m.k.softirqs().vec[BLOCK_SOFTIRQ].name) == "blk_done_softirq");
}

TEST_CASE("blk-mq rq_affinity 2 (QUEUE_FLAG_SAME_FORCE): the completion goes by IPI to the submitting CPU's BLOCK_SOFTIRQ") {
    Machine m(test::config(2));
    RamDisk r(m, 1);
    g_ram = &r;
    int err = 1;
    m.kthread("reader", [&] {
        if (ram_setup(r, 4)) return 1;
        blk_queue_flag_set(QUEUE_FLAG_SAME_FORCE, r.disk->queue);
        err = read_sectors(r, 0, 8);
        return 0;
    }, 0);
    m.run_until(1 * ms);
    CHECK(err == 0);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].cpu == 0);
    CHECK(r.done[0].softirq);
    CHECK(r.done[0].at > r.irq.seen.at(0).at + 1 * us);  // the IPI took its time
    CHECK(m.k.cpu(0).softirq_count[BLOCK_SOFTIRQ] == 1);
    CHECK(m.k.cpu(1).softirq_count[BLOCK_SOFTIRQ] == 0);
}

TEST_CASE("blk-mq with threadirqs sends no completion IPI even with rq_affinity 2: ksoftirqd runs BLOCK_SOFTIRQ") {
    kernel::Config c = test::config(2);
    c.threadirqs = true;
    Machine m(c);
    RamDisk r(m, 1);
    g_ram = &r;
    m.kthread("reader", [&] {
        if (ram_setup(r, 4)) return 1;
        blk_queue_flag_set(QUEUE_FLAG_SAME_FORCE, r.disk->queue);
        return read_sectors(r, 0, 8);
    }, 0);
    m.run_until(1 * ms);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].cpu == 1);
    CHECK(r.done[0].softirq);
    CHECK(r.done[0].task == "ksoftirqd/1");
}

TEST_CASE("blk-mq on one CPU: one software queue, the submitter's, so ->complete runs right in the hardirq") {
    Machine m;
    RamDisk r(m, 0);
    g_ram = &r;
    int err = 1;
    m.kthread("reader", [&] {
        if (ram_setup(r, 4)) return 1;
        err = read_sectors(r, 0, 8);
        return 0;
    });
    m.run_until(1 * ms);
    CHECK(err == 0);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0].hardirq);
    CHECK_FALSE(r.done[0].softirq);
    CHECK(m.k.cpu(0).softirq_count[BLOCK_SOFTIRQ] == 0);
}

TEST_CASE("submit_bio_wait sleeps uninterruptibly until its request ends, and gets the status as an errno") {
    Machine m(test::config(2));
    RamDisk r(m, 1);
    g_ram = &r;
    r.fail[8] = BLK_STS_MEDIUM;
    r.fail[16] = BLK_STS_IOERR;
    int ok = 1, medium = 1, ioerr = 1;
    std::string data;
    unsigned state_while_waiting = 0;
    kernel::Task& t = m.kthread("reader", [&] {
        if (ram_setup(r, 4)) return 1;
        ok = read_sectors(r, 0, 2, &data);
        medium = read_sectors(r, 8, 1);
        ioerr = read_sectors(r, 16, 1);
        return 0;
    }, 0);
    m.at(20 * us, [&] { state_while_waiting = t.ts.__state; });
    m.run_until(1 * ms);
    CHECK(state_while_waiting == TASK_UNINTERRUPTIBLE);
    CHECK(ok == 0);
    CHECK(data.substr(0, 5) == "ram 0");
    CHECK(data.substr(512, 5) == "ram 1");
    CHECK(medium == -ENODATA);  // blk_errors[]: BLK_STS_MEDIUM is -ENODATA
    CHECK(ioerr == -EIO);
    std::string log = m.dmesg();
    CHECK(log.find("critical medium error, dev ramA, sector 8 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0") !=
          std::string::npos);
    CHECK(log.find("I/O error, dev ramA, sector 16 op 0x0:(READ)") != std::string::npos);
}

TEST_CASE("the queue depth bounds the requests in flight: a submitter with no free tag sleeps until a request ends") {
    Machine m(test::config(2));
    RamDisk r(m, 1);
    g_ram = &r;
    bool ready = false;
    m.kthread("setup", [&] {
        if (ram_setup(r, 2)) return 1;
        ready = true;
        return 0;
    }, 0);
    m.run_until(10 * us);
    REQUIRE(ready);
    std::vector<int> errs(3, 1);
    for (int i = 0; i < 3; ++i)
        m.kthread("reader" + std::to_string(i), [&, i] {
            errs[static_cast<std::size_t>(i)] = read_sectors(r, static_cast<sector_t>(8 * i), 8);
            return 0;
        }, 0);
    m.run_until(1 * ms);
    CHECK(errs == std::vector<int>{0, 0, 0});
    REQUIRE(r.issued.size() == 3);
    REQUIRE(r.done.size() == 3);
    // Two go at once; the third reaches the driver only after a request has ended.
    CHECK(r.issued[1].first < r.done[0].at);
    CHECK(r.issued[2].first > r.done[0].at);
    CHECK(kernel::queue_record(r.disk->queue).max_allocated == 2);
}

TEST_CASE("read() and write() of a disk's node go through requests, and a failed request is -EIO to the process") {
    Machine m(test::config(2));
    RamDisk r(m, 1);
    g_ram = &r;
    long n1 = 0, n2 = 0, n3 = 0, bad = 0, bad_again = 0, at_end = 1;
    std::string got, again;
    m.kthread("cat", [&] {
        if (ram_setup(r, 4)) return 1;
        kernel::Task& self = *m.k.running();
        kernel::Vfs& vfs = m.k.vfs();
        int fd = vfs.open(self, "/dev/ramA", O_RDWR);
        if (fd < 0) return 1;
        n1 = vfs.read(self, fd, got, 700);     // sectors 0-1
        n2 = vfs.write(self, fd, "written!");  // bytes 700-707: read-modify-write of sector 1
        vfs.close(self, fd);
        fd = vfs.open(self, "/dev/ramA", O_RDWR);
        n3 = vfs.read(self, fd, again, 708);
        std::string skip;
        vfs.read(self, fd, skip, 5120 - 708);  // up to sector 10
        bad = vfs.read(self, fd, skip, 512);
        bad_again = vfs.read(self, fd, skip, 512);  // the failed read left the position
        vfs.close(self, fd);
        r.fail.clear();
        fd = vfs.open(self, "/dev/ramA", O_RDONLY);
        std::string tail;
        vfs.read(self, fd, tail, 2048 * 512 - 512);  // the disk is 2048 sectors
        vfs.read(self, fd, tail, 512);
        at_end = vfs.read(self, fd, tail, 512);
        return 0;
    }, 0);
    r.fail[10] = BLK_STS_MEDIUM;
    m.run_until(200 * ms);
    CHECK(n1 == 700);
    CHECK(got.substr(0, 5) == "ram 0");
    CHECK(got.substr(512, 5) == "ram 1");
    CHECK(n2 == 8);
    CHECK(n3 == 708);
    CHECK(again.substr(700) == "written!");
    CHECK(again.substr(512, 5) == "ram 1");  // the rest of sector 1 kept
    CHECK(bad == -EIO);                      // what the page cache answers, whatever the status
    CHECK(bad_again == -EIO);
    CHECK(at_end == 0);
}

// --- the vdisk driver, through scenarios run by the irqlab binary ---------------------

namespace {
test::CliResult run_yaml(const std::string& name, const std::string& yaml, const std::string& args = "run") {
    std::string path = test::temp_path(name + ".yaml");
    std::ofstream(path) << yaml;
    test::CliResult r = test::irqlab_cli(args + " " + path);
    std::remove(path.c_str());
    return r;
}

// One disk, one reader of two 4 KiB reads; `machine`, `disk` and `expect` fill in the rest.
std::string one_reader(const std::string& machine, const std::string& disk, const std::string& expect) {
    return "irqlab: 1\n"
           "machine: " + machine + "\n"
           "devices:\n"
           "  - {type: disk, kind: ssd, " + disk + "}\n"
           "drivers:\n"
           "  - {module: vdisk, unload: 4ms}\n"
           "processes:\n"
           "  - name: reader\n"
           "    start: 1ms\n"
           "    program:\n"
           "      - read: {path: /dev/vda, bytes: 4096}\n"
           "      - read: {path: /dev/vda, bytes: 4096}\n"
           "      - close: /dev/vda\n"
           "run: {until: 5ms}\n"
           "expect:\n"
           "  reads: {reader: \"sector 8 \"}\n"
           "  latency:\n"
           "    read /dev/vda: {count: \">= 2\"}\n" +
           expect;
}
}  // namespace

TEST_CASE("vdisk: a reader sleeps until its request completes, and ->complete runs in BLOCK_SOFTIRQ on two CPUs") {
    auto r = run_yaml("vdisk-softirq", one_reader("{cpus: 2}", "line: 17",
                                                   "  irqs: {17: 2}\n"
                                                   "  latency:\n"
                                                   "    softirq BLOCK: {count: 2}\n"
                                                   "  dmesg:\n"
                                                   "    - \"disk disk.0: [vda] 2097152 512-byte logical blocks (1.07 GB/1.00 GiB)\"\n"
                                                   "    - \"vda: 2 requests completed (2 in BLOCK softirq, 0 in hardirq, 0 in an irq thread), 0 errors\"\n"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
}

TEST_CASE("vdisk on one CPU: blk_mq_complete_request completes in the hardirq, BLOCK_SOFTIRQ never runs") {
    auto r = run_yaml("vdisk-one-cpu", one_reader("{cpus: 1}", "line: 17",
                                                   "  dmesg:\n"
                                                   "    - \"vda: 2 requests completed (0 in BLOCK softirq, 2 in hardirq, 0 in an irq thread), 0 errors\"\n"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("softirq  BLOCK") == std::string::npos);
}

TEST_CASE("vdisk completion thread: the IRQ thread ends the requests in process context") {
    auto r = run_yaml("vdisk-thread", one_reader("{cpus: 2}", "line: 17, completion: thread",
                                                  "  latency:\n"
                                                  "    thread vdisk_irq_thread: {count: 2}\n"
                                                  "  dmesg:\n"
                                                  "    - \"vda: 2 requests completed (0 in BLOCK softirq, 0 in hardirq, 2 in an irq thread), 0 errors\"\n"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("softirq  BLOCK") == std::string::npos);
}

TEST_CASE("vdisk rq_affinity 2: the completion is sent to the submitting CPU by IPI and runs in its BLOCK_SOFTIRQ") {
    // The IO-APIC sends IRQ 17 to CPU0; the reader is on CPU1.
    std::string yaml = one_reader("{cpus: 2}", "line: 17, rq_affinity: \"2\"",
                                  "  dmesg:\n"
                                  "    - \"vda: 2 requests completed (2 in BLOCK softirq, 0 in hardirq, 0 in an irq thread), 0 errors\"\n");
    yaml.replace(yaml.find("    start: 1ms\n"), 14, "    start: 1ms\n    cpu: 1\n");
    std::string path = test::temp_path("vdisk-ipi.yaml");
    std::ofstream(path) << yaml;
    std::string proc = test::temp_path("vdisk-ipi-proc");
    test::CliResult r = test::irqlab_cli("run " + path + " --proc-dir " + proc);
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    std::string softirqs = test::slurp(proc + "/softirqs");
    CHECK(softirqs.find("BLOCK:          0          2") != std::string::npos);
    std::string interrupts = test::slurp(proc + "/interrupts");
    CHECK(interrupts.find("CAL:          0          2") != std::string::npos);
    std::remove(path.c_str());
    std::system(("rm -rf " + proc).c_str());
}

TEST_CASE("vdisk over MSI: the same requests, signalled by message") {
    auto r = run_yaml("vdisk-msi", one_reader("{cpus: 2}", "msi: true",
                                               "  dmesg:\n"
                                               "    - \"vda: 2 requests completed (2 in BLOCK softirq, 0 in hardirq, 0 in an irq thread), 0 errors\"\n"
                                               "  devices:\n"
                                               "    disk.0: {interrupts: 2}\n"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
}

TEST_CASE("vdisk media error: the read fails with -EIO, which fails the run unless expect.read_errors names it") {
    std::string yaml = one_reader("{cpus: 2}", "line: 17, bad_sectors: \"8\"", "");
    yaml.replace(yaml.find("  reads: {reader: \"sector 8 \"}\n"), 31, "");
    yaml.replace(yaml.find("    read /dev/vda: {count: \">= 2\"}\n"), 35, "    read /dev/vda: {count: \">= 1\"}\n");
    auto fails = run_yaml("vdisk-eio", yaml);
    INFO(fails.out << fails.err);
    CHECK(fails.code == 1);
    CHECK(fails.out.find("FAILED: reader: read /dev/vda: -EIO") != std::string::npos);
    auto ok = run_yaml("vdisk-eio-expected",
                       yaml + "  read_errors: {reader: -EIO}\n"
                              "  dmesg:\n"
                              "    - \"critical medium error, dev vda, sector 8 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0\"\n"
                              "    - \"1 errors\"\n");
    INFO(ok.out << ok.err);
    CHECK(ok.code == 0);
    CHECK(ok.out.find("reader's read failed with -EIO (1x)") != std::string::npos);
    auto wrong = run_yaml("vdisk-eio-wrong", yaml + "  read_errors: {reader: ENODATA}\n");
    CHECK(wrong.code == 1);
    CHECK(wrong.out.find("reader's reads never failed with -ENODATA") != std::string::npos);
    auto bad = run_yaml("vdisk-eio-bad", yaml + "  read_errors: {reader: EWHAT}\n", "check");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("'-EWHAT' is not an error name (like -EIO)") != std::string::npos);
}

TEST_CASE("vdisk write then read back: the data went to the disk and comes back from it") {
    auto r = run_yaml("vdisk-write", R"(irqlab: 1
machine: {cpus: 2}
devices:
  - {type: disk, kind: hdd, line: 17}
processes:
  - name: writer
    start: 1ms
    program:
      - write: {path: /dev/vda, data: "hello, disk\n"}
      - close: /dev/vda
      - read: {path: /dev/vda, bytes: 12}
      - close: /dev/vda
run: {until: 50ms}
expect:
  reads: {writer: "hello, disk\n"}
  devices:
    disk.0: {requests: 3}
)");
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("tag 0 write 1 at 0") != std::string::npos);  // after reading the sector it changes part of
}

TEST_CASE("disk refuses parameters it cannot honour") {
    auto check = [](const std::string& params) {
        return run_yaml("disk-bad", "irqlab: 1\ndevices:\n  - {type: disk, " + params + "}\nrun: {until: 1ms}\n", "check");
    };
    auto r = check("line: 17");
    CHECK(r.code == 2);
    CHECK(r.err.find("a disk needs 'kind'") != std::string::npos);
    CHECK(check("kind: ssd").err.find("a disk needs 'line'") != std::string::npos);
    CHECK(check("kind: ssd, line: 17, rpm: 5400").err.find("rpm is an hdd's") != std::string::npos);
    CHECK(check("kind: hdd, line: 17, latency: 1ms").err.find("latency and jitter are an ssd's") != std::string::npos);
    CHECK(check("kind: ssd, line: 17, jitter: 100us").err.find("jitter cannot be more than latency") != std::string::npos);
    CHECK(check("kind: ssd, line: 17, bad_sectors: \"1-\"").err.find("like '1000, 2048-2055'") != std::string::npos);
    CHECK(check("kind: ssd, line: 17, sectors: 100, bad_sectors: \"100\"").err.find("past the end") != std::string::npos);
    CHECK(check("kind: ssd, line: 17, bad_sectors: \"5, 7-9\"").code == 0);
}
