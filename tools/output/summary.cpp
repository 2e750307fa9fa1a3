#include "tools/output/summary.hpp"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <ostream>

#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/trace/latency.hpp"
#include "devices/device.hpp"
#include "tools/output/irq_latency.hpp"
#include "tools/scenario/world.hpp"

namespace irqlab::output {

namespace {
const char* preempt_name(kernel::PreemptModel m) {
    return m == kernel::PreemptModel::None ? "none" : m == kernel::PreemptModel::Voluntary ? "voluntary" : "full";
}

std::string pct(sim::Time part, sim::Time whole) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return buf;
}
}  // namespace

namespace {
// Device interrupts: count, the handlers, and the latency from line to handler entry.
void print_interrupts(std::ostream& out, kernel::Kernel& k, const RunFacts& facts) {
    std::map<int, IrqLatency::Stats> lat;
    if (facts.latency) lat = facts.latency->stats();
    bool header = false;
    char line[256];
    for (const auto& [irq, desc] : k.irqs().all()) {
        if (!desc->action) continue;
        std::uint64_t total = 0;
        for (std::uint64_t n : desc->kstat) total += n;
        std::string names;
        for (const kernel::IrqAction* a = desc->action; a; a = a->next)
            names += (names.empty() ? "" : ", ") + std::string(a->name);
        if (!header) {
            out << "\nInterrupts   count  handlers                 line->handler latency:   n   median     p99     max\n";
            header = true;
        }
        std::string n = "0", l50 = "-", l99 = "-", lmax = "-";
        if (auto it = lat.find(static_cast<int>(irq)); it != lat.end()) {
            n = std::to_string(it->second.count);
            l50 = sim::format_time(it->second.median);
            l99 = sim::format_time(it->second.p99);
            lmax = sim::format_time(it->second.max);
        }
        std::snprintf(line, sizeof line, "  IRQ %-3u %9" PRIu64 "  %-24s %26s %8s %7s %7s%s\n", irq, total, names.c_str(),
                      n.c_str(), l50.c_str(), l99.c_str(), lmax.c_str(), desc->disabled() ? "  (disabled)" : "");
        out << line;
    }
}

// Bottom halves: how long each waited to start (softirq: raise -> entry; tasklet:
// schedule -> entry; work item: queue -> start; IRQ thread: wakeup -> thread_fn).
// Reads: from the raise of the interrupt whose chain woke a blocked reader to the read's
// return (key press -> IRQ -> hardirq -> tasklet -> wake_up -> scheduled -> read returns).
void print_latency_table(std::ostream& out, kernel::Kernel& k, bool reads) {
    auto paths = k.latency().paths(k.symbols());
    std::erase_if(paths, [&](const auto& p) { return (p.kind == "read") != reads; });
    if (paths.empty()) return;
    out << (reads ? "\nBlocked reads (irq raised -> return)   n     median        p99        max\n"
                  : "\nBottom halves (wait to start)          n     median        p99        max\n");
    char line[256];
    for (const auto& p : paths) {
        std::snprintf(line, sizeof line, "  %-8s %-24s %9" PRIu64 " %10s %10s %10s\n", p.kind.c_str(), p.name.c_str(),
                      p.hist->count(), sim::format_time(p.hist->percentile(0.5)).c_str(),
                      sim::format_time(p.hist->percentile(0.99)).c_str(), sim::format_time(p.hist->max()).c_str());
        out << line;
    }
}
// Each device model's counters and report lines, and what each process read.
void print_devices(std::ostream& out, const scenario::World& w) {
    bool any = false;
    for (const auto& d : w.devices()) {
        auto counters = d->counters();
        auto report = d->report();
        if (counters.empty() && report.empty()) continue;
        if (!any) out << "\nDevices\n";
        any = true;
        out << "  " << d->instance() << ":";
        for (const auto& [name, n] : counters) out << " " << name << "=" << n;
        out << "\n";
        for (const std::string& l : report) out << "    " << l << "\n";
    }
    if (!w.polls().empty()) {
        out << "\nPolls\n";
        std::map<std::pair<std::string, std::string>, std::pair<std::size_t, std::size_t>> polls;  // all, timed out
        for (const auto& p : w.polls()) {
            auto& [n, timeouts] = polls[{p.task, p.path}];
            ++n;
            if (p.ret == 0) ++timeouts;
        }
        for (const auto& [key, v] : polls)
            out << "  " << key.first << " " << key.second << ": " << v.first << " poll" << (v.first == 1 ? "" : "s") << ", "
                << v.first - v.second << " ready, " << v.second << " timed out\n";
    }
    if (w.reads().empty()) return;
    out << "\nReads\n";
    std::map<std::pair<std::string, std::string>, std::pair<std::size_t, std::string>> by_file;
    for (const auto& r : w.reads()) {
        auto& [n, text] = by_file[{r.task, r.path}];
        ++n;
        text += r.data;
    }
    for (const auto& [key, v] : by_file) {
        std::string shown;
        for (char c : v.second.substr(0, 60)) {
            char esc[8];
            if (c == '\n')
                shown += "\\n";
            else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                std::snprintf(esc, sizeof esc, "\\x%02x", static_cast<unsigned char>(c)), shown += esc;
            else
                shown += c;
        }
        out << "  " << key.first << " " << key.second << ": " << v.first << " read" << (v.first == 1 ? "" : "s") << ", "
            << v.second.size() << " bytes \"" << shown << (v.second.size() > 60 ? "..." : "") << "\"\n";
    }
}

}  // namespace

void print_summary(std::ostream& out, const scenario::Scenario& sc, kernel::Kernel& k, const scenario::Verdict& v,
                   const RunFacts& facts) {
    char line[256];
    out << "irqlab: " << sc.name << " (" << sc.file << ")\n";
    std::snprintf(line, sizeof line, "  %d CPU%s, HZ=%u, preemption %s, seed %" PRIu64 "; simulated %s in %.3f s (%" PRIu64 " events)\n",
                  k.nr_cpus(), k.nr_cpus() > 1 ? "s" : "", k.config.hz, preempt_name(k.config.preempt), sc.seed,
                  sim::format_time(k.now()).c_str(), facts.wall_seconds, facts.events);
    out << line;
    if (!facts.halted.empty()) out << "  the machine stopped at " << sim::format_time(k.now()) << ": " << facts.halted << "\n";

    for (int i = 0; i < k.nr_cpus(); ++i) k.cpu(i).flush_accounting();
    out << "\nCPU time      user   system  softirq      irq     idle   switches\n";
    for (int i = 0; i < k.nr_cpus(); ++i) {
        kernel::Cpu& c = k.cpu(i);
        sim::Time total = 0;
        for (sim::Time t : c.time) total += t;
        using CT = kernel::CpuTime;
        std::snprintf(line, sizeof line, "  cpu%-4d %s  %s  %s  %s  %s %10" PRIu64 "\n", i,
                      pct(c.time[int(CT::User)], total).c_str(), pct(c.time[int(CT::System)], total).c_str(),
                      pct(c.time[int(CT::Softirq)], total).c_str(), pct(c.time[int(CT::Irq)], total).c_str(),
                      pct(c.time[int(CT::Idle)], total).c_str(), c.nr_switches);
        out << line;
    }

    out << "\nTasks              pid     user   system  switches (voluntary/involuntary)\n";
    for (const auto& t : k.tasks()) {
        if (t->is_idle() || (t->ts.utime + t->ts.stime == 0 && t->ts.nvcsw + t->ts.nivcsw == 0)) continue;
        std::snprintf(line, sizeof line, "  %-16s %5d %8s %8s  %lu/%lu%s\n", t->comm(), t->pid(),
                      sim::format_time(static_cast<sim::Time>(t->ts.utime)).c_str(),
                      sim::format_time(static_cast<sim::Time>(t->ts.stime)).c_str(), t->ts.nvcsw, t->ts.nivcsw,
                      t->exited ? "  (exited)" : "");
        out << line;
    }

    print_interrupts(out, k, facts);
    print_latency_table(out, k, false);
    print_latency_table(out, k, true);
    if (facts.world) print_devices(out, *facts.world);

    out << "\nKernel log: " << k.log().total() << " line" << (k.log().total() == 1 ? "" : "s") << "\n";
    const kernel::Bugs& bugs = k.bugs();
    if (bugs.total() == 0) {
        out << "Bugs: none\n";
    } else {
        out << "Bugs:\n";
        for (const auto& [kind, n] : bugs.counts()) {
            std::string first;
            for (const kernel::BugRecord& b : bugs.records())
                if (b.kind == kind) {
                    first = sim::format_time(b.time) + " cpu" + std::to_string(b.cpu) + ": " + b.line;
                    break;
                }
            std::snprintf(line, sizeof line, "  %" PRIu64 " x %s\n", n, kind.c_str());
            out << line << "      first: " << first << "\n";
        }
    }
    out << "Expectations:";
    if (v.met.empty() && v.failed.empty()) out << " none";
    out << "\n";
    for (const std::string& m : v.met) out << "  met:    " << m << "\n";
    for (const std::string& f : v.failed) out << "  FAILED: " << f << "\n";
    out << (v.ok() ? "Result: ok\n" : "Result: FAILED\n");
}

}  // namespace irqlab::output
