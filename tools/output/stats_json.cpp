#include "tools/output/stats_json.hpp"

#include <linux/interrupt.h>

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>

namespace irqlab::output {

namespace {

// Keys keep the order they are written in, so the file reads like the summary.
using Json = nlohmann::ordered_json;

// softirq_to_name in snake_case ("NET_RX" -> "net_rx").
std::string vector_key(unsigned nr) {
    std::string key = softirq_to_name[nr];
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

Json latency(const LatencyStats& l) {
    return {{"count", l.count},
            {"min_ns", l.min},
            {"median_ns", l.median},
            {"p99_ns", l.p99},
            {"max_ns", l.max}};
}

Json cpus(const RunStats& s) {
    Json out = Json::array();
    for (std::size_t i = 0; i < s.cpus.size(); ++i) {
        const RunStats::Cpu& c = s.cpus[i];
        out.push_back({{"cpu", i},
                       {"user_ns", c.user},
                       {"system_ns", c.system},
                       {"softirq_ns", c.softirq},
                       {"irq_ns", c.irq},
                       {"idle_ns", c.idle},
                       {"total_ns", c.total},
                       {"switches", c.switches}});
    }
    return out;
}

// As /proc/softirqs: a row per vector, in Linux's order, a column per CPU.
Json softirqs(const RunStats& s) {
    Json out = Json::object();
    for (unsigned nr = 0; nr < NR_SOFTIRQS; ++nr) {
        Json row = Json::array();
        for (const RunStats::Cpu& c : s.cpus) row.push_back(c.softirqs[nr]);
        out[vector_key(nr)] = row;
    }
    return out;
}

Json tasks(const RunStats& s) {
    Json out = Json::array();
    for (const RunStats::Task& t : s.tasks)
        out.push_back({{"comm", t.comm},
                       {"pid", t.pid},
                       {"user_ns", t.utime},
                       {"system_ns", t.stime},
                       {"voluntary_switches", t.nvcsw},
                       {"involuntary_switches", t.nivcsw},
                       {"exited", t.exited}});
    return out;
}

Json interrupts(const RunStats& s) {
    Json out = Json::array();
    for (const RunStats::Irq& irq : s.irqs)
        out.push_back({{"irq", irq.irq},
                       {"handlers", irq.handlers},
                       {"per_cpu", irq.per_cpu},
                       {"total", irq.total},
                       {"disabled", irq.disabled},
                       {"latency", irq.latency ? latency(*irq.latency) : Json(nullptr)}});
    return out;
}

Json paths(const std::vector<RunStats::Path>& ps) {
    Json out = Json::array();
    for (const RunStats::Path& p : ps) {
        Json j = {{"kind", p.kind}, {"name", p.name}};
        j.update(latency(p.latency));
        out.push_back(j);
    }
    return out;
}

Json devices(const RunStats& s) {
    Json out = Json::array();
    for (const RunStats::Device& d : s.devices) {
        Json counters = Json::object();
        for (const auto& [name, n] : d.counters) counters[name] = n;
        out.push_back({{"instance", d.instance}, {"counters", counters}, {"report", d.report}});
    }
    return out;
}

Json io(const RunStats& s) {
    Json polls = Json::array(), reads = Json::array();
    for (const RunStats::Polls& p : s.polls)
        polls.push_back({{"task", p.task},
                         {"path", p.path},
                         {"count", p.count},
                         {"ready", p.count - p.timed_out},
                         {"timed_out", p.timed_out}});
    for (const RunStats::Reads& r : s.reads)
        reads.push_back({{"task", r.task},
                         {"path", r.path},
                         {"count", r.count},
                         {"bytes", r.bytes},
                         {"head", r.head}});
    return {{"polls", polls}, {"reads", reads}};
}

Json bugs(const RunStats& s) {
    Json kinds = Json::array();
    for (const RunStats::Bug& b : s.bugs) {
        Json first = nullptr;
        if (b.first)
            first = {{"time_ns", b.first->time}, {"cpu", b.first->cpu}, {"line", b.first->line}};
        kinds.push_back({{"kind", b.kind}, {"count", b.count}, {"first", first}});
    }
    return {{"total", s.bugs_total}, {"kinds", kinds}};
}

}  // namespace

void write_stats_json(std::ostream& out, const RunStats& s) {
    Json j;
    j["irqlab_version"] = IRQLAB_VERSION;
    j["scenario"] = {{"name", s.name}, {"file", s.file}, {"seed", s.seed}, {"until_ns", s.until}};
    j["machine"] = {{"cpus", s.nr_cpus}, {"hz", s.hz}, {"preempt", s.preempt}};
    j["simulated_ns"] = s.simulated;
    j["halted"] = s.halted.empty() ? Json(nullptr) : Json(s.halted);
    j["events"] = s.events;
    j["cpus"] = cpus(s);
    j["softirqs"] = softirqs(s);
    j["tasks"] = tasks(s);
    j["interrupts"] = interrupts(s);
    j["bottom_halves"] = paths(s.bottom_halves);
    j["blocked_reads"] = paths(s.blocked_reads);
    j["devices"] = devices(s);
    j.update(io(s));
    j["kernel_log_lines"] = s.log_lines;
    j["bugs"] = bugs(s);
    j["verdict"] = {{"ok", s.verdict.ok()}, {"met", s.verdict.met}, {"failed", s.verdict.failed}};
    // The only figures that change from run to run: a test drops this one object.
    j["host"] = {{"wall_ns", std::llround(s.wall_seconds * 1e9)}};
    // What a process read may be any bytes: invalid UTF-8 becomes U+FFFD.
    out << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace irqlab::output
