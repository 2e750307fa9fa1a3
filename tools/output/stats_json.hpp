// `irqlab run --stats-json PATH`: every figure of the summary as JSON, for graders and
// scripts. Keys are snake_case and stable, times are integer nanoseconds, per-CPU arrays
// are indexed by CPU. Everything is deterministic except the "host" object (wall time).
#pragma once

#include <iosfwd>

#include "tools/output/run_stats.hpp"

namespace irqlab::output {

void write_stats_json(std::ostream& out, const RunStats& s);

}  // namespace irqlab::output
