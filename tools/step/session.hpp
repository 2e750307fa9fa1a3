// One stepping session over a scenario: the machine built and booted, run forward in
// moves that stop between two trace records (even in the middle of a handler) or at a
// simulated time.
//
// Going backwards is replay: the machine is rebuilt from the scenario and run forward
// to the earlier position. The run is deterministic, and every input the user gave
// (`inject`) is journaled at the position it was given and given again there, so the
// state reached backwards is the state that was reached forwards.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace.hpp"
#include "tools/scenario/scenario.hpp"
#include "tools/step/breakpoints.hpp"

namespace irqlab::sim {
class Simulator;
}
namespace irqlab::kernel {
class Kernel;
}
namespace irqlab::scenario {
class World;
}

namespace irqlab::step {

// Where a run stands: after the record `seq` was emitted, paused right there (at_record),
// or with every event up to `time` run.
struct Position {
    std::uint64_t seq = 0;
    sim::Time time = 0;
    bool at_record = false;
    // Positions in the order a run passes them.
    bool operator<(const Position& o) const {
        if (seq != o.seq) return seq < o.seq;
        if (at_record != o.at_record) return at_record;
        return time < o.time;
    }
    bool operator==(const Position& o) const { return seq == o.seq && time == o.time && at_record == o.at_record; }
    bool operator<=(const Position& o) const { return !(o < *this); }
};

// Why a move stopped.
struct Stop {
    enum class Why { Start, Steps, Boundary, Breakpoint, Time, End, Halted, Interrupted };
    Why why = Why::Start;
    int breakpoint = 0;  // its number, for Why::Breakpoint
};

class Session {
public:
    // `sc` must outlive the session. Builds and boots the machine at time 0.
    explicit Session(const scenario::Scenario& sc);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const scenario::Scenario& scenario() const { return sc_; }
    sim::Simulator& simulator() { return *sim_; }
    kernel::Kernel& kernel() { return *k_; }
    scenario::World& world() { return *world_; }
    Breakpoints& breakpoints() { return bps_; }
    const Position& position() const { return pos_; }
    sim::Time now() const;
    bool ended() const { return ended_; }
    const std::string& halted() const;

    // The record the run stopped at (nullptr when it stopped between records).
    const sim::TraceRecord* current() const;
    // A recent record by its sequence number (nullptr when it is no longer kept).
    const sim::TraceRecord* record(std::uint64_t seq) const;
    static constexpr std::size_t kHistory = 1 << 16;

    // Forward moves.
    Stop step(std::uint64_t records);
    Stop next();  // to the next handler or bottom-half boundary
    Stop resume();  // `continue`: to a breakpoint or the end
    Stop until(sim::Time t);
    Stop run();  // from the start again, without the journal, to a breakpoint or the end
    // Backward moves, by replay.
    Stop reverse_step(std::uint64_t records);
    Stop reverse_continue();
    // Rebuilds the machine and replays to `p` (with the journal up to there). An observer,
    // made for the new kernel before it boots, sees the whole replay (the terminal
    // timeline is drawn this way); it stays subscribed until the next rebuild.
    using Observer = std::function<sim::TraceSubscriber*(kernel::Kernel&)>;
    void replay_to(const Position& p, const Observer& observer = {});
    void drop_observer() { observer_ = nullptr; }
    // Ctrl-C at the prompt: once `interrupted` says so, a forward move stops
    // (Why::Interrupted) within a slice of simulated time.
    void set_interrupt_check(bool (*interrupted)()) { interrupted_ = interrupted; }
    // False if the last replay did not arrive where it was going (a determinism bug).
    bool replay_arrived() const { return replay_arrived_; }

    // Input from outside (`inject DEVICE WHAT ARG`): given to the device now and
    // journaled here. Returns "" or the complaint.
    std::string inject(const std::string& device, const std::string& what, const std::string& arg);
    struct Input {
        Position at;
        std::string device, what, arg;
    };
    const std::vector<Input>& journal() const { return journal_; }

private:
    class Recorder;
    struct Goal {
        std::uint64_t seq = 0;          // stop at the first record >= seq (0: no such goal)
        sim::Time time = sim::kNever;   // stop when the clock gets there
        bool boundary = false;          // stop at the next handler or bottom-half boundary
        bool breakpoints = false;       // stop at breakpoints
        bool count_hits = true;         // a user's move (a replay does not count hits)
        std::vector<Position>* hits = nullptr;  // note breakpoint hits, without stopping
    };
    Stop go(const Goal& g);
    void build(const Observer& observer = {});
    void teardown();
    void apply_due_inputs();
    std::string give(const Input& in);

    const scenario::Scenario& sc_;
    std::unique_ptr<sim::Simulator> sim_;
    std::unique_ptr<kernel::Kernel> k_;
    std::unique_ptr<scenario::World> world_;
    std::unique_ptr<Recorder> recorder_;
    sim::TraceSubscriber* observer_ = nullptr;
    std::deque<sim::TraceRecord> history_;
    Breakpoints bps_;
    Position pos_;
    bool ended_ = false;
    bool replay_arrived_ = true;
    bool (*interrupted_)() = nullptr;
    std::vector<Input> journal_;
    std::size_t next_input_ = 0;  // the first journal entry not given in this build
};

}  // namespace irqlab::step
