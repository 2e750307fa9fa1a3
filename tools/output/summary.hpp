// The summary `irqlab run` prints: CPU time by context, tasks, the kernel log, bugs, and
// the expectations' verdict.
#pragma once

#include <iosfwd>

#include "tools/output/run_stats.hpp"

namespace irqlab::output {

void print_summary(std::ostream& out, const RunStats& s);

}  // namespace irqlab::output
