// A scenario: the machine, what runs on it, for how long, and what the run must show.
// scenarios/README.md documents the format; parse() reads it with located errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "devices/bus/line_fault.hpp"
#include "devices/device.hpp"
#include "kernel/config.hpp"
#include "sim/time.hpp"
#include "tools/scenario/bound.hpp"
#include "tools/scenario/order.hpp"
#include "tools/scenario/reader.hpp"

namespace irqlab::scenario {

// One step of a task's program.
struct Op {
    enum class Kind {
        Compute,   // busy: user mode in a process, kernel mode in a kthread
        Delay,     // udelay(): busy in the kernel
        Sleep,     // msleep() in a kthread, nanosleep() in a process
        Usleep,    // usleep_range(min, max)
        Lock,      // spin_lock / mutex_lock, by the object's type
        LockIrq,   // spin_lock_irq
        LockIrqsave,
        LockBh,
        Unlock,
        UnlockIrq,
        UnlockIrqrestore,
        UnlockBh,
        Wait,      // wait_for_completion()
        Complete,  // complete()
        CompleteAll,
        Yield,
        Print,     // printk(KERN_INFO ...)
        Write,     // a process writes `text` to the file `target` (/proc, or a /dev node)
        Open,      // open(2) of the /dev node `target` (flags in `count`)
        Read,      // read(2) of up to `count` bytes from the open file `target`
        Close,     // close(2)
        Ioctl,     // ioctl(2): cmd in `count`, arg in `time2`
        Poll,      // poll(2) of `target` for the events in `count`, timeout `time` (kNever: none)
        Copy,      // read(2) of up to `count` bytes from `target`, then write(2) of them to `text`
        DisableIrq,        // disable_irq(count)
        DisableIrqNosync,  // disable_irq_nosync(count)
        EnableIrq,         // enable_irq(count)
        SynchronizeIrq,    // synchronize_irq(count)
        TaskletDisable,        // tasklet_disable() of the tasklet `target`'s driver set up
        TaskletDisableNosync,  // tasklet_disable_nosync()
        TaskletEnable,         // tasklet_enable()
        TaskletKill,           // tasklet_kill()
        Repeat,    // `body` `count` times (-1: forever)
        Exit,
    };
    Kind kind;
    sim::Time time = 0;
    sim::Time time2 = 0;
    std::string target;  // a sync object, the text to print, the file to write, a device
    bool on_device = false;  // `target` is a device: the object is what its driver's probe set up
    std::string text;    // what to write
    int count = 0;
    std::vector<Op> body;
};

struct SyncObject {
    enum class Type { Spinlock, Mutex, Completion };
    std::string name;
    Type type;
};

struct TaskSpec {
    std::string name;
    bool kthread = false;
    int cpu = -1;  // pinned to this CPU; -1: any
    int policy = 0;
    int priority = 0;  // rt priority for fifo/rr
    int nice = 0;
    sim::Time start = 0;
    std::vector<Op> program;
};

// A device the machine has: its type (devices/) and parameters, checked against the type.
struct DeviceSpec {
    std::string type;
    dev::Params params;
};

// A driver module to load (insmod) and perhaps unload (rmmod), at scenario times.
struct ModuleSpec {
    std::string name;
    sim::Time load = 0;
    sim::Time unload = sim::kNever;
};

// What an IRQ's counts must be at the end (/proc/interrupts).
struct IrqExpect {
    unsigned irq = 0;
    std::int64_t min = -1, max = -1;  // of the total over CPUs (-1: no bound)
    std::vector<std::int64_t> cpus;   // exact per-CPU counts, if given
    std::string text;                 // a bound as written ("< 100"), for the verdict
};

// A bound on one statistic of a bottom-half latency ("work irqgen_work": p99 < 1ms).
struct LatencyExpect {
    std::string path;  // "<kind> <name>", as the summary lists it
    std::string stat;  // min, median, p99, max or count
    Bound bound;       // ns, or a count
};

// A bound on a device model's counter ("uart16550.0 overruns: '>= 1'").
struct CountExpect {
    std::string what;  // "uart16550.0 overruns"
    std::string device, counter;
    Bound bound;
};

// A bound on a CPU's time in one context ("cpu0 softirq: '> 50%'"); cpu -1: all CPUs.
struct CpuTimeExpect {
    int cpu = -1;
    std::string context;  // user, system, softirq, irq, idle
    Bound bound;
};

struct Expect {
    bool bugs_given = false;
    std::map<std::string, std::string> reads;  // process -> text its reads must contain
    // process -> the error ("-EIO") one of its reads must fail with; such a read is not a
    // failed step
    std::map<std::string, std::string> read_errors;
    std::vector<CountExpect> devices;
    std::vector<std::string> bugs;   // bug kinds that must occur (and no others)
    std::vector<std::string> dmesg;  // texts the kernel log must contain
    std::vector<IrqExpect> irqs;
    std::vector<LatencyExpect> latency;
    std::vector<OrderExpect> order;
    std::vector<CpuTimeExpect> cpu_time;
};

// Where the run writes its outputs (the scenario's `outputs:`; the CLI's options win).
struct Outputs {
    std::string dmesg, trace_text, trace_json, proc_dir, stats_json;
};

struct Scenario {
    std::string file;
    std::string name;
    std::string description;
    kernel::Config machine;
    std::vector<SyncObject> sync;
    std::vector<TaskSpec> tasks;
    std::vector<DeviceSpec> devices;
    std::vector<ModuleSpec> modules;  // default: the drivers of the devices, at boot
    std::vector<dev::LineFaultSpec> line_faults;
    Outputs outputs;
    sim::Time until = 0;
    std::uint64_t seed = 1;
    Expect expect;

    const SyncObject* find_sync(const std::string& name) const;
};

// Reads and checks a scenario file. `overrides` are "path.to.key=value" (--set) applied
// before checking. Throws ScenarioError ("FILE:LINE:COL: message").
Scenario load_file(const std::string& path, const std::vector<std::string>& overrides = {});
Scenario parse(const YAML::Node& root, const std::string& file);

}  // namespace irqlab::scenario
