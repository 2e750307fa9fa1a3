#include "devices/disk/disk.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "kernel/kernel.hpp"

namespace irqlab::dev {

namespace {
// A revolution in "phase units": ns x rpm (60 s x 1e9 ns). The platter's angle at time t
// is (t x rpm) mod kRev, so no rounding accumulates however long the run.
constexpr std::int64_t kRev = 60'000'000'000;
// One sector's share of a revolution (kRev / 2048 = 29296875, exact).
constexpr std::int64_t kSectorPhase = kRev / static_cast<std::int64_t>(Disk::kSectorsPerTrack);
static_assert(kRev % static_cast<std::int64_t>(Disk::kSectorsPerTrack) == 0);

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

Disk::Disk(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "disk", instance),
      c_(std::move(c)),
      base_(bus.allocate_mmio(kWindow)),
      out_(c_.msi ? nullptr : &bus.connect_irq(c_.line, instance)),
      rng_(bus.kernel().sim.rng().stream(instance)),
      slots_(c_.queue_depth),
      media_ev_(this, "disk: a command's media work ends") {
    bus.map_mmio(base_, kWindow, this, instance);
    reset();
}

Disk::~Disk() { bus_.unmap(this); }

// Power-on: disabled, no interrupt, every slot free. The media keeps what was written.
void Disk::reset() {
    ctrl_ = isr_ = 0;
    done_.fill(0);
    for (Slot& s : slots_) s = Slot{};
    hdd_queue_.clear();
    hdd_busy_ = false;
    line_high_ = false;
}

std::vector<struct resource> Disk::resources() const {
    if (c_.msi) return {mem_resource(base_, kWindow)};  // the machine adds the MSI interrupt it allocates
    return {mem_resource(base_, kWindow), irq_resource(c_.line, true)};  // a PCI line
}

// --- the latency model ----------------------------------------------------------------

sim::Time Disk::revolution() const { return static_cast<sim::Time>((kRev + c_.rpm / 2) / c_.rpm); }

// hdd: seek, then wait for the first sector to come under the head, then read or write
// the sectors as they pass.
//   seek      0 on the same track; else linear in the distance, from kTrackToTrack for
//             one track to kFullStroke for the whole platter
//   rotation  the platter turns at `rpm`; sector s of a track passes the head at phase
//             s / 2048 of a turn. 7200 rpm: 8.33 ms a turn, 4.17 ms on average
//   transfer  count / 2048 of a turn (the media rate: 1 MiB per turn, 126 MB/s at 7200 rpm)
// A transfer running off the end of a track goes on with the next (track skew is taken to
// hide the head switch).
Disk::HddTiming Disk::hdd_timing(sim::Time now, std::uint64_t head_track, std::uint64_t lba,
                                 std::uint32_t count) const {
    HddTiming t{};
    std::uint64_t track = track_of(lba);
    std::uint64_t dist = track > head_track ? track - head_track : head_track - track;
    if (dist) {
        std::int64_t span = tracks() > 2 ? static_cast<std::int64_t>(tracks() - 2) : 1;
        t.seek = kTrackToTrack + (kFullStroke - kTrackToTrack) * static_cast<std::int64_t>(dist - 1) / span;
    }
    std::int64_t rpm = c_.rpm;
    std::int64_t phase = ((now + t.seek) * rpm) % kRev;
    std::int64_t target = static_cast<std::int64_t>(lba % kSectorsPerTrack) * kSectorPhase;
    std::int64_t wait = ((target - phase) % kRev + kRev) % kRev;
    t.rotation = ceil_div(wait, rpm);
    t.transfer = ceil_div(static_cast<std::int64_t>(count) * kSectorPhase, rpm);
    return t;
}

bool Disk::bad_sector_in(std::uint64_t lba, std::uint32_t count) const {
    for (auto [first, last] : c_.bad)
        if (first < lba + count && lba <= last) return true;
    return false;
}

std::string Disk::fresh_sector(std::uint64_t lba) {
    std::string s = "sector " + std::to_string(lba);
    s.resize(kSectorSize - 1, ' ');
    s += '\n';
    return s;
}

// --- the interrupt --------------------------------------------------------------------

// The output is a function of ISR and CTRL (QEMU's rule). A level line follows it; an MSI
// goes out at each rise (the driver clears ISR before it reaps, so the next completion
// rises again).
void Disk::update_irq() {
    bool active = (ctrl_ & CTRL_IRQ_ENABLE) && (isr_ & ISR_CMD_DONE);
    if (active && !line_high_) {
        ++interrupts_;
        if (c_.msi) send_msi();
    }
    if (!c_.msi) out_->set(active);
    line_high_ = active;
}

void Disk::send_msi() { bus_.msi_signal(msi_, instance_); }

void Disk::msi_written() { bus_.msi_unmasked(msi_, instance_); }

// --- commands -------------------------------------------------------------------------

// The doorbell: the slot's command starts. Ignored while the controller is disabled, for
// a tag beyond the queue depth, or for a slot still busy or not yet reaped (a driver bug).
// A command that cannot be done (count 0 or over MAX_SECTORS, past the end of the disk, a
// write whose data cannot be fetched) finishes at once with STATUS_INVALID. A write's
// data is fetched by DMA now; a read's is written to memory when the command finishes.
void Disk::doorbell(unsigned tag) {
    if (!(ctrl_ & CTRL_ENABLE) || tag >= slots_.size()) return;
    Slot& s = slots_[tag];
    if (s.status != STATUS_IDLE) return;
    sim::Time now = bus_.now();
    ++requests_;
    s.status = STATUS_BUSY;
    s.rung = now;
    s.finish = sim::kNever;
    s.invalid = s.count == 0 || s.count > kMaxSectors || s.lba + s.count > c_.sectors || s.lba + s.count < s.lba;
    if (!s.invalid && (s.op & OP_WRITE)) {
        s.data.assign(s.count * kSectorSize, '\0');
        s.invalid = !bus_.dma_read(s.dma, s.data.data(), s.data.size());
    }
    auto depth = std::count_if(slots_.begin(), slots_.end(), [](const Slot& x) { return x.status != STATUS_IDLE; });
    max_depth_ = std::max<std::int64_t>(max_depth_, depth);
    if (s.invalid) {
        s.finish = now;
    } else if (c_.kind == Kind::Ssd) {
        // Flash has no head to wait for: every command takes the fixed latency, off by a
        // uniform jitter drawn from this disk's seeded stream, plus its transfer; commands
        // run side by side (the controller's channels), so they may finish out of order.
        auto j = static_cast<sim::Time>(rng_.uniform(0, static_cast<std::uint64_t>(2 * c_.jitter))) - c_.jitter;
        sim::Time xfer = ceil_div(static_cast<std::int64_t>(s.count * kSectorSize) * sim::kNsPerSec,
                                  static_cast<std::int64_t>(kSsdBytesPerSec));
        s.finish = now + c_.latency + j + xfer;
    } else {
        hdd_queue_.push_back(tag);
        if (!hdd_busy_) start_hdd_next();
    }
    schedule_media();
}

// One head: commands are worked one at a time, in doorbell order (no reordering, as a
// drive without NCQ, or with a queue of one).
void Disk::start_hdd_next() {
    if (hdd_queue_.empty()) return;
    unsigned tag = hdd_queue_.front();
    hdd_queue_.erase(hdd_queue_.begin());
    Slot& s = slots_[tag];
    hdd_busy_ = true;
    hdd_current_ = tag;
    hdd_current_timing_ = hdd_timing(bus_.now(), head_track_, s.lba, s.count);
    s.finish = bus_.now() + hdd_current_timing_.total();
}

void Disk::schedule_media() {
    sim::Time next = sim::kNever;
    for (const Slot& s : slots_)
        if (s.status == STATUS_BUSY) next = std::min(next, s.finish);
    if (next == sim::kNever) {
        if (media_ev_.scheduled()) bus_.engine().deschedule(media_ev_);
        return;
    }
    bus_.engine().reschedule(media_ev_, std::max(next, bus_.now()));
}

// Every command whose work ends now finishes, in tag order; the head takes the next.
void Disk::media_done() {
    sim::Time now = bus_.now();
    for (unsigned tag = 0; tag < slots_.size(); ++tag)
        if (slots_[tag].status == STATUS_BUSY && slots_[tag].finish <= now) finish(tag);
    schedule_media();
}

void Disk::finish(unsigned tag) {
    Slot& s = slots_[tag];
    bool hdd_command = c_.kind == Kind::Hdd && !s.invalid;
    std::uint32_t status = STATUS_OK;
    if (s.invalid) {
        status = STATUS_INVALID;
    } else if (bad_sector_in(s.lba, s.count)) {
        status = STATUS_MEDIUM_ERROR;  // nothing is transferred
    } else if (s.op & OP_WRITE) {
        for (std::uint32_t i = 0; i < s.count; ++i) media_[s.lba + i] = s.data.substr(i * kSectorSize, kSectorSize);
    } else {
        std::string data;
        data.reserve(s.count * kSectorSize);
        for (std::uint32_t i = 0; i < s.count; ++i) {
            auto it = media_.find(s.lba + i);
            data += it != media_.end() ? it->second : fresh_sector(s.lba + i);
        }
        if (!bus_.dma_write(s.dma, data.data(), data.size())) status = STATUS_INVALID;
    }
    if (status != STATUS_OK) ++errors_;
    s.status = status;
    s.data.clear();
    ++completed_;
    sim::Time took = bus_.now() - s.rung;
    service_total_ += took;
    service_max_ = std::max<std::int64_t>(service_max_, took);
    if (log_.size() < 1000)
        log_.push_back({tag, (s.op & OP_WRITE) != 0, s.lba, s.count, s.rung, took, status,
                        hdd_command ? hdd_current_timing_ : HddTiming{}});
    if (hdd_command) {
        head_track_ = track_of(s.lba + s.count - 1);
        hdd_busy_ = false;
        start_hdd_next();
    }
    done_[tag / 32] |= 1u << (tag % 32);
    isr_ |= ISR_CMD_DONE;
    update_irq();
}

// --- registers ------------------------------------------------------------------------

std::uint64_t Disk::read(std::uint64_t offset, int) {
    if (offset >= SLOT0 && offset < SLOT0 + kSlotSize * slots_.size()) {
        const Slot& s = slots_[(offset - SLOT0) / kSlotSize];
        switch ((offset - SLOT0) % kSlotSize) {
            case SLOT_LBA_LO: return static_cast<std::uint32_t>(s.lba);
            case SLOT_LBA_HI: return static_cast<std::uint32_t>(s.lba >> 32);
            case SLOT_COUNT: return s.count;
            case SLOT_OP: return s.op;
            case SLOT_DMA_LO: return static_cast<std::uint32_t>(s.dma);
            case SLOT_DMA_HI: return static_cast<std::uint32_t>(s.dma >> 32);
            case SLOT_STATUS: return s.status;
            default: return 0;
        }
    }
    if (offset >= DONE0 && offset < DONE0 + 4 * done_.size()) return done_[(offset - DONE0) / 4];
    switch (offset) {
        case MAGIC: return kMagic;
        case CAPACITY_LO: return static_cast<std::uint32_t>(c_.sectors);
        case CAPACITY_HI: return static_cast<std::uint32_t>(c_.sectors >> 32);
        case QUEUE_DEPTH: return slots_.size();
        case CTRL: return ctrl_;
        case ISR: return isr_;
        case INFLIGHT:
            return static_cast<std::uint64_t>(
                std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.status == STATUS_BUSY; }));
        case MAX_SECTORS: return kMaxSectors;
        default: return 0;
    }
}

void Disk::write(std::uint64_t offset, std::uint64_t value, int) {
    auto v = static_cast<std::uint32_t>(value);
    if (offset >= SLOT0 && offset < SLOT0 + kSlotSize * slots_.size()) {
        Slot& s = slots_[(offset - SLOT0) / kSlotSize];
        if (s.status == STATUS_BUSY) return;  // a command being worked is not rewritten
        switch ((offset - SLOT0) % kSlotSize) {
            case SLOT_LBA_LO: s.lba = (s.lba & ~0xffffffffULL) | v; break;
            case SLOT_LBA_HI: s.lba = (s.lba & 0xffffffffULL) | (std::uint64_t{v} << 32); break;
            case SLOT_COUNT: s.count = v; break;
            case SLOT_OP: s.op = v & OP_WRITE; break;
            case SLOT_DMA_LO: s.dma = (s.dma & ~0xffffffffULL) | v; break;
            case SLOT_DMA_HI: s.dma = (s.dma & 0xffffffffULL) | (std::uint64_t{v} << 32); break;
            default: break;  // STATUS is read-only
        }
        return;
    }
    if (offset >= DONE0 && offset < DONE0 + 4 * done_.size()) {
        std::size_t word = (offset - DONE0) / 4;
        std::uint32_t freed = v & done_[word];
        done_[word] &= ~freed;
        for (unsigned bit = 0; bit < 32; ++bit)
            if (freed & (1u << bit)) slots_[word * 32 + bit].status = STATUS_IDLE;
        return;
    }
    switch (offset) {
        case CTRL: ctrl_ = v & (CTRL_ENABLE | CTRL_IRQ_ENABLE); break;
        case ISR: isr_ &= ~v; break;
        case DOORBELL: doorbell(v); return;
        default: return;  // read-only registers ignore writes
    }
    update_irq();
}

// --- reporting ------------------------------------------------------------------------

std::string Disk::info() const {
    auto busy = std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.status == STATUS_BUSY; });
    char kind[64];
    if (c_.kind == Kind::Hdd)
        std::snprintf(kind, sizeof kind, "hdd %u rpm, head on track %llu", c_.rpm,
                      static_cast<unsigned long long>(head_track_));
    else
        std::snprintf(kind, sizeof kind, "ssd %s +- %s", sim::format_time(c_.latency).c_str(),
                      sim::format_time(c_.jitter).c_str());
    char line[32];
    if (c_.msi)
        std::snprintf(line, sizeof line, "MSI %s", msi_.enabled ? "enabled" : "masked");
    else
        std::snprintf(line, sizeof line, "line %d %s", c_.line, out_->asserted() ? "asserted" : "idle");
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s: %s, %llu sectors, queue depth %zu (%ld busy), CTRL=%#x ISR=%#x, %s",
                  instance_.c_str(), kind, static_cast<unsigned long long>(c_.sectors), slots_.size(),
                  static_cast<long>(busy), ctrl_, isr_, line);
    return buf;
}

std::vector<std::pair<std::string, std::int64_t>> Disk::counters() const {
    return {{"requests", requests_},
            {"completed", completed_},
            {"errors", errors_},
            {"max_queue_depth", max_depth_},
            {"interrupts", interrupts_},
            {"mean_service_us", completed_ ? service_total_ / completed_ / 1000 : 0},
            {"max_service_us", service_max_ / 1000}};
}

// The first commands, where their time went: "tag 0 read 8 at 0: 4.17ms (seek 0ns,
// rotation 4.14ms, transfer 32.6us)".
std::vector<std::string> Disk::report() const {
    constexpr std::size_t kMaxLines = 12;
    std::vector<std::string> out;
    for (const Done& d : log_) {
        if (out.size() == kMaxLines) {
            out.push_back("... and " + std::to_string(completed_ - static_cast<std::int64_t>(kMaxLines)) +
                          " more commands");
            break;
        }
        std::string line = "tag " + std::to_string(d.tag) + (d.write ? " write " : " read ") +
                           std::to_string(d.count) + " at " + std::to_string(d.lba) + ", rung " +
                           sim::format_time(d.rung) + ": " + sim::format_time(d.took);
        if (d.status == STATUS_MEDIUM_ERROR) line += ", medium error";
        if (d.status == STATUS_INVALID) line += ", invalid";
        if (c_.kind == Kind::Hdd && d.status != STATUS_INVALID)
            line += " (seek " + sim::format_time(d.hdd.seek) + ", rotation " + sim::format_time(d.hdd.rotation) +
                    ", transfer " + sim::format_time(d.hdd.transfer) + ")";
        out.push_back(line);
    }
    return out;
}

// --- registration ---------------------------------------------------------------------

namespace {

// "1000, 2048-2055": sectors and inclusive ranges; the complaint, or "".
std::string parse_bad_sectors(const std::string& text, std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) {
    std::size_t i = 0;
    auto skip = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    auto number = [&](std::uint64_t& n) {
        skip();
        if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) n = n * 10 + (text[i++] - '0');
        skip();
        return true;
    };
    const std::string bad = "bad_sectors is a list of sectors and ranges, like '1000, 2048-2055'";
    while (true) {
        std::uint64_t first = 0, last = 0;
        if (!number(first)) return bad;
        last = first;
        if (i < text.size() && text[i] == '-') {
            ++i;
            if (!number(last) || last < first) return bad;
        }
        out.emplace_back(first, last);
        if (i >= text.size()) return "";
        if (text[i] != ',') return bad;
        ++i;
    }
}

bool given(const Params& p, const char* key) { return p.count(key) != 0; }

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    Disk::Config c;
    c.kind = p.at("kind").text == "hdd" ? Disk::Kind::Hdd : Disk::Kind::Ssd;
    if (given(p, "sectors")) c.sectors = static_cast<std::uint64_t>(p.at("sectors").number);
    if (given(p, "queue_depth")) c.queue_depth = static_cast<unsigned>(p.at("queue_depth").number);
    c.line = given(p, "line") ? static_cast<int>(p.at("line").number) : -1;
    c.msi = given(p, "msi") && p.at("msi").number;
    if (given(p, "rpm")) c.rpm = static_cast<unsigned>(p.at("rpm").number);
    if (given(p, "latency")) c.latency = p.at("latency").number;
    if (given(p, "jitter")) c.jitter = p.at("jitter").number;
    if (given(p, "bad_sectors")) parse_bad_sectors(p.at("bad_sectors").text, c.bad);
    return std::make_unique<Disk>(bus, std::move(c), instance);
}

std::string check(const Params& p) {
    if (!given(p, "kind")) return "a disk needs 'kind': hdd (seek and rotation) or ssd (fixed latency)";
    bool hdd = p.at("kind").text == "hdd";
    bool msi = given(p, "msi") && p.at("msi").number;
    if (msi && given(p, "line")) return "an MSI disk has no line: drop 'line'";
    if (!msi && !given(p, "line")) return "a disk needs 'line' (a PCI line, 16-23) or 'msi: true'";
    if (hdd && (given(p, "latency") || given(p, "jitter")))
        return "latency and jitter are an ssd's; an hdd's time is seek, rotation and transfer";
    if (!hdd && given(p, "rpm")) return "rpm is an hdd's; an ssd has no spindle";
    sim::Time latency = given(p, "latency") ? p.at("latency").number : 80'000;
    sim::Time jitter = given(p, "jitter") ? p.at("jitter").number : 10'000;
    if (jitter > latency) return "jitter cannot be more than latency (a command cannot finish before it starts)";
    if (given(p, "bad_sectors")) {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> bad;
        std::string err = parse_bad_sectors(p.at("bad_sectors").text, bad);
        if (!err.empty()) return err;
        auto sectors = given(p, "sectors") ? static_cast<std::uint64_t>(p.at("sectors").number) : 2'097'152u;
        for (auto [first, last] : bad)
            if (last >= sectors) return "bad sector " + std::to_string(last) + " is past the end of the disk";
    }
    return "";
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "disk",
    "vdisk",
    "a disk controller with tagged commands, DMA and completion interrupts: hdd or ssd, /dev/vda",
    {
        {"kind", K::Choice, "hdd (seek + rotation + transfer) or ssd (fixed latency with jitter)", {"hdd", "ssd"}},
        {"sectors", K::Integer, "capacity in 512-byte sectors (default 2097152: 1 GiB)", {}, 8, 1LL << 40},
        {"queue_depth", K::Integer, "command slots (tags): the requests in flight at once (default 32)", {}, 1,
         Disk::kMaxDepth},
        {"line", K::Integer, "the PCI interrupt line (IO-APIC pin 16-23, level) it drives", {}, 16, 23},
        {"msi", K::Bool, "signal with MSI messages instead of a line"},
        {"rpm", K::Integer, "hdd: spindle speed (default 7200: 8.33 ms a turn)", {}, 3600, 15000},
        {"latency", K::Time, "ssd: every command's fixed latency (default 80us)"},
        {"jitter", K::Time,
         "ssd: each latency is off by up to this, either way, from the seeded stream (default 10us)"},
        {"bad_sectors", K::Text, "sectors that fail with a medium error, like '1000, 2048-2055'"},
        // What the driver reads as device properties.
        {"completion", K::Choice,
         "where the driver ends requests: softirq (blk_mq_complete_request, the default), hardirq, or thread "
         "(a threaded handler)",
         {"softirq", "hardirq", "thread"}, 0, 0, true},
        {"rq_affinity", K::Choice,
         "the queue's rq_affinity (sysfs): 1 (default: complete on the interrupted CPU, CPUs sharing a cache), 2 "
         "(always on the submitting CPU, by IPI), 0",
         {"0", "1", "2"}, 0, 0, true},
    },
    check,
    make,
    {},
    {"bad_sectors"},
}};

}  // namespace

}  // namespace irqlab::dev
