#include "tools/output/run_stats.hpp"

#include <map>

#include "devices/device.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/trace/latency.hpp"
#include "tools/output/irq_latency.hpp"
#include "tools/scenario/world.hpp"

namespace irqlab::output {

namespace {

static_assert(static_cast<int>(kernel::CpuTime::count_) == 5, "RunStats::Cpu names every context");

const char* preempt_name(kernel::PreemptModel m) {
    return m == kernel::PreemptModel::None        ? "none"
           : m == kernel::PreemptModel::Voluntary ? "voluntary"
                                                  : "full";
}

LatencyStats of(const sim::Histogram& h) {
    return {h.count(), h.min(), h.percentile(0.5), h.percentile(0.99), h.max()};
}

void gather_cpus(RunStats& s, kernel::Kernel& k) {
    for (int i = 0; i < k.nr_cpus(); ++i) {
        kernel::Cpu& c = k.cpu(i);
        c.flush_accounting();
        RunStats::Cpu cs;
        auto at = [&c](kernel::CpuTime t) { return c.time[static_cast<int>(t)]; };
        cs.user = at(kernel::CpuTime::User);
        cs.system = at(kernel::CpuTime::System);
        cs.softirq = at(kernel::CpuTime::Softirq);
        cs.irq = at(kernel::CpuTime::Irq);
        cs.idle = at(kernel::CpuTime::Idle);
        for (sim::Time t : c.time) cs.total += t;
        cs.switches = c.nr_switches;
        for (std::size_t v = 0; v < cs.softirqs.size(); ++v) cs.softirqs[v] = c.softirq_count[v];
        s.cpus.push_back(cs);
    }
}

void gather_tasks(RunStats& s, kernel::Kernel& k) {
    for (const auto& t : k.tasks()) {
        if (t->is_idle() || (t->ts.utime + t->ts.stime == 0 && t->ts.nvcsw + t->ts.nivcsw == 0))
            continue;
        s.tasks.push_back({t->comm(), t->pid(), static_cast<sim::Time>(t->ts.utime),
                           static_cast<sim::Time>(t->ts.stime), t->ts.nvcsw, t->ts.nivcsw,
                           t->exited});
    }
}

void gather_irqs(RunStats& s, kernel::Kernel& k, const RunFacts& facts) {
    std::map<int, IrqLatency::Stats> lat;
    if (facts.latency) lat = facts.latency->stats();
    for (const auto& [irq, desc] : k.irqs().all()) {
        if (!desc->action) continue;
        RunStats::Irq is;
        is.irq = irq;
        for (const kernel::IrqAction* a = desc->action; a; a = a->next)
            is.handlers.emplace_back(a->name);
        // One column per CPU, as /proc/interrupts prints them.
        for (int c = 0; c < k.nr_cpus(); ++c)
            is.per_cpu.push_back(desc->kstat[static_cast<std::size_t>(c)]);
        for (std::uint64_t n : desc->kstat) is.total += n;
        is.disabled = desc->disabled();
        if (auto it = lat.find(static_cast<int>(irq)); it != lat.end())
            is.latency = LatencyStats{it->second.count, it->second.min, it->second.median,
                                      it->second.p99, it->second.max};
        s.irqs.push_back(std::move(is));
    }
}

void gather_world(RunStats& s, const scenario::World& w) {
    for (const auto& d : w.devices()) {
        RunStats::Device ds{d->instance(), d->counters(), d->report()};
        if (!ds.counters.empty() || !ds.report.empty()) s.devices.push_back(std::move(ds));
    }
    std::map<std::pair<std::string, std::string>, RunStats::Polls> polls;
    for (const auto& p : w.polls()) {
        RunStats::Polls& ps = polls[{p.task, p.path}];
        ps.task = p.task, ps.path = p.path;
        ps.count = p.count;
        ps.timed_out = p.timed_out;
    }
    for (auto& [key, ps] : polls) s.polls.push_back(std::move(ps));
    std::map<std::pair<std::string, std::string>, RunStats::Reads> reads;
    for (const auto& r : w.reads()) {
        RunStats::Reads& rs = reads[{r.task, r.path}];
        rs.task = r.task, rs.path = r.path;
        rs.count = r.count;
        rs.bytes = r.bytes;
        rs.head = r.data.substr(0, RunStats::kReadHead);
    }
    for (auto& [key, rs] : reads) s.reads.push_back(std::move(rs));
}

void gather_bugs(RunStats& s, kernel::Kernel& k) {
    const kernel::Bugs& bugs = k.bugs();
    s.bugs_total = bugs.total();
    for (const auto& [kind, n] : bugs.counts()) {
        RunStats::Bug b{kind, n, std::nullopt};
        for (const kernel::BugRecord& r : bugs.records())
            if (r.kind == kind) {
                b.first = RunStats::Bug::First{r.time, r.cpu, r.line};
                break;
            }
        s.bugs.push_back(std::move(b));
    }
}

}  // namespace

RunStats gather_run_stats(const scenario::Scenario& sc, kernel::Kernel& k,
                          const scenario::Verdict& v, const RunFacts& facts) {
    RunStats s;
    s.name = sc.name;
    s.file = sc.file;
    s.nr_cpus = k.nr_cpus();
    s.hz = k.config.hz;
    s.preempt = preempt_name(k.config.preempt);
    s.seed = sc.seed;
    s.until = sc.until;
    s.simulated = k.now();
    s.events = facts.events;
    s.halted = facts.halted;
    s.wall_seconds = facts.wall_seconds;

    gather_cpus(s, k);
    gather_tasks(s, k);
    gather_irqs(s, k, facts);
    for (const auto& p : k.latency().paths(k.symbols()))
        (p.kind == "read" ? s.blocked_reads : s.bottom_halves)
            .push_back({p.kind, p.name, of(*p.hist)});
    if (facts.world) gather_world(s, *facts.world);
    s.log_lines = k.log().total();
    gather_bugs(s, k);
    s.verdict = v;
    return s;
}

}  // namespace irqlab::output
