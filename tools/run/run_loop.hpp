// How a run advances on the host: in slices of simulated time (the same events in the same
// order as one run_until()), so that Ctrl-C is seen between two slices and a progress line
// can say how far the run is. `irqlab run` uses run_sliced(); live mode (tools/live) paces
// the slices to the wall clock with the same Ctrl-C flag and progress line.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "sim/time.hpp"

namespace irqlab::sim {
class Simulator;
}

namespace irqlab::run {

// Ctrl-C while a run goes: SIGINT sets a flag that the loops look at between slices, and
// the run ends there with its outputs written whole. Installed for the scope's life; the
// previous handler is restored after. (Live mode's raw terminal turns Ctrl-C into a byte,
// which calls interrupt().)
class SigintScope {
public:
    SigintScope();
    ~SigintScope();
    SigintScope(const SigintScope&) = delete;
    SigintScope& operator=(const SigintScope&) = delete;
    static bool interrupted();
    static void interrupt();
};

// The progress line on stderr, drawn only when `enabled` (stderr is a terminal): the
// simulated time, the events per second, and the caller's note. Cleared at the end.
class ProgressLine {
public:
    ProgressLine(bool enabled, std::ostream& err);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    // Redraws the line, at most once a second.
    void update(sim::Simulator& s, sim::Time until, const std::string& note = "");
    // A message on a line of its own (the progress line, if drawn, is cleared first).
    void message(const std::string& text);

private:
    bool enabled_;
    bool drawn_ = false;
    std::ostream& err_;
    std::chrono::steady_clock::time_point start_, shown_;
};

// Runs to `until` in slices. Returns true when Ctrl-C cut the run short.
bool run_sliced(sim::Simulator& s, sim::Time until, bool progress, std::ostream& err);

}  // namespace irqlab::run
