// The simulated machine and its kernel: CPUs, tasks and the kernel's subsystems.
//
// One Kernel runs in one Simulator. Driver code (C) reaches it through the API functions,
// which find it with Kernel::get(): the simulation runs on one host thread, and the kernel
// whose code is running is the only one there is.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel/arch/x86/cpu.hpp"
#include "kernel/config.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/trace/events.hpp"
#include "sim/simulator.hpp"

namespace irqlab::kernel {

struct Task;
enum class TaskKind : std::uint8_t;
class Log;
class Bugs;
class Symbols;
class Memory;
class Timers;
class Softirqs;
class Watchdog;
class Scheduler;
struct Locking;
class Irqs;
class IoApic;
class IoBus;
class DriverCore;
class Workqueues;
class Latency;
class Vfs;
class Net;
class BlockLayer;

class Kernel {
public:
    Kernel(sim::Simulator& sim, Config config);
    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;
    ~Kernel();

    // The kernel whose code runs now. Fatal outside a simulation.
    static Kernel& get();
    static Kernel* get_if();

    sim::Simulator& sim;
    sim::Engine& engine;
    const Config config;
    // TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ, worked out once: jiffies are read all the time.
    const sim::Time tick_nsec = (sim::kNsPerSec + config.hz / 2) / config.hz;

    sim::Time now() const { return engine.now(); }
    int nr_cpus() const { return static_cast<int>(cpus_.size()); }
    Cpu& cpu(int i) { return *cpus_[static_cast<std::size_t>(i)]; }
    // The task whose code is running (nullptr on the engine's own fiber: device models).
    Task* running() const { return running_; }
    void set_running(Task* t) { running_ = t; }
    // The CPU the running task is on. Calling kernel code outside a task is a simulator
    // bug (a device model calling the kernel) and aborts with a message.
    Cpu& this_cpu();

    // Subsystems.
    Log& log() { return *log_; }
    Bugs& bugs() { return *bugs_; }
    Symbols& symbols() { return *symbols_; }
    Memory& memory() { return *memory_; }
    Timers& timers() { return *timers_; }
    Softirqs& softirqs() { return *softirqs_; }
    Scheduler& sched() { return *sched_; }
    Locking& locking() { return *locking_; }
    Irqs& irqs() { return *irqs_; }
    DriverCore& drivers() { return *drivers_; }
    Workqueues& workqueues() { return *workqueues_; }
    Latency& latency() { return *latency_; }
    Vfs& vfs() { return *vfs_; }
    Net& net() { return *net_; }
    BlockLayer& block() { return *block_; }

    // The machine around the CPUs: the IO-APIC, and the bus that port I/O, MMIO and DMA
    // reach (devices/bus provides it; nullptr until a machine attaches one).
    IoApic& ioapic() { return *ioapic_; }
    IoBus* iobus() const { return iobus_; }
    void attach_bus(IoBus* bus) { iobus_ = bus; }

    // Loaded modules (by KBUILD_MODNAME).
    std::vector<std::string> modules;

    // Tasks, by pid order of creation.
    Task& create_task(TaskKind kind, std::string_view comm);
    const std::vector<std::unique_ptr<Task>>& tasks() const { return tasks_; }
    Task* find_task(std::string_view comm) const;

    // Starts the machine: idle tasks, ksoftirqd, the per-CPU tick and the watchdog.
    void boot();
    bool booted() const { return booted_; }
    // Tears down every fiber deterministically (call before destroying the kernel).
    void shutdown();

    // Trace emission: fills time, CPU, task, flags and (unless set) the cause.
    bool tracing() const { return sim.trace().active(); }
    std::uint64_t emit(trace::Ev kind, sim::TraceRecord& r);
    // The cause that records emitted in the current context inherit.
    std::uint64_t& current_cause();

    // Something a busy-waiting CPU may be waiting for changed (a callback finished, a flag
    // cleared): every spinning CPU re-checks its condition.
    void wake_spinners() {
        if (cpus_spinning) poke_spinners();
    }
    int cpus_spinning = 0;  // CPUs in a Wait::Spin now (kept by Cpu::wait)

    // " mod_a mod_b": what "Modules linked in:" lists.
    std::string modules_linked_in() const;

    // Ends the run (a panic, a hung CPU): the controller stops at once.
    void halt_machine(std::string why);
    const std::string& halted_reason() const { return halted_; }

private:
    void poke_spinners();
    std::vector<std::unique_ptr<Cpu>> cpus_;
    std::vector<std::unique_ptr<Task>> tasks_;
    Task* running_ = nullptr;
    int next_pid_ = 1;
    std::uint64_t outside_cause_ = 0;
    bool booted_ = false;
    std::string halted_;
    std::unique_ptr<Log> log_;
    std::unique_ptr<Bugs> bugs_;
    std::unique_ptr<Symbols> symbols_;
    std::unique_ptr<Memory> memory_;
    std::unique_ptr<Timers> timers_;
    std::unique_ptr<Softirqs> softirqs_;
    std::unique_ptr<Scheduler> sched_;
    std::unique_ptr<Locking> locking_;
    std::unique_ptr<Watchdog> watchdog_;
    std::unique_ptr<IoApic> ioapic_;
    std::unique_ptr<Irqs> irqs_;
    std::unique_ptr<DriverCore> drivers_;
    std::unique_ptr<Workqueues> workqueues_;
    std::unique_ptr<Latency> latency_;
    std::unique_ptr<Vfs> vfs_;
    std::unique_ptr<Net> net_;
    std::unique_ptr<BlockLayer> block_;
    IoBus* iobus_ = nullptr;
};

// The hot path, inline: nearly every kernel function starts with these two.

namespace detail {
extern thread_local constinit Kernel* t_kernel;
[[noreturn]] void no_kernel();
[[noreturn]] void no_running_task();
}  // namespace detail

inline Kernel& Kernel::get() {
    if (!detail::t_kernel) [[unlikely]]
        detail::no_kernel();
    return *detail::t_kernel;
}

inline Kernel* Kernel::get_if() { return detail::t_kernel; }

inline Cpu& Kernel::this_cpu() {
    if (!running_) [[unlikely]]
        detail::no_running_task();
    return *cpus_[running_->ts.cpu];
}

}  // namespace irqlab::kernel
