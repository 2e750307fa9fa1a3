// The summary `irqlab run` prints: CPU time by context, tasks, the kernel log, bugs, and
// the expectations' verdict.
#pragma once

#include <iosfwd>

#include "tools/scenario/expect.hpp"
#include "tools/scenario/scenario.hpp"

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::output {

class IrqLatency;

struct RunFacts {
    const IrqLatency* latency = nullptr;  // assertion-to-handler latencies, if measured
    double wall_seconds = 0;
    std::uint64_t events = 0;
    std::string halted;  // why the machine stopped early, if it did
    const scenario::World* world = nullptr;  // the devices and what the processes read
};

void print_summary(std::ostream& out, const scenario::Scenario& sc, kernel::Kernel& k, const scenario::Verdict& v,
                   const RunFacts& facts);

}  // namespace irqlab::output
