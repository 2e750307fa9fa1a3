// Every figure of a run's summary, gathered once into plain data: the text summary
// (summary.hpp) and the JSON statistics (stats_json.hpp) both print from it, so no figure
// is worked out twice and the two cannot disagree.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/time.hpp"
#include "tools/scenario/expect.hpp"
#include "tools/scenario/scenario.hpp"

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::output {

class IrqLatency;

// What the run itself knows beyond the kernel: the host's view and the scenario's world.
struct RunFacts {
    const IrqLatency* latency = nullptr;  // assertion-to-handler latencies, if measured
    double wall_seconds = 0;
    std::uint64_t events = 0;
    std::string halted;                      // why the machine stopped early, if it did
    const scenario::World* world = nullptr;  // the devices and what the processes read
};

// Count and percentiles of one latency path (times in ns).
struct LatencyStats {
    std::uint64_t count = 0;
    sim::Time min = 0, median = 0, p99 = 0, max = 0;
};

struct RunStats {
    // The run.
    std::string name, file;
    int nr_cpus = 0;
    unsigned hz = 0;
    std::string preempt;  // "none", "voluntary", "full"
    std::uint64_t seed = 0;
    sim::Time until = 0;      // what the scenario asked for
    sim::Time simulated = 0;  // where the clock stopped
    std::uint64_t events = 0;
    std::string halted;
    double wall_seconds = 0;  // the only figure that is not deterministic

    // Per CPU: time by context, context switches and softirq handler runs per vector
    // (/proc/softirqs).
    struct Cpu {
        sim::Time user = 0, system = 0, softirq = 0, irq = 0, idle = 0;
        sim::Time total = 0;
        std::uint64_t switches = 0;
        std::array<std::uint64_t, 10> softirqs{};
    };
    std::vector<Cpu> cpus;

    // Tasks that ran (the idle tasks and tasks that never ran left out).
    struct Task {
        std::string comm;
        int pid = 0;
        sim::Time utime = 0, stime = 0;
        std::uint64_t nvcsw = 0, nivcsw = 0;
        bool exited = false;
    };
    std::vector<Task> tasks;

    // Lines with a handler, as /proc/interrupts lists them.
    struct Irq {
        unsigned irq = 0;
        std::vector<std::string> handlers;
        std::vector<std::uint64_t> per_cpu;
        std::uint64_t total = 0;
        bool disabled = false;
        std::optional<LatencyStats> latency;  // line -> handler, when it was measured
    };
    std::vector<Irq> irqs;

    // Bottom halves (wait to start) and blocked reads (irq raised -> return).
    struct Path {
        std::string kind, name;
        LatencyStats latency;
    };
    std::vector<Path> bottom_halves, blocked_reads;

    struct Device {
        std::string instance;
        std::vector<std::pair<std::string, std::int64_t>> counters;
        std::vector<std::string> report;
    };
    std::vector<Device> devices;  // those with counters or a report

    // Per (task, file), in that order.
    struct Polls {
        std::string task, path;
        std::uint64_t count = 0, timed_out = 0;
    };
    std::vector<Polls> polls;
    struct Reads {
        std::string task, path;
        std::uint64_t count = 0, bytes = 0;
        std::string head;  // the first kReadHead bytes read
    };
    static constexpr std::size_t kReadHead = 60;
    std::vector<Reads> reads;

    std::uint64_t log_lines = 0;
    struct Bug {
        std::string kind;
        std::uint64_t count = 0;
        struct First {
            sim::Time time = 0;
            int cpu = -1;
            std::string line;
        };
        std::optional<First> first;  // absent once the kernel stopped keeping records
    };
    std::uint64_t bugs_total = 0;
    std::vector<Bug> bugs;

    scenario::Verdict verdict;
};

// Flushes the CPUs' time accounting, then reads every figure.
RunStats gather_run_stats(const scenario::Scenario& sc, kernel::Kernel& k,
                          const scenario::Verdict& v, const RunFacts& facts);

}  // namespace irqlab::output
