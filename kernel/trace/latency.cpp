#include "kernel/trace/latency.hpp"

#include <linux/interrupt.h>

#include <algorithm>

#include "kernel/kallsyms.hpp"

namespace irqlab::kernel {

std::vector<Latency::Path> Latency::paths(Symbols& syms) const {
    std::vector<Path> out;
    for (unsigned nr = 0; nr < softirq_.size(); ++nr)
        if (softirq_[nr].count()) out.push_back({"softirq", softirq_to_name[nr], &softirq_[nr]});
    // Host addresses order the maps; names order the report, so it is the same every run.
    auto by_name = [&](const char* kind, const std::map<const void*, sim::Histogram>& m) {
        std::vector<Path> v;
        for (const auto& [fn, h] : m) v.push_back({kind, syms.name_of(fn), &h});
        std::sort(v.begin(), v.end(), [](const Path& a, const Path& b) { return a.name < b.name; });
        out.insert(out.end(), v.begin(), v.end());
    };
    by_name("tasklet", tasklets_);
    by_name("work", works_);
    by_name("thread", threads_);
    for (const auto& [file, h] : reads_) out.push_back({"read", file, &h});
    return out;
}

}  // namespace irqlab::kernel
