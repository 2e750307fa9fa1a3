#include "devices/e1000/e1000.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "kernel/kernel.hpp"
#include "sim/simulator.hpp"

namespace irqlab::dev {

namespace {
constexpr std::uint32_t kDescLen = 16;  // both descriptor kinds are 16 bytes
// The far end's address: a locally administered MAC.
constexpr std::uint8_t kPeerMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr std::uint16_t kEthPIp = 0x0800;

void put_le16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}
void put_le64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_le64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
std::uint32_t get_le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
}  // namespace

E1000::E1000(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "e1000", instance),
      c_(std::move(c)),
      base_(bus.allocate_mmio(kWindow)),
      out_(c_.msi ? nullptr : &bus.connect_irq(c_.line, instance)),
      // Each NIC draws from its own stream, named after it: adding a device elsewhere
      // does not change this one's arrivals.
      rng_(bus.kernel().sim.rng().stream("e1000:" + instance)),
      generate_ev_(this, "e1000: the far end sends a frame", sim::Priority::Stimulus),
      burst_ev_(this, "e1000: the far end sends a burst", sim::Priority::Stimulus),
      inject_ev_(this, "e1000: injected frames reach the far end", sim::Priority::Stimulus),
      wire_ev_(this, "e1000: a frame's last bit arrives"),
      itr_ev_(this, "e1000: the ITR interval ends"),
      rdtr_ev_(this, "e1000: the receive delay timer (RDTR) expires"),
      radv_ev_(this, "e1000: the absolute receive delay timer (RADV) expires"),
      tx_ev_(this, "e1000: a frame is sent") {
    std::sort(c_.bursts.begin(), c_.bursts.end(), [](const Burst& a, const Burst& b) { return a.at < b.at; });
    bus.map_mmio(base_, kWindow, this, instance);
    frame_.reserve(2048);
    reset();
}

E1000::~E1000() { bus_.unmap(this); }

// Every register to its power-on value (the RA[0] address as the EEPROM would load it).
void E1000::reset() {
    ctrl_ = icr_ = ims_ = itr_ = 0;
    rctl_ = tctl_ = 0;
    rx_ = {};
    rdtr_ = radv_ = 0;
    eicr_ = eims_ = eiac_ = mrqc_ = 0;
    reta_ = {};
    for (Vector& v : vec_) {
        v.asserted = false;
        v.last_assert = -1;
    }
    tdbal_ = tdbah_ = tdlen_ = tdh_ = tdt_ = 0;
    mpc_ = gprc_ = gptc_ = 0;
    const auto& m = c_.mac;
    ral_ = std::uint32_t{m[0]} | std::uint32_t{m[1]} << 8 | std::uint32_t{m[2]} << 16 | std::uint32_t{m[3]} << 24;
    rah_ = std::uint32_t{m[4]} | std::uint32_t{m[5]} << 8 | E1000_RAH_AV;
    asserted_ = false;
    last_assert_ = -1;
    tx_busy_ = false;
    for (sim::Event* e : {static_cast<sim::Event*>(&itr_ev_), static_cast<sim::Event*>(&rdtr_ev_),
                          static_cast<sim::Event*>(&radv_ev_), static_cast<sim::Event*>(&tx_ev_)})
        bus_.engine().deschedule(*e);
    if (out_) out_->set(false);
}

std::vector<struct resource> E1000::resources() const {
    if (c_.msi) return {mem_resource(base_, kWindow)};  // the machine adds the MSI interrupt it allocates
    return {mem_resource(base_, kWindow), irq_resource(c_.line, true)};  // PCI INTx
}

void E1000::start() {
    next_generate_ = c_.start;
    schedule_generate();
    if (!c_.bursts.empty()) bus_.engine().schedule(burst_ev_, c_.bursts[0].at);
}

std::string E1000::info() const {
    std::string irq = c_.msi ? "MSI" : "line " + std::to_string(c_.line) + " level";
    char buf[160];
    if (multi_queue()) {
        std::snprintf(buf, sizeof buf, "MSI-X x%d eicr=%#x eims=%#x", c_.queues, eicr_, eims_);
        irq = buf;
    }
    std::snprintf(buf, sizeof buf, "%s: %s: icr=%#x ims=%#x itr=%u rctl=%#x tctl=%#x", instance_.c_str(), irq.c_str(),
                  icr_, ims_, itr_, rctl_, tctl_);
    std::string out = buf;
    // Each RX ring: head (the next descriptor the NIC fills), tail (the last one the driver
    // gave back), and how many descriptors the NIC owns (tail - head: 0 means the ring is
    // full and a frame would be missed). TX: the descriptors queued and not yet sent.
    for (int q = 0; q < c_.queues; ++q) {
        const RxRing& r = rx_[static_cast<std::size_t>(q)];
        std::uint32_t ring = r.len / kDescLen;
        std::uint32_t hw = ring ? (r.t + ring - r.h) % ring : 0;
        std::snprintf(buf, sizeof buf, ", rx%d ring %u rdh=%u rdt=%u (%u for hw)", q, ring, r.h, r.t, hw);
        out += buf;
    }
    std::uint32_t tx_ring = tdlen_ / kDescLen;
    std::snprintf(buf, sizeof buf, ", tx ring %u tdh=%u tdt=%u (%u queued)%s", tx_ring, tdh_, tdt_,
                  tx_ring ? (tdt_ + tx_ring - tdh_) % tx_ring : 0, tx_busy_ ? " sending" : "");
    out += buf;
    std::snprintf(buf, sizeof buf, ", rx=%lld missed=%lld irqs=%lld %s", static_cast<long long>(rx_packets_),
                  static_cast<long long>(rx_missed_), static_cast<long long>(interrupts_), asserted_ ? "asserted" : "idle");
    return out + buf;
}

std::vector<std::pair<std::string, std::int64_t>> E1000::counters() const {
    std::vector<std::pair<std::string, std::int64_t>> c{{"rx_packets", rx_packets_},
                                                        {"rx_delivered", rx_delivered_},
                                                        {"rx_missed", rx_missed_},
                                                        {"interrupts", interrupts_},
                                                        {"tx_packets", tx_packets_}};
    if (multi_queue())  // per queue: frames stored in its ring, messages on its vector
        for (std::size_t q = 0; q < static_cast<std::size_t>(c_.queues); ++q) {
            c.emplace_back("rx_queue" + std::to_string(q), rxq_packets_[q]);
            c.emplace_back("interrupts_vector" + std::to_string(q), vec_[q].interrupts);
        }
    return c;
}

std::uint32_t E1000::rss_hash(std::uint32_t flow) {
    // Fibonacci hashing, then the finalizer of MurmurHash3: every input bit moves every
    // output bit, and small consecutive flow ids spread evenly over RETA.
    std::uint32_t h = flow * 0x9e3779b9u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

sim::Time E1000::wire_time(int bytes) const {
    // 1000 Mb/s: 8 ns a byte; 100 Mb/s: 80 ns; 10 Mb/s: 800 ns.
    return static_cast<sim::Time>(bytes + kWireOverhead) * 8 * 1000 / c_.speed;
}

// --- interrupts ----------------------------------------------------------------------

void E1000::set_cause(std::uint32_t bits) {
    icr_ |= bits;
    // Multi-queue: the transmit causes are vector 0's (irqlab's fixed IVAR).
    if (multi_queue() && (bits & (E1000_ICR_TXDW | E1000_ICR_TXQE))) eicr_ |= E1000_EICR_RX_QUEUE(0);
    update_irq();
}

// The interrupt output from the registers: wanted while (ICR & IMS) != 0; once wanted,
// asserted at once unless the last assertion was less than ITR * 256 ns ago, in which
// case at the end of that interval (itr_ev_ calls this again). Wanting nothing lowers it.
// With MSI, each assertion is one message.
void E1000::update_irq() {
    if (multi_queue()) {
        update_vectors();
        return;
    }
    bool want = (icr_ & ims_) != 0;
    if (!want) {
        asserted_ = false;
        if (out_) out_->set(false);
        return;
    }
    if (asserted_) return;
    sim::Time now = bus_.now();
    sim::Time interval = static_cast<sim::Time>(itr_ & 0xffff) * kItrUnit;
    if (interval && last_assert_ >= 0 && now < last_assert_ + interval) {
        if (!itr_ev_.scheduled()) bus_.engine().schedule(itr_ev_, last_assert_ + interval);
        return;
    }
    asserted_ = true;
    last_assert_ = now;
    ++interrupts_;
    if (out_)
        out_->set(true);
    else
        send_msi();
}

void E1000::send_msi(int v) {
    bus_.msi_signal(vec_[static_cast<std::size_t>(v)].msi, instance_);
}

void E1000::msi_vector_written(int i) {
    if (i < 0 || i >= E1000_MAX_RX_QUEUES) return;
    bus_.msi_unmasked(vec_[static_cast<std::size_t>(i)].msi, instance_);
}

// Multi-queue: vector v is wanted while EICR & EIMS has bit v; its message goes out at
// once unless its last one was less than ITR * 256 ns ago (then at the end of that
// interval: itr_ev_, at the earliest such end). Sending clears the bit if EIAC has it.
void E1000::update_vectors() {
    sim::Time now = bus_.now();
    sim::Time interval = static_cast<sim::Time>(itr_ & 0xffff) * kItrUnit;
    sim::Time next = -1;
    for (int v = 0; v < c_.queues; ++v) {
        Vector& x = vec_[static_cast<std::size_t>(v)];
        std::uint32_t bit = E1000_EICR_RX_QUEUE(v);
        if (!(eicr_ & eims_ & bit)) {
            x.asserted = false;
            continue;
        }
        if (x.asserted) continue;
        if (interval && x.last_assert >= 0 && now < x.last_assert + interval) {
            sim::Time end = x.last_assert + interval;
            if (next < 0 || end < next) next = end;
            continue;
        }
        x.asserted = true;
        x.last_assert = now;
        ++x.interrupts;
        ++interrupts_;
        if (eiac_ & bit) {
            eicr_ &= ~bit;
            x.asserted = false;  // auto-cleared: the next cause starts a new episode
        }
        send_msi(v);
    }
    if (next >= 0 && (!itr_ev_.scheduled() || next < itr_ev_.when())) bus_.engine().reschedule(itr_ev_, next);
}

// --- the wire and the receive side ---------------------------------------------------

void E1000::schedule_generate() {
    if (c_.rate <= 0 || (c_.count >= 0 && generated_ >= c_.count)) return;
    bus_.engine().schedule(generate_ev_, std::max(next_generate_, bus_.now()));
}

// The stream's next frame is ready at the far end. Constant: the k-th frame at
// start + k / rate (computed from k, so the spacing does not drift); Poisson: exponential
// gaps with mean 1 / rate from the device's own random stream.
void E1000::generate() {
    ++generated_;
    if (c_.poisson)
        next_generate_ += rng_.exponential_time(1'000'000'000 / c_.rate);
    else
        next_generate_ = c_.start + generated_ / c_.rate * 1'000'000'000 +  // in two parts: no overflow
                         generated_ % c_.rate * 1'000'000'000 / c_.rate;
    inject(1);
    schedule_generate();
}

void E1000::burst_due() {
    inject(static_cast<int>(c_.bursts[next_burst_].count));
    if (++next_burst_ < c_.bursts.size())
        bus_.engine().schedule(burst_ev_, std::max(c_.bursts[next_burst_].at, bus_.now()));
}

// From outside (the stepper, live mode): the frames join the far end's queue in an event
// of their own at the current time, as a burst does (never inside wire_done(), which a
// breakpoint may have paused mid-way).
std::string E1000::inject(const std::string& what, const std::string& arg) {
    if (what != "frames") return Device::inject(what, arg);
    std::int64_t n = 1;
    if (std::string err = inject_count(what, "frames", arg, n); !err.empty()) return err;
    injected_ += n;
    if (!inject_ev_.scheduled()) bus_.engine().schedule(inject_ev_, bus_.now());
    return "";
}

void E1000::frames_injected() {
    auto n = static_cast<int>(injected_);
    injected_ = 0;
    inject(n);
}

// Frames wait at the far end while the wire is busy: a burst goes out back to back.
void E1000::inject(int count) {
    waiting_ += count;
    if (!wire_busy_) wire_start();
}

void E1000::wire_start() {
    if (waiting_ == 0) return;
    --waiting_;
    wire_busy_ = true;
    bus_.engine().schedule(wire_ev_, bus_.now() + wire_time(c_.size));
}

void E1000::wire_done() {
    wire_busy_ = false;
    receive_frame();
    wire_start();
}

std::uint32_t E1000::rx_buffer_size() const {
    switch (rctl_ & E1000_RCTL_SZ_MASK) {
        case E1000_RCTL_SZ_1024: return 1024;
        case E1000_RCTL_SZ_512: return 512;
        case E1000_RCTL_SZ_256: return 256;
        default: return 2048;
    }
}

// A frame's last bit is in. Without the receiver on and a descriptor to put it in, it is
// missed; else it goes to the buffer of the descriptor at RDH, and the descriptor is
// written back with DD and EOP.
void E1000::receive_frame() {
    ++rx_packets_;
    // The frame's flow (dealt round robin), and with RSS on, its queue from RETA.
    auto flow = static_cast<std::uint32_t>((rx_packets_ - 1) % c_.flows);
    std::size_t q = 0;
    if (multi_queue() && (mrqc_ & E1000_MRQC_ENABLE_RSS_MQ)) {
        q = reta_[rss_hash(flow) % E1000_RETA_SIZE];
        if (q >= static_cast<std::size_t>(c_.queues)) q = 0;
    }
    RxRing& r = rx_[q];
    std::uint32_t ring = r.len / kDescLen;
    if (!(rctl_ & E1000_RCTL_EN) || ring == 0 || r.h == r.t) {
        ++rx_missed_;
        ++mpc_;
        if (rctl_ & E1000_RCTL_EN) set_cause(E1000_ICR_RXO);
        return;
    }
    std::uint64_t desc = r.base() + std::uint64_t{r.h} * kDescLen;
    std::uint8_t d[kDescLen];
    if (!bus_.dma_read(desc, d, sizeof d)) {
        ++rx_missed_;  // the bus counts the fault
        return;
    }
    std::uint64_t buffer = get_le64(d);

    // The frame: to us, from the far end, IPv4, the sequence number first in the payload,
    // then zeros, and the FCS (not computed: nothing checks it) unless RCTL.SECRC strips it.
    int len = (rctl_ & E1000_RCTL_SECRC) ? c_.size - kFcsLen : c_.size;
    std::size_t hdr = (rctl_ & E1000_RCTL_TSIP) ? E1000_TSIP_HDR_LEN : 0;
    frame_.assign(hdr + static_cast<std::size_t>(len), 0);
    std::uint8_t* f = frame_.data();
    if (hdr) put_le64(f, static_cast<std::uint64_t>(bus_.now()));  // irqlab: TSIP
    std::uint8_t* eth = f + hdr;
    std::memcpy(eth, c_.mac.data(), 6);
    std::memcpy(eth + 6, kPeerMac, 6);
    eth[12] = kEthPIp >> 8;
    eth[13] = kEthPIp & 0xff;
    std::uint32_t seq = ++seq_;
    for (int i = 0; i < 4; ++i) eth[14 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
    // irqlab: the flow id follows (what the RSS hash stands for: addresses and ports).
    if (c_.flows > 1)
        for (int i = 0; i < 4; ++i) eth[18 + i] = static_cast<std::uint8_t>(flow >> (24 - 8 * i));

    // A frame longer than the buffer is cut and flagged (the 8254x would chain
    // descriptors, which the driver then drops: irqlab's frames always fit one).
    std::uint8_t errors = 0;
    std::size_t room = rx_buffer_size();
    std::size_t take = frame_.size();
    if (take > room) {
        take = room;
        errors |= E1000_RXD_ERR_RXE;
    }
    bool stored = bus_.dma_write(buffer, frame_.data(), take);
    // Write-back: length (the frame's bytes in the buffer), checksum 0, status, errors, special 0.
    std::uint8_t wb[8] = {};
    put_le16(wb, static_cast<std::uint16_t>(take - hdr));
    wb[4] = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
    wb[5] = stored ? errors : static_cast<std::uint8_t>(errors | E1000_RXD_ERR_RXE);
    bus_.dma_write(desc + 8, wb, sizeof wb);
    r.h = (r.h + 1) % ring;
    ++rx_delivered_;
    ++gprc_;
    ++rxq_packets_[q];
    if (multi_queue()) {  // the queue's cause, at once
        eicr_ |= E1000_EICR_RX_QUEUE(q);
        update_irq();
        return;
    }

    std::uint32_t bits = 0;
    // The descriptors left to the NIC fell to the threshold (1/2, 1/4 or 1/8 of the ring).
    std::uint32_t left = (r.t + ring - r.h) % ring;
    std::uint32_t shift = ((rctl_ & E1000_RCTL_RDMTS_MASK) >> 8) + 1;
    if (left == (ring >> shift)) bits |= E1000_ICR_RXDMT0;
    // The receive timer: RXT0 at once with RDTR 0; else RDTR after the last frame, or
    // RADV after the first one since the timer last fired, whichever comes first.
    sim::Time delay = static_cast<sim::Time>(rdtr_ & 0xffff) * kDelayUnit;
    if (delay == 0) {
        bits |= E1000_ICR_RXT0;
    } else {
        bus_.engine().reschedule(rdtr_ev_, bus_.now() + delay);
        sim::Time abs = static_cast<sim::Time>(radv_ & 0xffff) * kDelayUnit;
        if (abs && !radv_ev_.scheduled()) bus_.engine().schedule(radv_ev_, bus_.now() + abs);
    }
    if (bits) set_cause(bits);
}

void E1000::rx_timer_expired() {
    bus_.engine().deschedule(rdtr_ev_);
    bus_.engine().deschedule(radv_ev_);
    set_cause(E1000_ICR_RXT0);
}

// --- the transmit side ---------------------------------------------------------------

// Start sending the descriptor at TDH if the transmitter is on and idle and the driver
// has handed over descriptors (TDH != TDT).
void E1000::tx_kick() {
    std::uint32_t ring = tdlen_ / kDescLen;
    if (tx_busy_ || !(tctl_ & E1000_TCTL_EN) || ring == 0 || tdh_ == tdt_) return;
    std::uint8_t d[kDescLen];
    if (!bus_.dma_read(tdba() + std::uint64_t{tdh_} * kDescLen, d, sizeof d)) {
        tdh_ = (tdh_ + 1) % ring;  // the bus counts the fault; the descriptor is skipped
        tx_kick();
        return;
    }
    std::uint32_t lower = get_le32(d + 8);
    int len = static_cast<int>(lower & 0xffff);
    std::vector<std::uint8_t> data(static_cast<std::size_t>(len));
    bus_.dma_read(get_le64(d), data.data(), data.size());  // the frame leaves through the MAC
    tx_cmd_ = lower;
    tx_busy_ = true;
    int on_wire = len + ((lower & E1000_TXD_CMD_IFCS) ? kFcsLen : 0);
    if ((tctl_ & E1000_TCTL_PSP) && on_wire < 64) on_wire = 64;  // padded to the minimum frame
    bus_.engine().schedule(tx_ev_, bus_.now() + wire_time(on_wire));
}

// The frame is out: DD written back if the driver asked for a report (RS), TXDW raised
// then, and TXQE when the ring has run empty.
void E1000::tx_done() {
    tx_busy_ = false;
    std::uint32_t ring = tdlen_ / kDescLen;
    if (ring == 0) return;
    std::uint32_t bits = 0;
    if (tx_cmd_ & E1000_TXD_CMD_RS) {
        std::uint8_t status = E1000_TXD_STAT_DD;
        bus_.dma_write(tdba() + std::uint64_t{tdh_} * kDescLen + 12, &status, 1);
        bits |= E1000_ICR_TXDW;
    }
    if (tx_cmd_ & E1000_TXD_CMD_EOP) {
        ++tx_packets_;
        ++gptc_;
    }
    tdh_ = (tdh_ + 1) % ring;
    if (tdh_ == tdt_) bits |= E1000_ICR_TXQE;
    if (bits) set_cause(bits);
    tx_kick();
}

// --- registers -----------------------------------------------------------------------

std::uint64_t E1000::read(std::uint64_t offset, int) {
    switch (offset) {
        case E1000_CTRL: return ctrl_;
        case E1000_STATUS: {
            std::uint32_t speed = c_.speed == 1000  ? E1000_STATUS_SPEED_1000
                                  : c_.speed == 100 ? E1000_STATUS_SPEED_100
                                                    : E1000_STATUS_SPEED_10;
            return E1000_STATUS_FD | E1000_STATUS_LU | speed;  // the cable is always in
        }
        case E1000_ICR: {  // read to clear
            std::uint32_t v = icr_;
            icr_ = 0;
            update_irq();
            return v;
        }
        case E1000_ITR: return itr_;
        case E1000_IMS: return ims_;
        case E1000_RCTL: return rctl_;
        case E1000_TCTL: return tctl_;
        case E1000_EICR: {  // read to clear
            std::uint32_t v = eicr_;
            eicr_ = 0;
            update_irq();
            return v;
        }
        case E1000_EIMS: return eims_;
        case E1000_EIAC: return eiac_;
        case E1000_MRQC: return mrqc_;
        case E1000_RDTR: return rdtr_;
        case E1000_RADV: return radv_;
        case E1000_TDBAL: return tdbal_;
        case E1000_TDBAH: return tdbah_;
        case E1000_TDLEN: return tdlen_;
        case E1000_TDH: return tdh_;
        case E1000_TDT: return tdt_;
        case E1000_MPC: return std::exchange(mpc_, 0);  // statistics clear on read
        case E1000_GPRC: return std::exchange(gprc_, 0);
        case E1000_GPTC: return std::exchange(gptc_, 0);
        case E1000_RAL0: return ral_;
        case E1000_RAH0: return rah_;
        default:
            if (offset >= E1000_RETA(0) && offset < E1000_RETA(E1000_RETA_SIZE / 4)) {
                std::size_t e = (offset - E1000_RETA(0));  // four entries a register
                return std::uint32_t{reta_[e]} | std::uint32_t{reta_[e + 1]} << 8 |
                       std::uint32_t{reta_[e + 2]} << 16 | std::uint32_t{reta_[e + 3]} << 24;
            }
            if (std::uint32_t* reg = ring_register(offset)) return *reg;
            return 0;  // ICS, IMC (write-only) and everything not modelled read 0
    }
}

std::uint32_t* E1000::ring_register(std::uint64_t offset) {
    if (offset < E1000_RDBAL_Q(0) || offset >= E1000_RDBAL_Q(E1000_MAX_RX_QUEUES)) return nullptr;
    auto q = static_cast<std::size_t>((offset - E1000_RDBAL_Q(0)) / 0x100);
    if (q >= static_cast<std::size_t>(c_.queues)) return nullptr;  // only the queues it has
    RxRing& r = rx_[q];
    switch ((offset - E1000_RDBAL_Q(0)) % 0x100) {
        case E1000_RDBAL - E1000_RDBAL: return &r.bal;
        case E1000_RDBAH - E1000_RDBAL: return &r.bah;
        case E1000_RDLEN - E1000_RDBAL: return &r.len;
        case E1000_RDH - E1000_RDBAL: return &r.h;
        case E1000_RDT - E1000_RDBAL: return &r.t;
        default: return nullptr;
    }
}

void E1000::write(std::uint64_t offset, std::uint64_t value, int) {
    auto v = static_cast<std::uint32_t>(value);
    switch (offset) {
        case E1000_CTRL:
            if (v & E1000_CTRL_RST) {
                reset();  // self-clearing; irqlab's reset takes no time
                return;
            }
            ctrl_ = v;
            return;
        case E1000_ICR: icr_ &= ~v; break;  // writing 1s clears those causes
        case E1000_ICS: icr_ |= v; break;
        case E1000_IMS: ims_ |= v; break;
        case E1000_IMC: ims_ &= ~v; break;
        case E1000_ITR:  // a new interval applies to the wait in progress too
            itr_ = v & 0xffff;
            bus_.engine().deschedule(itr_ev_);
            break;
        case E1000_RCTL: rctl_ = v; return;
        case E1000_TCTL:
            tctl_ = v;
            tx_kick();
            return;
        case E1000_EICR: eicr_ &= ~v; break;
        case E1000_EICS: eicr_ |= v; break;
        case E1000_EIMS: eims_ |= v; break;
        case E1000_EIMC: eims_ &= ~v; break;
        case E1000_EIAC: eiac_ = v; return;
        case E1000_MRQC: mrqc_ = v; return;
        case E1000_RDTR:
            rdtr_ = v & 0xffff;
            if ((v & E1000_RDT_FPDB) && (rdtr_ev_.scheduled() || radv_ev_.scheduled())) rx_timer_expired();
            return;
        case E1000_RADV: radv_ = v & 0xffff; return;
        case E1000_TDBAL: tdbal_ = v & ~0xfu; return;
        case E1000_TDBAH: tdbah_ = v; return;
        case E1000_TDLEN: tdlen_ = v & 0xfff80u; return;
        case E1000_TDH: tdh_ = v & 0xffff; return;
        case E1000_TDT:
            tdt_ = v & 0xffff;
            tx_kick();
            return;
        case E1000_RAL0: ral_ = v; return;
        case E1000_RAH0: rah_ = v; return;
        default:
            if (offset >= E1000_RETA(0) && offset < E1000_RETA(E1000_RETA_SIZE / 4)) {
                std::size_t e = (offset - E1000_RETA(0));
                for (std::size_t i = 0; i < 4; ++i) reta_[e + i] = static_cast<std::uint8_t>(v >> (8 * i));
                return;
            }
            if (std::uint32_t* reg = ring_register(offset)) {
                switch ((offset - E1000_RDBAL_Q(0)) % 0x100) {
                    case E1000_RDBAL - E1000_RDBAL: *reg = v & ~0xfu; break;    // 16-byte aligned
                    case E1000_RDLEN - E1000_RDBAL: *reg = v & 0xfff80u; break;  // a multiple of 128 bytes
                    case E1000_RDH - E1000_RDBAL:
                    case E1000_RDT - E1000_RDBAL: *reg = v & 0xffff; break;
                    default: *reg = v; break;
                }
            }
            return;  // read-only and unmodelled registers ignore writes
    }
    update_irq();
}

// --- registration --------------------------------------------------------------------

namespace {

// The frames per second the link carries at most for frames of `size` bytes.
std::int64_t line_rate(int speed, int size) {
    return static_cast<std::int64_t>(speed) * 1'000'000 / ((size + E1000::kWireOverhead) * 8);
}

int speed_of(const Params& p) { return p.count("speed") ? std::atoi(p.at("speed").text.c_str()) : 1000; }
int size_of(const Params& p) { return p.count("size") ? static_cast<int>(p.at("size").number) : 64; }

// A burst's count, given as text in the Events list: a positive integer, or -1.
std::int64_t burst_count(const EventValue& e) {
    auto it = e.texts.find("count");
    if (it == e.texts.end()) return -1;
    char* end = nullptr;
    long long n = std::strtoll(it->second.c_str(), &end, 10);
    return (end && *end == 0 && n > 0 && n <= 1'000'000) ? n : -1;
}

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    E1000::Config c;
    c.msi = p.count("msi") && p.at("msi").number;
    c.line = p.count("line") ? static_cast<int>(p.at("line").number) : -1;
    c.speed = speed_of(p);
    c.size = size_of(p);
    if (p.count("rate")) c.rate = p.at("rate").number;
    c.poisson = p.count("arrival") && p.at("arrival").text == "poisson";
    if (p.count("start")) c.start = p.at("start").number;
    if (p.count("count")) c.count = p.at("count").number;
    if (p.count("bursts"))
        for (const EventValue& e : p.at("bursts").events) c.bursts.push_back({e.times.at("at"), burst_count(e)});
    // QEMU's default MAC, the last byte numbered per NIC (e1000.0, e1000.1, ...).
    if (p.count("queues")) c.queues = static_cast<int>(p.at("queues").number);
    if (p.count("flows")) c.flows = static_cast<int>(p.at("flows").number);
    c.mac[5] = static_cast<std::uint8_t>(0x56 + std::atoi(instance.substr(instance.find('.') + 1).c_str()));
    return std::make_unique<E1000>(bus, std::move(c), instance);
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "e1000",
    "e1000",
    "an e1000 gigabit NIC: frames at a line rate into an RX descriptor ring by DMA, ICR/IMS, ITR throttling, NAPI",
    {
        {"line", K::Integer, "the PCI INTx line (IO-APIC pin 16-23, level, shareable) it drives", {}, 16, 23},
        {"msi", K::Bool, "signal with MSI messages instead of a line", {}, 0, 0, true},
        {"speed", K::Choice, "link speed in Mb/s (default 1000)", {"10", "100", "1000"}},
        {"rate", K::Rate, "frames per second the far end sends (at most the line rate): 600000, 600kpps, 1.2Mpps", {}, 0, 100'000'000},
        {"arrival", K::Choice, "constant spacing (default) or a Poisson process from the seeded random stream",
         {"constant", "poisson"}},
        {"size", K::Integer, "frame size on the wire in bytes, FCS included (default 64, the minimum)", {}, 64, 1518},
        {"start", K::Time, "the first frame of the `rate` stream (default 0)"},
        {"count", K::Integer, "frames of the `rate` stream at most", {}, 0, 1'000'000'000},
        {"bursts", K::Events, "bursts of back-to-back frames: [{at: 2ms, count: 100}, ...]", {}, 0, 0, false,
         {{"at", true, true}, {"count", false, true}}},
        {"flows", K::Integer, "flows the far end deals its frames to, round robin (default 1); RSS hashes each flow",
         {}, 1, 65536},
        // What the driver reads as device properties.
        {"queues", K::Integer,
         "RX queues, each with its own ring and MSI-X vector, RSS spreading flows over them (default 1; more needs "
         "msi)",
         {}, 1, E1000_MAX_RX_QUEUES, true},
        {"style", K::Choice,
         "driver: napi (default: the hard handler masks the NIC and schedules NAPI) or per-packet (the pre-NAPI "
         "driver: all receive work in the hard handler, each frame to netif_rx, ITR and RDTR 0)",
         {"napi", "per-packet"}, 0, 0, true},
        {"itr", K::Integer,
         "driver: InterruptThrottleRate: 0 off, 1 dynamic, 3 dynamic conservative (default), or 100-100000 "
         "interrupts/s",
         {}, 0, 100'000, true},
        {"rx_int_delay", K::Time, "driver: RxIntDelay, the RDTR packet timer (default 0: RXT0 at once)", {}, 0, 0,
         true},
        {"rx_abs_int_delay", K::Time, "driver: RxAbsIntDelay, the RADV absolute timer (default 8.192us)", {}, 0, 0,
         true},
        {"rx_descriptors", K::Integer, "driver: RxDescriptors, the RX ring size (default 256, a multiple of 8)", {}, 48,
         4096, true},
        {"tx_descriptors", K::Integer, "driver: TxDescriptors, the TX ring size (default 256, a multiple of 8)", {}, 48,
         4096, true},
    },
    [](const Params& p) -> std::string {
        bool msi = p.count("msi") && p.at("msi").number;
        if (msi && p.count("line")) return "an MSI NIC has no line: drop 'line'";
        if (!msi && !p.count("line")) return "an e1000 needs 'line' (a PCI INTx line, 16-23) or 'msi: true'";
        int speed = speed_of(p), size = size_of(p);
        if (p.count("rate") && p.at("rate").number > line_rate(speed, size))
            return "rate " + std::to_string(p.at("rate").number) + " is more than the link carries: at most " +
                   std::to_string(line_rate(speed, size)) + " frames/s of " + std::to_string(size) + " bytes at " +
                   std::to_string(speed) + " Mb/s";
        if (p.count("queues") && p.at("queues").number > 1) {
            if (!msi) return "queues > 1 needs MSI-X: add 'msi: true'";
            if (p.count("style") && p.at("style").text == "per-packet")
                return "queues > 1 needs the NAPI driver: drop 'style: per-packet'";
        }
        if (p.count("arrival") && !p.count("rate")) return "'arrival' shapes the `rate` stream: give 'rate' too";
        if (p.count("bursts"))
            for (const EventValue& e : p.at("bursts").events)
                if (burst_count(e) < 0) return "a burst's count is a number of frames, 1 to 1000000";
        if (p.count("itr")) {
            std::int64_t itr = p.at("itr").number;
            if (itr == 2 || (itr >= 4 && itr < 100))
                return "itr is 0 (off), 1 (dynamic), 3 (dynamic conservative) or 100-100000 interrupts/s";
        }
        for (const char* ring : {"rx_descriptors", "tx_descriptors"})
            if (p.count(ring) && p.at(ring).number % 8)
                return std::string(ring) + " is a multiple of 8 (the ring is a multiple of 128 bytes)";
        return "";
    },
    make,
    {"rate", "arrival", "size", "start", "count", "bursts", "flows"},
    {},
}};

}  // namespace

}  // namespace irqlab::dev
