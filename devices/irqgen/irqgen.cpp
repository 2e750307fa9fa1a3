#include "devices/irqgen/irqgen.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace irqlab::dev {

namespace {
// A spurious level assertion holds the line this long: long enough for the IO-APIC to
// send it, too short for anything to be pending when the handler looks.
constexpr sim::Time kGlitch = 500;
}  // namespace

Irqgen::Irqgen(Bus& bus, Config c, const std::string& instance)
    : Device(bus, "irqgen", instance),
      c_(std::move(c)),
      base_(bus.allocate_mmio(kWindow)),
      out_(c_.msi ? nullptr : &bus.connect_irq(c_.line, instance)),
      event_ev_(this, "irqgen: event"),
      inject_ev_(this, "irqgen: injected event", sim::Priority::Stimulus),
      spurious_ev_(this, "irqgen: spurious fire"),
      glitch_ev_(this, "irqgen: glitch ends") {
    std::sort(c_.at.begin(), c_.at.end());
    std::sort(c_.spurious.begin(), c_.spurious.end());
    bus.map_mmio(base_, kWindow, this, instance);
    reset();
}

Irqgen::~Irqgen() { bus_.unmap(this); }

void Irqgen::reset() {
    status_ = 0;
    ctrl_ = 0;
    count_ = 0;
    edge_high_ = false;
}

std::vector<struct resource> Irqgen::resources() const {
    if (c_.msi) return {mem_resource(base_, kWindow)};  // the machine adds the MSI interrupt it allocates
    return {mem_resource(base_, kWindow), irq_resource(c_.line, c_.level)};
}

void Irqgen::start() {
    next_periodic_ = c_.start;
    schedule_next();
    if (!c_.spurious.empty()) bus_.engine().schedule(spurious_ev_, c_.spurious[0]);
}

std::string Irqgen::info() const {
    char buf[160];
    if (c_.msi)
        std::snprintf(buf, sizeof buf, "%s: MSI: status=%#x ctrl=%#x events=%llu message %s%s", instance_.c_str(), status_,
                      ctrl_, static_cast<unsigned long long>(count_), msi_.enabled ? "enabled" : "masked",
                      msi_.pending ? ", pending" : "");
    else
        std::snprintf(buf, sizeof buf, "%s: line %d %s: status=%#x ctrl=%#x events=%llu line %s", instance_.c_str(),
                      c_.line, c_.level ? "level" : "edge", status_, ctrl_, static_cast<unsigned long long>(count_),
                      out_->asserted() ? "asserted" : "idle");
    return buf;
}

// The next event is the earlier of the next listed time and the next periodic one.
void Irqgen::schedule_next() {
    sim::Time when = sim::kNever;
    if (next_at_ < c_.at.size()) when = c_.at[next_at_];
    if (c_.every && (c_.count < 0 || periodic_done_ < c_.count)) when = std::min(when, next_periodic_);
    if (when != sim::kNever) bus_.engine().schedule(event_ev_, std::max(when, bus_.now()));
}

void Irqgen::next_event() {
    sim::Time now = bus_.now();
    while (next_at_ < c_.at.size() && c_.at[next_at_] <= now) {
        ++next_at_;
        event();
    }
    if (c_.every && (c_.count < 0 || periodic_done_ < c_.count) && next_periodic_ <= now) {
        ++periodic_done_;
        next_periodic_ += c_.every;
        event();
    }
    schedule_next();
}

// From outside (the stepper, live mode): the events happen in an event of their own at the
// current time, never inside next_event(), which may be paused mid-way by a breakpoint.
std::string Irqgen::inject(const std::string& what, const std::string& arg) {
    if (what != "irq") return Device::inject(what, arg);
    std::int64_t n = 1;
    if (std::string err = inject_count(what, "events", arg, n); !err.empty()) return err;
    injected_ += n;
    if (!inject_ev_.scheduled()) bus_.engine().schedule(inject_ev_, bus_.now());
    return "";
}

void Irqgen::injected_events() {
    while (injected_ > 0) {
        --injected_;
        event();
    }
}

void Irqgen::event() {
    ++count_;
    status_ |= STATUS_PENDING;
    if (c_.stuck) stuck_ = true;
    // An edge device signals every event, even one that finds PENDING already set.
    if (!c_.level) edge_high_ = false;
    update_irq();
}

void Irqgen::spurious_fire() {
    ++next_spurious_;
    if (c_.msi) {
        send_msi();
    } else if (c_.level) {
        spurious_level_ = true;
        update_irq();
        bus_.engine().schedule(glitch_ev_, bus_.now() + kGlitch);
    } else {
        out_->pulse();
    }
    if (next_spurious_ < c_.spurious.size())
        bus_.engine().schedule(spurious_ev_, std::max(c_.spurious[next_spurious_], bus_.now()));
}

void Irqgen::glitch_end() {
    spurious_level_ = false;
    update_irq();
}

// QEMU's rule: the output is a function of the registers, recomputed after each change.
void Irqgen::update_irq() {
    bool active = (ctrl_ & CTRL_ENABLE) && (status_ & STATUS_PENDING);
    if (c_.level) {
        out_->set(active || spurious_level_ || (stuck_ && (ctrl_ & CTRL_ENABLE)));
    } else {
        if (active && !edge_high_) c_.msi ? send_msi() : out_->pulse();
        edge_high_ = active;
    }
}

void Irqgen::send_msi() { bus_.msi_signal(msi_, instance_); }

void Irqgen::msi_written() { bus_.msi_unmasked(msi_, instance_); }

std::uint64_t Irqgen::read(std::uint64_t offset, int) {
    switch (offset) {
        case STATUS: return status_;
        case CTRL: return ctrl_;
        case COUNT: return static_cast<std::uint32_t>(count_);
        default: return 0;  // ACK and the reserved space read as zero
    }
}

void Irqgen::write(std::uint64_t offset, std::uint64_t value, int) {
    switch (offset) {
        case CTRL: ctrl_ = static_cast<std::uint32_t>(value) & CTRL_ENABLE; break;
        case ACK:
            if (value & STATUS_PENDING) status_ &= ~STATUS_PENDING;
            break;
        default: return;  // read-only registers ignore writes
    }
    update_irq();
}

namespace {

std::unique_ptr<Device> make(Bus& bus, const Params& p, const std::string& instance) {
    Irqgen::Config c;
    c.line = p.count("line") ? static_cast<int>(p.at("line").number) : -1;
    c.level = p.count("trigger") && p.at("trigger").text == "level";
    c.msi = p.count("msi") && p.at("msi").number;
    if (p.count("at")) c.at = p.at("at").times;
    if (p.count("every")) c.every = p.at("every").number;
    if (p.count("start")) c.start = p.at("start").number;
    if (p.count("count")) c.count = p.at("count").number;
    if (p.count("stuck")) c.stuck = p.at("stuck").number != 0;
    if (p.count("spurious")) c.spurious = p.at("spurious").times;
    return std::make_unique<Irqgen>(bus, std::move(c), instance);
}

using K = ParamSpec::Kind;
const Registration registration{DeviceType{
    "irqgen",
    "irqgen",
    "a programmable interrupt source (a button): edge or level, at given times or a rate",
    {
        {"line", K::Integer, "the IRQ line (IO-APIC pin) it drives", {}, 1, 23},
        {"msi", K::Bool, "signal with MSI messages instead of a line"},
        {"trigger", K::Choice, "edge or level (ISA lines 1-15 are edge, PCI lines 16-23 level)", {"edge", "level"}},
        {"at", K::Times, "events at these times, like [1ms, 1.2ms]"},
        {"every", K::Time, "one event per this period"},
        {"start", K::Time, "the first periodic event (default 0)"},
        {"count", K::Integer, "periodic events at most", {}, 0, 1'000'000'000},
        {"stuck", K::Bool, "fault (level): from the first event the line stays asserted, whatever the driver does"},
        {"spurious", K::Times, "fault: the line fires at these times with nothing pending"},
        // What the driver reads as device properties.
        {"shared", K::Bool, "the driver requests the line with IRQF_SHARED", {}, 0, 0, true},
        {"threaded", K::Bool, "the driver acknowledges in a thread function (request_threaded_irq)", {}, 0, 0, true},
        {"oneshot", K::Bool, "the driver requests IRQF_ONESHOT", {}, 0, 0, true},
        {"primary", K::Bool, "threaded: the driver has its own primary handler (else NULL, the default one)", {}, 0, 0, true},
        {"handler_cost", K::Time, "time the hard handler spends (udelay)", {}, 0, 0, true},
        {"thread_cost", K::Time, "time the thread function spends", {}, 0, 0, true},
        {"bottom_half", K::Choice, "the hard handler acknowledges and defers the rest to this",
         {"tasklet", "hi-tasklet", "work", "highpri-work", "unbound-work", "bh-work"}, 0, 0, true},
        {"bh_cost", K::Time, "time the bottom half spends on the CPU", {}, 0, 0, true},
        {"bh_sleep", K::Time, "then the bottom half sleeps this long (usleep_range; a bug in a tasklet)", {}, 0, 0, true},
        {"no_ack", K::Bool, "driver bug: the handler claims the interrupt but never acknowledges it", {}, 0, 0, true},
        {"no_bh_sync", K::Bool, "driver bug: remove() does not wait for the bottom half (no tasklet_kill/cancel_work_sync)", {}, 0, 0, true},
        {"unmanaged", K::Bool, "the driver requests the line with request_irq() and frees it in remove(), not devm_", {}, 0, 0, true},
        {"no_free_irq", K::Bool, "driver bug: request_irq() and no free_irq(): the line stays requested after unload", {}, 0, 0, true},
        {"no_status_check", K::Bool, "driver bug (seed 003's handler): IRQ_HANDLED without reading STATUS", {}, 0, 0, true},
        {"bad_return", K::Choice, "driver bug: the hard handler returns -EIO, or IRQ_WAKE_THREAD with no thread function",
         {"errno", "wake-thread"}, 0, 0, true},
        {"log_context", K::Bool, "each handler logs in_interrupt(), in_serving_softirq(), in_task() and the current task", {}, 0, 0, true},
        {"bh_mutex", K::Bool, "the bottom half takes a mutex (mutex_lock): fine in a work item, a bug in a tasklet", {}, 0, 0, true},
        {"bh_alloc", K::Choice, "the bottom half allocates with kmalloc(GFP_KERNEL) (a bug in a tasklet) or GFP_ATOMIC",
         {"gfp-kernel", "gfp-atomic"}, 0, 0, true},
    },
    [](const Params& p) -> std::string {
        bool level = p.count("trigger") && p.at("trigger").text == "level";
        bool msi = p.count("msi") && p.at("msi").number;
        if (msi && (p.count("line") || level)) return "an MSI device has no line: drop 'line' and 'trigger'";
        if (!msi && !p.count("line")) return "an irqgen needs 'line' (the IO-APIC pin it drives) or 'msi: true'";
        if (p.count("stuck") && p.at("stuck").number && !level) return "stuck is a fault of a level line (trigger: level)";
        if (!p.count("at") && !p.count("every") && !p.count("spurious"))
            return "an irqgen needs 'at' or 'every' (when it fires)";
        bool threaded = p.count("threaded") && p.at("threaded").number;
        auto set = [&p](const char* k) { return p.count(k) && (p.at(k).number || !p.at(k).text.empty()); };
        for (const char* k : {"unmanaged", "no_free_irq", "no_status_check", "bad_return"})
            if (threaded && set(k)) return std::string(k) + " is about request_irq()'s hard handler: not with 'threaded'";
        return "";
    },
    make,
    {"at", "every", "start", "count"},
    {"stuck", "spurious"},
}};

}  // namespace

}  // namespace irqlab::dev
