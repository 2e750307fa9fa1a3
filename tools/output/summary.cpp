#include "tools/output/summary.hpp"

#include <cinttypes>
#include <cstdio>
#include <ostream>

namespace irqlab::output {

namespace {

std::string pct(sim::Time part, sim::Time whole) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%5.1f%%",
                  whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return buf;
}

void print_header(std::ostream& out, const RunStats& s) {
    char line[256];
    out << "irqlab: " << s.name << " (" << s.file << ")\n";
    std::snprintf(line, sizeof line,
                  "  %d CPU%s, HZ=%u, preemption %s, seed %" PRIu64
                  "; simulated %s in %.3f s (%" PRIu64 " events)\n",
                  s.nr_cpus, s.nr_cpus > 1 ? "s" : "", s.hz, s.preempt.c_str(), s.seed,
                  sim::format_time(s.simulated).c_str(), s.wall_seconds, s.events);
    out << line;
    if (!s.halted.empty())
        out << "  the machine stopped at " << sim::format_time(s.simulated) << ": " << s.halted
            << "\n";
}

void print_cpus_and_tasks(std::ostream& out, const RunStats& s) {
    char line[256];
    out << "\nCPU time      user   system  softirq      irq     idle   switches\n";
    for (std::size_t i = 0; i < s.cpus.size(); ++i) {
        const RunStats::Cpu& c = s.cpus[i];
        std::snprintf(line, sizeof line, "  cpu%-4zu %s  %s  %s  %s  %s %10" PRIu64 "\n", i,
                      pct(c.user, c.total).c_str(), pct(c.system, c.total).c_str(),
                      pct(c.softirq, c.total).c_str(), pct(c.irq, c.total).c_str(),
                      pct(c.idle, c.total).c_str(), c.switches);
        out << line;
    }

    out << "\nTasks              pid     user   system  switches (voluntary/involuntary)\n";
    for (const RunStats::Task& t : s.tasks) {
        std::snprintf(line, sizeof line, "  %-16s %5d %8s %8s  %" PRIu64 "/%" PRIu64 "%s\n",
                      t.comm.c_str(), t.pid, sim::format_time(t.utime).c_str(),
                      sim::format_time(t.stime).c_str(), t.nvcsw, t.nivcsw,
                      t.exited ? "  (exited)" : "");
        out << line;
    }
}

// Device interrupts: count, the handlers, and the latency from line to handler entry.
void print_interrupts(std::ostream& out, const RunStats& s) {
    if (s.irqs.empty()) return;
    out << "\nInterrupts   count  handlers                 line->handler latency:   n   median     "
           "p99     max\n";
    char line[256];
    for (const RunStats::Irq& irq : s.irqs) {
        std::string names;
        for (const std::string& h : irq.handlers) names += (names.empty() ? "" : ", ") + h;
        std::string n = "0", l50 = "-", l99 = "-", lmax = "-";
        if (irq.latency) {
            n = std::to_string(irq.latency->count);
            l50 = sim::format_time(irq.latency->median);
            l99 = sim::format_time(irq.latency->p99);
            lmax = sim::format_time(irq.latency->max);
        }
        std::snprintf(line, sizeof line, "  IRQ %-3u %9" PRIu64 "  %-24s %26s %8s %7s %7s%s\n",
                      irq.irq, irq.total, names.c_str(), n.c_str(), l50.c_str(), l99.c_str(),
                      lmax.c_str(), irq.disabled ? "  (disabled)" : "");
        out << line;
    }
}

// Bottom halves: how long each waited to start (softirq: raise -> entry; tasklet:
// schedule -> entry; work item: queue -> start; IRQ thread: wakeup -> thread_fn).
// Reads: from the raise of the interrupt whose chain woke a blocked reader to the read's
// return (key press -> IRQ -> hardirq -> tasklet -> wake_up -> scheduled -> read returns).
void print_latency_table(std::ostream& out, const std::vector<RunStats::Path>& paths, bool reads) {
    if (paths.empty()) return;
    out << (reads
                ? "\nBlocked reads (irq raised -> return)   n     median        p99        max\n"
                : "\nBottom halves (wait to start)          n     median        p99        max\n");
    char line[256];
    for (const RunStats::Path& p : paths) {
        std::snprintf(
            line, sizeof line, "  %-8s %-24s %9" PRIu64 " %10s %10s %10s\n", p.kind.c_str(),
            p.name.c_str(), p.latency.count, sim::format_time(p.latency.median).c_str(),
            sim::format_time(p.latency.p99).c_str(), sim::format_time(p.latency.max).c_str());
        out << line;
    }
}

// What a process read, shown as a C string literal would show it.
std::string escaped(const std::string& data) {
    std::string shown;
    for (char c : data) {
        char esc[8];
        if (c == '\n')
            shown += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            std::snprintf(esc, sizeof esc, "\\x%02x", static_cast<unsigned char>(c)), shown += esc;
        else
            shown += c;
    }
    return shown;
}

// Each device model's counters and report lines, and what each process polled and read.
void print_devices(std::ostream& out, const RunStats& s) {
    if (!s.devices.empty()) out << "\nDevices\n";
    for (const RunStats::Device& d : s.devices) {
        out << "  " << d.instance << ":";
        for (const auto& [name, n] : d.counters) out << " " << name << "=" << n;
        out << "\n";
        for (const std::string& l : d.report) out << "    " << l << "\n";
    }
    if (!s.polls.empty()) out << "\nPolls\n";
    for (const RunStats::Polls& p : s.polls)
        out << "  " << p.task << " " << p.path << ": " << p.count << " poll"
            << (p.count == 1 ? "" : "s") << ", " << p.count - p.timed_out << " ready, "
            << p.timed_out << " timed out\n";
    if (!s.reads.empty()) out << "\nReads\n";
    for (const RunStats::Reads& r : s.reads)
        out << "  " << r.task << " " << r.path << ": " << r.count << " read"
            << (r.count == 1 ? "" : "s") << ", " << r.bytes << " bytes \"" << escaped(r.head)
            << (r.bytes > RunStats::kReadHead ? "..." : "") << "\"\n";
}

void print_verdict(std::ostream& out, const RunStats& s) {
    out << "\nKernel log: " << s.log_lines << " line" << (s.log_lines == 1 ? "" : "s") << "\n";
    if (s.bugs_total == 0) {
        out << "Bugs: none\n";
    } else {
        out << "Bugs:\n";
        char line[256];
        for (const RunStats::Bug& b : s.bugs) {
            std::string first;
            if (b.first)
                first = sim::format_time(b.first->time) + " cpu" + std::to_string(b.first->cpu) +
                        ": " + b.first->line;
            std::snprintf(line, sizeof line, "  %" PRIu64 " x %s\n", b.count, b.kind.c_str());
            out << line << "      first: " << first << "\n";
        }
    }
    const scenario::Verdict& v = s.verdict;
    out << "Expectations:";
    if (v.met.empty() && v.failed.empty()) out << " none";
    out << "\n";
    for (const std::string& m : v.met) out << "  met:    " << m << "\n";
    for (const std::string& f : v.failed) out << "  FAILED: " << f << "\n";
    out << (v.ok() ? "Result: ok\n" : "Result: FAILED\n");
}

}  // namespace

void print_summary(std::ostream& out, const RunStats& s) {
    print_header(out, s);
    print_cpus_and_tasks(out, s);
    print_interrupts(out, s);
    print_latency_table(out, s.bottom_halves, false);
    print_latency_table(out, s.blocked_reads, true);
    print_devices(out, s);
    print_verdict(out, s);
}

}  // namespace irqlab::output
