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
    // The ordering expectations' findings, when the scenario has any.
    const OrderCheck* order_check() const { return order_.get(); }
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
    // What a process's read(2)s of one file returned, all together. Bounded, as a long run
    // must be: the first kKeptBytes of the data, the counts of everything.
    static constexpr std::size_t kKeptBytes = 64 * 1024;
    struct Reads {
        std::string task, path;
        std::uint64_t count = 0, bytes = 0;
        std::string data;                      // the first kKeptBytes bytes read
        std::map<long, std::uint64_t> errors;  // -errno -> reads that failed with it
    };
    const std::vector<Reads>& reads() const { return reads_; }
    // A process's poll(2)s of one file: how many, and how many timed out.
    struct Polls {
        std::string task, path;
        std::uint64_t count = 0, timed_out = 0;
    };
    const std::vector<Polls>& polls() const { return polls_; }
    // A fault on interrupt line `gsi` switched while the machine runs (the stepper's
    // `fault gsiN stuck on|off | spurious | lose_edges P | jitter T`), from outside the
    // simulation. Returns "" or the complaint.
    std::string switch_line_fault(int gsi, const std::string& kind, const std::string& arg);

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
    std::vector<std::unique_ptr<dev::LineFault>> line_faults_;  // the faults: section's lines
    std::unique_ptr<OrderCheck> order_;
    std::vector<std::unique_ptr<kernel::MsiSource>> msi_;
    // Which device's which vector each MSI source writes (its ctx).
    struct MsiSlot {
        dev::Device* device;
        int vector;
    };
    std::vector<std::unique_ptr<MsiSlot>> msi_slots_;
    std::vector<ModuleResult> module_log_;
    std::vector<std::string> step_errors_;
    std::vector<Reads> reads_;
    std::vector<Polls> polls_;
    template <class T>
    static T& entry(std::vector<T>& v, const std::string& task, const std::string& path);
    void step_error(const std::string& e);  // notes a failed step, once
    // The process's fd of `path`, opening it (O_RDWR) if it has none; -errno if that fails.
    int fd_for(const TaskSpec& spec, const std::string& path);
    void file_op(const TaskSpec& spec, const Op& op);
    std::map<const void*, unsigned long> irq_flags_;  // what each irqsave lock saved
};

}  // namespace irqlab::scenario
