#include "devices/examples/mydev.hpp"

#include <cstdio>

namespace irqlab::dev {

Mydev::Mydev(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "mydev", instance),
      c_(c),
      base_(bus.allocate_mmio(kWindow)),
      out_(bus.connect_irq(c_.line, instance)),
      arrival_ev_(this, "mydev: words arrive") {
    bus.map_mmio(base_, kWindow, this, instance);
    reset();
}

Mydev::~Mydev() { bus_.unmap(this); }

void Mydev::reset() {
    status_ = 0;
    ctrl_ = 0;
    fifo_.clear();
}

std::vector<struct resource> Mydev::resources() const {
    return {mem_resource(base_, kWindow), irq_resource(c_.line, true)};
}

void Mydev::start() {
    if (c_.every) bus_.engine().schedule(arrival_ev_, c_.start);
}

std::string Mydev::info() const {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: line %d level: status=%#x ctrl=%#x fifo=%zu lost=%lld line %s",
                  instance_.c_str(), c_.line, status_, ctrl_, fifo_.size(), static_cast<long long>(lost_),
                  out_.asserted() ? "asserted" : "idle");
    return buf;
}

std::vector<std::pair<std::string, std::int64_t>> Mydev::counters() const {
    return {{"received", received_}, {"lost", lost_}, {"read", read_}};
}

void Mydev::arrival() {
    ++bursts_;
    for (int i = 0; i < c_.burst; ++i) {
        std::uint32_t w = next_word_++;
        if (fifo_.size() >= kFifoDepth) {
            ++lost_;
            continue;
        }
        fifo_.push_back(w);
        ++received_;
    }
    status_ |= RX_IRQ;
    update_irq();
    if (c_.count < 0 || bursts_ < c_.count) bus_.engine().schedule(arrival_ev_, bus_.now() + c_.every);
}

// QEMU's rule: the line is a function of the registers, recomputed after each change.
void Mydev::update_irq() { out_.set((ctrl_ & IRQ_ENABLE) && (status_ & RX_IRQ)); }

std::uint64_t Mydev::read(std::uint64_t offset, int) {
    switch (offset) {
        case IRQ_STATUS: return status_;
        case IRQ_CTRL: return ctrl_;
        case RX_FIFO_COUNT: return fifo_.size();
        case RX_DATA: {
            if (fifo_.empty()) return 0;
            std::uint32_t w = fifo_.front();
            fifo_.pop_front();
            ++read_;
            return w;
        }
        default: return 0;
    }
}

void Mydev::write(std::uint64_t offset, std::uint64_t value, int) {
    switch (offset) {
        case IRQ_CTRL: ctrl_ = static_cast<std::uint32_t>(value) & IRQ_ENABLE; break;
        case IRQ_CLEAR: status_ &= ~(static_cast<std::uint32_t>(value) & RX_IRQ); break;
        default: return;
    }
    update_irq();
}

namespace {

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    Mydev::Config c;
    c.line = static_cast<int>(p.at("line").number);
    c.every = p.at("every").number;
    if (p.count("start")) c.start = p.at("start").number;
    if (p.count("count")) c.count = p.at("count").number;
    if (p.count("burst")) c.burst = static_cast<int>(p.at("burst").number);
    return std::make_unique<Mydev>(bus, c, instance);
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "mydev",
    "mydev",
    "seed 004's receive device: words arrive into a FIFO, a level line while RX_IRQ is set",
    {
        {"line", K::Integer, "the IRQ line (IO-APIC pin) it drives", {}, 1, 23},
        {"every", K::Time, "a burst of words arrives once per this period"},
        {"start", K::Time, "the first burst (default 0)"},
        {"count", K::Integer, "bursts at most", {}, 0, 1'000'000'000},
        {"burst", K::Integer, "words per burst (default 1)", {}, 1, 1024},
        // What the driver reads as device properties.
        {"process_cost", K::Time, "time process_rx_data() spends per word, in the tasklet", {}, 0, 0, true},
        {"bug", K::Choice, "one of the seed's Don'ts: sleep-in-tasklet (msleep in the tasklet), no-tasklet-kill (remove forgets it)",
         {"sleep-in-tasklet", "no-tasklet-kill"}, 0, 0, true},
    },
    [](const Params& p) -> std::string {
        if (!p.count("line")) return "a mydev needs 'line' (the IO-APIC pin it drives; a level line, 16-23)";
        if (p.at("line").number < 16) return "mydev drives a level line: use one of the PCI lines 16-23";
        if (!p.count("every")) return "a mydev needs 'every' (how often words arrive)";
        return "";
    },
    make,
    {"every", "start", "count", "burst"},
    {},
}};

}  // namespace

}  // namespace irqlab::dev
