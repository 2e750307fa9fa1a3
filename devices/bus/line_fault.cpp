#include "devices/bus/line_fault.hpp"

#include <algorithm>
#include <string>

#include "kernel/kernel.hpp"

namespace irqlab::dev {

namespace {
// Long enough for the IO-APIC to see the level, short enough to be gone before the
// handler looks (as irqgen's spurious glitch).
constexpr sim::Time kGlitch = 500;
}  // namespace

LineFault::LineFault(Bus& bus, LineFaultSpec spec)
    : bus_(bus),
      spec_(std::move(spec)),
      out_(bus.connect_irq(spec_.gsi, "fault:gsi" + std::to_string(spec_.gsi))),
      rng_(bus.kernel().sim.rng().stream("fault:gsi" + std::to_string(spec_.gsi))),
      stuck_begin_ev_(this, "line fault: stuck", sim::Priority::Stimulus),
      stuck_end_ev_(this, "line fault: unstuck", sim::Priority::Stimulus),
      fire_ev_(this, "line fault: fires", sim::Priority::Stimulus),
      glitch_ev_(this, "line fault: glitch ends"),
      delayed_ev_(this, "line fault: late edge arrives") {
    update_filter();
}

LineFault::~LineFault() {
    // Its events take themselves out of the queue (Event's destructor).
    if (filtering_) bus_.set_edge_filter(spec_.gsi, nullptr);
}

void LineFault::update_filter() {
    bool want = spec_.lose > 0 || spec_.jitter > 0;
    if (want != filtering_) bus_.set_edge_filter(spec_.gsi, want ? this : nullptr);
    filtering_ = want;
}

void LineFault::set_stuck(bool on) {
    if (on) {
        spec_.stuck_from = bus_.now();
        spec_.stuck_to = sim::kNever;
        bus_.engine().deschedule(stuck_end_ev_);
        bus_.engine().reschedule(stuck_begin_ev_, bus_.now());
    } else {
        spec_.stuck_to = bus_.now();
        bus_.engine().deschedule(stuck_begin_ev_);
        if (stuck_) bus_.engine().reschedule(stuck_end_ev_, bus_.now());
    }
}

void LineFault::spurious_now() {
    // fire() fires once and then reschedules for the spec's next spurious or storm edge.
    bus_.engine().reschedule(fire_ev_, bus_.now());
}

void LineFault::set_lose(double probability) {
    spec_.lose = probability;
    update_filter();
}

void LineFault::set_jitter(sim::Time jitter) {
    spec_.jitter = jitter;
    update_filter();
}

void LineFault::start() {
    if (spec_.stuck_from >= 0) bus_.engine().schedule(stuck_begin_ev_, spec_.stuck_from);
    if (spec_.storm_start >= 0) next_storm_ = spec_.storm_start;
    sim::Time t = next_fire_time();
    if (t != sim::kNever) bus_.engine().schedule(fire_ev_, t);
}

void LineFault::stuck_begin() {
    stuck_ = true;
    out_.set(true);
    if (spec_.stuck_to != sim::kNever) bus_.engine().schedule(stuck_end_ev_, spec_.stuck_to);
}

void LineFault::stuck_end() {
    stuck_ = false;
    if (!glitch_ev_.scheduled()) out_.set(false);
}

sim::Time LineFault::next_fire_time() const {
    sim::Time t = sim::kNever;
    if (next_spurious_ < spec_.spurious.size()) t = spec_.spurious[next_spurious_];
    if (next_storm_ >= 0 && next_storm_ < spec_.storm_end) t = std::min(t, next_storm_);
    return t;
}

void LineFault::fire() {
    sim::Time now = bus_.now();
    while (next_spurious_ < spec_.spurious.size() && spec_.spurious[next_spurious_] <= now) ++next_spurious_;
    if (next_storm_ >= 0 && next_storm_ <= now) next_storm_ += spec_.storm_period;
    ++fired_;
    if (!spec_.level) {
        out_.pulse();
    } else if (!out_.asserted()) {
        out_.set(true);
        bus_.engine().schedule(glitch_ev_, now + kGlitch);
    }
    sim::Time t = next_fire_time();
    if (t != sim::kNever) bus_.engine().schedule(fire_ev_, std::max(t, now));
}

void LineFault::glitch_end() {
    if (!stuck_) out_.set(false);  // a stuck period that began meanwhile keeps the line up
}

bool LineFault::admit_edge(IrqOutput& out) {
    if (spec_.lose > 0 && rng_.bernoulli(spec_.lose)) {
        ++lost_;
        return false;
    }
    if (spec_.jitter <= 0) return true;
    auto delay = static_cast<sim::Time>(rng_.uniform(0, static_cast<std::uint64_t>(spec_.jitter)));
    if (delay == 0 && held_.empty()) return true;
    // Edges keep their order: a later edge never overtakes an earlier held one.
    sim::Time when = bus_.now() + delay;
    if (!held_.empty()) when = std::max(when, held_.back().when);
    held_.push_back({when, &out});
    if (!delayed_ev_.scheduled()) bus_.engine().schedule(delayed_ev_, held_.front().when);
    return false;
}

void LineFault::delayed() {
    while (!held_.empty() && held_.front().when <= bus_.now()) {
        IrqOutput* out = held_.front().out;
        held_.pop_front();
        bus_.deliver_edge(*out);
    }
    if (!held_.empty()) bus_.engine().schedule(delayed_ev_, held_.front().when);
}

}  // namespace irqlab::dev
