// Judging a finished run against the scenario's expect: section.
#pragma once

#include <string>
#include <vector>

#include "tools/scenario/scenario.hpp"

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::scenario {

struct Verdict {
    std::vector<std::string> met;
    std::vector<std::string> failed;  // each says what was expected and what happened
    bool ok() const { return failed.empty(); }
};

class World;

// `world` adds what the scenario's own actions reported (module loads, writes).
Verdict judge(const Scenario& sc, kernel::Kernel& k, const World* world = nullptr);

}  // namespace irqlab::scenario
