// Bottom-half latencies, measured as the kernel runs (no trace needed): from raising a
// softirq to its handler's entry, per vector; from scheduling a tasklet to its entry and
// from queueing a work item to its start, and from waking an IRQ thread to its thread_fn,
// per function.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "sim/histogram.hpp"

namespace irqlab::kernel {

class Symbols;

class Latency {
public:
    void softirq(unsigned nr, sim::Time d) { softirq_[nr].add(d); }
    void tasklet(const void* fn, sim::Time d) { tasklets_[fn].add(d); }
    void work(const void* fn, sim::Time d) { works_[fn].add(d); }
    void thread(const void* fn, sim::Time d) { threads_[fn].add(d); }
    // A read(2) that blocked: from the raise of the interrupt whose chain woke the reader
    // (line or MSI) to the read's return, per device file.
    void read(const std::string& file, sim::Time d) { reads_[file].add(d); }

    struct Path {
        std::string kind;  // "softirq", "tasklet", "work", "thread", "read"
        std::string name;  // the vector's name or the function's
        const sim::Histogram* hist;
    };
    // Every measured path: softirqs in vector order, then tasklets and work items by name.
    std::vector<Path> paths(Symbols& syms) const;

private:
    std::array<sim::Histogram, 10> softirq_;
    std::map<const void*, sim::Histogram> tasklets_, works_, threads_;
    std::map<std::string, sim::Histogram> reads_;
};

}  // namespace irqlab::kernel
