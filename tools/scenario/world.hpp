// What a scenario puts into the simulated kernel: its sync objects and its tasks, each
// started at its time and running its program.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <linux/ioport.h>

#include "sim/event.hpp"
#include "tools/scenario/scenario.hpp"

namespace irqlab::kernel {
class Kernel;
struct MsiSource;
struct Task;
}  // namespace irqlab::kernel

namespace irqlab::dev {
class Bus;
class Device;
}  // namespace irqlab::dev

namespace irqlab::scenario {

class World {
public:
    World(kernel::Kernel& k, const Scenario& sc);
    World(const World&) = delete;
    World& operator=(const World&) = delete;
    ~World();

    void* object(const std::string& name) const;
    kernel::Kernel& kernel() { return k_; }
    dev::Bus& bus() { return *bus_; }
    const std::vector<std::unique_ptr<dev::Device>>& devices() const { return devices_; }
    // What each module load/unload returned, in order.
    struct ModuleResult {
        std::string name;
        bool load;
        int ret;
    };
    const std::vector<ModuleResult>& module_log() const { return module_log_; }
    // Steps that failed: a process's write ("echo: write error" in a shell), a kthread's
    // step on a device object its driver did not set up.
    const std::vector<std::string>& step_errors() const { return step_errors_; }
    // Every read(2) a process made of a device file, in order.
    struct ReadRecord {
        std::string task;
        std::string path;
        sim::Time at;  // when it returned
        long ret;      // bytes, or -errno
        std::string data;
    };
    const std::vector<ReadRecord>& reads() const { return reads_; }
    // Every poll(2): what it returned (the ready events, 0 for a timeout).
    struct PollRecord {
        std::string task;
        std::string path;
        sim::Time at;
        long ret;
    };
    const std::vector<PollRecord>& polls() const { return polls_; }

private:
    struct Starter;
    struct ModuleAction;
    void start(const TaskSpec& spec);
    void build_machine();
    struct resource msi_interrupt(dev::Device& device, int vector);
    void module_task(const ModuleSpec& m, bool load);
    int run_program(const TaskSpec& spec);
    void run_ops(const TaskSpec& spec, const std::vector<Op>& ops, bool& exited);
    // The step's object: a sync object, or the spinlock or tasklet its device's driver set
    // up (nullptr, noted as a failed step, when there is none).
    void* step_object(const TaskSpec& spec, const Op& op, bool tasklet);

    kernel::Kernel& k_;
    const Scenario& sc_;
    std::map<std::string, std::unique_ptr<unsigned char[]>> objects_;
    std::vector<std::unique_ptr<Starter>> starters_;
    std::vector<std::unique_ptr<ModuleAction>> module_actions_;
    std::unique_ptr<dev::Bus> bus_;
    std::vector<std::unique_ptr<dev::Device>> devices_;
    std::vector<std::unique_ptr<kernel::MsiSource>> msi_;
    // Which device's which vector each MSI source writes (its ctx).
    struct MsiSlot {
        dev::Device* device;
        int vector;
    };
    std::vector<std::unique_ptr<MsiSlot>> msi_slots_;
    std::vector<ModuleResult> module_log_;
    std::vector<std::string> step_errors_;
    std::vector<ReadRecord> reads_;
    std::vector<PollRecord> polls_;
    void step_error(const std::string& e);  // notes a failed step, once
    // The process's fd of `path`, opening it (O_RDWR) if it has none; -errno if that fails.
    int fd_for(const TaskSpec& spec, const std::string& path);
    void file_op(const TaskSpec& spec, const Op& op);
    std::map<const void*, unsigned long> irq_flags_;  // what each irqsave lock saved
};

}  // namespace irqlab::scenario
