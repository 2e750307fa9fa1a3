// A scenario: the machine, what runs on it, for how long, and what the run must show.
// scenarios/README.md documents the format; parse() reads it with located errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/config.hpp"
#include "sim/time.hpp"
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
        Repeat,    // `body` `count` times (-1: forever)
        Exit,
    };
    Kind kind;
    sim::Time time = 0;
    sim::Time time2 = 0;
    std::string target;  // a sync object, or the text to print
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

struct Expect {
    bool bugs_given = false;
    std::vector<std::string> bugs;  // bug kinds that must occur (and no others)
};

struct Scenario {
    std::string file;
    std::string name;
    std::string description;
    kernel::Config machine;
    std::vector<SyncObject> sync;
    std::vector<TaskSpec> tasks;
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
