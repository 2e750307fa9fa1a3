// What a scenario puts into the simulated kernel: its sync objects and its tasks, each
// started at its time and running its program.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/event.hpp"
#include "tools/scenario/scenario.hpp"

namespace irqlab::kernel {
class Kernel;
struct Task;
}  // namespace irqlab::kernel

namespace irqlab::scenario {

class World {
public:
    World(kernel::Kernel& k, const Scenario& sc);
    World(const World&) = delete;
    World& operator=(const World&) = delete;
    ~World();

    void* object(const std::string& name) const;
    kernel::Kernel& kernel() { return k_; }

private:
    struct Starter;
    void start(const TaskSpec& spec);
    int run_program(const TaskSpec& spec);
    void run_ops(const TaskSpec& spec, const std::vector<Op>& ops, bool& exited);

    kernel::Kernel& k_;
    const Scenario& sc_;
    std::map<std::string, std::unique_ptr<unsigned char[]>> objects_;
    std::vector<std::unique_ptr<Starter>> starters_;
    std::map<const void*, unsigned long> irq_flags_;  // what each irqsave lock saved
};

}  // namespace irqlab::scenario
