// Faults on an interrupt line, as a scenario's `faults:` section injects them:
//  - stuck: the line held asserted for a while, by an output of its own (as a failed
//    device would hold a wired-OR line); on an edge line it also swallows other edges;
//  - spurious and storm: the line fires with nothing pending (an edge, or a 500ns glitch
//    on a level line), at given times or at a rate for a while;
//  - lose_edges and jitter (edge lines): each edge a device sends is lost with a
//    probability, or arrives up to `jitter` late, drawn from the fault's own random
//    stream so the rest of the machine's randomness does not shift.
#pragma once

#include <deque>
#include <vector>

#include "devices/bus/bus.hpp"
#include "sim/event.hpp"
#include "sim/random.hpp"

namespace irqlab::dev {

struct LineFaultSpec {
    int gsi = 0;
    bool level = false;  // how the IO-APIC pin is wired (PCI lines are level)
    sim::Time stuck_from = -1, stuck_to = sim::kNever;
    std::vector<sim::Time> spurious;  // sorted
    sim::Time storm_start = -1, storm_end = -1, storm_period = 0;
    double lose = 0;  // probability that an edge is lost
    sim::Time jitter = 0;
};

class LineFault {
public:
    LineFault(Bus& bus, LineFaultSpec spec);
    ~LineFault();
    LineFault(const LineFault&) = delete;
    LineFault& operator=(const LineFault&) = delete;

    // Schedules the fault's first events; call once the machine is built.
    void start();
    // A device's edge on this line: true to deliver it now; false when it is lost, or
    // held back and delivered later by the fault itself.
    bool admit_edge(IrqOutput& out);

    // Switched while the machine runs (the stepper's `fault`), from outside the simulation:
    // the line changes in an event, now.
    void set_stuck(bool on);
    void spurious_now();  // one spurious edge (or glitch on a level line)
    void set_lose(double probability);
    void set_jitter(sim::Time jitter);

    int gsi() const { return spec_.gsi; }
    std::uint64_t edges_lost() const { return lost_; }
    std::uint64_t fired() const { return fired_; }

private:
    void stuck_begin();
    void stuck_end();
    void fire();       // a spurious edge or glitch
    void glitch_end();
    void delayed();    // a jittered edge arrives
    sim::Time next_fire_time() const;
    void update_filter();  // the bus filters this line's edges while lose or jitter is set

    Bus& bus_;
    LineFaultSpec spec_;
    IrqOutput& out_;  // the fault's own output on the line
    sim::Rng rng_;
    std::size_t next_spurious_ = 0;
    sim::Time next_storm_ = -1;
    bool stuck_ = false;
    bool filtering_ = false;
    std::uint64_t lost_ = 0, fired_ = 0;
    struct Held {
        sim::Time when;
        IrqOutput* out;
    };
    std::deque<Held> held_;  // jittered edges, in arrival order
    sim::MemberEvent<&LineFault::stuck_begin> stuck_begin_ev_;
    sim::MemberEvent<&LineFault::stuck_end> stuck_end_ev_;
    sim::MemberEvent<&LineFault::fire> fire_ev_;
    sim::MemberEvent<&LineFault::glitch_end> glitch_ev_;
    sim::MemberEvent<&LineFault::delayed> delayed_ev_;
};

}  // namespace irqlab::dev
