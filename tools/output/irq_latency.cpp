#include "tools/output/irq_latency.hpp"

#include <algorithm>

#include "kernel/trace/events.hpp"

namespace irqlab::output {

namespace {
using Ev = kernel::trace::Ev;
// Deliveries finish within a few records; older links are dropped to bound memory.
constexpr std::uint64_t kWindow = 4096;
}  // namespace

void IrqLatency::on_record(const sim::TraceRecord& r) {
    switch (static_cast<Ev>(r.kind)) {
        case Ev::irqlab_line:
            if (r.arg[0] != 0) origins_[r.seq] = r.time;  // an assertion or an edge
            break;
        case Ev::irqlab_ioapic_send:
        case Ev::irqlab_lapic_irr:
        case Ev::irqlab_lapic_accept:
        case Ev::irqlab_lapic_eoi: links_[r.seq] = r.cause; break;
        case Ev::irq_handler_entry: {
            std::uint64_t c = r.cause;
            for (int hops = 0; hops < 8 && c; ++hops) {
                if (auto o = origins_.find(c); o != origins_.end()) {
                    samples_[static_cast<int>(r.arg[0])].push_back(r.time - o->second);
                    origins_.erase(o);
                    break;
                }
                auto it = links_.find(c);
                if (it == links_.end()) break;
                c = it->second;
            }
            break;
        }
        default: break;
    }
    if (links_.size() + origins_.size() > 2 * kWindow) prune(r.seq);
}

void IrqLatency::prune(std::uint64_t now_seq) {
    std::erase_if(links_, [&](const auto& e) { return e.first + kWindow < now_seq; });
    std::erase_if(origins_, [&](const auto& e) { return e.first + kWindow < now_seq; });
}

std::map<int, IrqLatency::Stats> IrqLatency::stats() const {
    std::map<int, Stats> out;
    for (auto [irq, v] : samples_) {
        std::sort(v.begin(), v.end());
        Stats s;
        s.count = v.size();
        s.min = v.front();
        s.median = v[(v.size() - 1) / 2];
        s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
        s.max = v.back();
        out[irq] = s;
    }
    return out;
}

}  // namespace irqlab::output
