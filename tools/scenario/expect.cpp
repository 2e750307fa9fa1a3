#include "tools/scenario/expect.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "devices/device.hpp"

#include "kernel/irq/irq.hpp"
#include "kernel/lib/errname.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "tools/scenario/world.hpp"
#include "kernel/panic.hpp"
#include "kernel/trace/latency.hpp"
#include "sim/time.hpp"

namespace irqlab::scenario {

namespace {
std::string first_report(const kernel::Bugs& bugs, const std::string& kind) {
    for (const kernel::BugRecord& b : bugs.records())
        if (b.kind == kind) return " (first at " + sim::format_time(b.time) + " on cpu" + std::to_string(b.cpu) + ": " + b.line + ")";
    return "";
}


// When an end-of-run figure was taken, for a failed expectation.
std::string at_end(kernel::Kernel& k) { return ", at the end of the run (" + sim::format_time(k.now()) + ")"; }

void judge_irqs(const Scenario& sc, kernel::Kernel& k, Verdict& v) {
    for (const IrqExpect& e : sc.expect.irqs) {
        std::string what = "IRQ " + std::to_string(e.irq);
        const kernel::IrqDesc* desc = k.irqs().desc(e.irq);
        if (!desc) {
            v.failed.push_back(what + " does not exist");
            continue;
        }
        std::uint64_t total = 0;
        std::string per_cpu;
        for (std::uint64_t n : desc->kstat) {
            total += n;
            per_cpu += (per_cpu.empty() ? "" : " ") + std::to_string(n);
        }
        auto n = static_cast<std::int64_t>(total);
        bool ok = (e.min < 0 || n >= e.min) && (e.max < 0 || n <= e.max);
        std::string want = !e.text.empty()    ? e.text
                           : e.min == e.max ? std::to_string(e.min)
                           : e.max < 0    ? ">= " + std::to_string(e.min)
                           : e.min < 0    ? "<= " + std::to_string(e.max)
                                          : std::to_string(e.min) + ".." + std::to_string(e.max);
        if (e.min >= 0 || e.max >= 0)
            (ok ? v.met : v.failed).push_back(what + ": " + std::to_string(total) + " interrupts (expected " + want + ")" + (ok ? "" : at_end(k)));
        if (!e.cpus.empty()) {
            bool same = e.cpus.size() == desc->kstat.size();
            std::string expected;
            for (std::size_t i = 0; i < e.cpus.size(); ++i) {
                expected += (expected.empty() ? "" : " ") + std::to_string(e.cpus[i]);
                if (same) same = static_cast<std::int64_t>(desc->kstat[i]) == e.cpus[i];
            }
            (same ? v.met : v.failed).push_back(what + " per CPU: " + per_cpu + (same ? "" : " (expected " + expected + ")"));
        }
    }
}

void judge_dmesg(const Scenario& sc, kernel::Kernel& k, Verdict& v) {
    if (sc.expect.dmesg.empty()) return;
    std::string log = k.log().dmesg();
    for (const std::string& text : sc.expect.dmesg) {
        if (log.find(text) != std::string::npos)
            v.met.push_back("the kernel log says \"" + text + "\"");
        else
            v.failed.push_back("the kernel log never says \"" + text + "\"");
    }
}

void judge_latency(const Scenario& sc, kernel::Kernel& k, Verdict& v) {
    if (sc.expect.latency.empty()) return;
    auto paths = k.latency().paths(k.symbols());
    for (const LatencyExpect& e : sc.expect.latency) {
        std::string what = e.path + " " + e.stat;
        auto it = std::find_if(paths.begin(), paths.end(), [&](const auto& p) { return p.kind + " " + p.name == e.path; });
        bool at_least = e.bound.op == Bound::Op::Gt || e.bound.op == Bound::Op::Ge;
        if (it == paths.end() && !(e.stat == "count" && at_least)) {
            if (e.stat == "count") {
                (e.bound.holds(std::int64_t{0}) ? v.met : v.failed).push_back(what + ": 0 (expected " + e.bound.text + ")");
                continue;
            }
            v.failed.push_back(e.path + " never ran (expected " + e.stat + " " + e.bound.text + ")");
            continue;
        }
        const sim::Histogram* h = it == paths.end() ? nullptr : it->hist;
        std::int64_t got = !h                      ? 0
                           : e.stat == "count"     ? static_cast<std::int64_t>(h->count())
                           : e.stat == "min"       ? h->min()
                           : e.stat == "median"    ? h->percentile(0.5)
                           : e.stat == "p99"       ? h->percentile(0.99)
                                                   : h->max();
        std::string shown = e.stat == "count" ? std::to_string(got) : sim::format_time(got);
        (e.bound.holds(got) ? v.met : v.failed).push_back(what + ": " + shown + " (expected " + e.bound.text + ")");
    }
}

// What each process's reads returned, concatenated, must contain the expected text.
void judge_reads(const Scenario& sc, const World& w, Verdict& v) {
    for (const auto& [task, want] : sc.expect.reads) {
        std::string got;
        for (const World::Reads& r : w.reads())
            if (r.task == task) got += r.data;
        std::string shown = want;
        for (char& c : shown)
            if (c == '\n') c = ' ';
        if (got.find(want) != std::string::npos)
            v.met.push_back(task + " read \"" + shown + "\"");
        else
            v.failed.push_back(task + " never read \"" + shown + "\" (it read " + std::to_string(got.size()) + " bytes)");
    }
}

// Each process with an expected read error had a read fail with it.
void judge_read_errors(const Scenario& sc, const World& w, Verdict& v) {
    for (const auto& [task, want] : sc.expect.read_errors) {
        int n = 0;
        for (const World::Reads& r : w.reads())
            for (const auto& [ret, times] : r.errors)
                if (r.task == task && kernel::errname_signed(static_cast<int>(ret)) == want) n += static_cast<int>(times);
        if (n)
            v.met.push_back(task + "'s read failed with " + want + " (" + std::to_string(n) + "x)");
        else
            v.failed.push_back(task + "'s reads never failed with " + want);
    }
}

void judge_devices(const Scenario& sc, const World& w, Verdict& v) {
    for (const CountExpect& e : sc.expect.devices) {
        const dev::Device* d = nullptr;
        for (const auto& dp : w.devices())
            if (dp->instance() == e.device) d = dp.get();
        std::optional<std::int64_t> got;
        if (d)
            for (const auto& [name, n] : d->counters())
                if (name == e.counter) got = n;
        if (!got) {
            v.failed.push_back(e.what + ": the device has no such counter");
            continue;
        }
        (e.bound.holds(*got) ? v.met : v.failed).push_back(e.what + ": " + std::to_string(*got) + " (expected " + e.bound.text + ")");
    }
}

// Each `then` had a `first` before it (see order.hpp).
void judge_order(const Scenario& sc, const World& w, Verdict& v) {
    const OrderCheck* oc = w.order_check();
    if (!oc) return;
    for (std::size_t i = 0; i < sc.expect.order.size(); ++i) {
        const OrderExpect& o = sc.expect.order[i];
        const OrderCheck::Result& res = oc->results()[i];
        std::string what = o.then.text + " after " + o.first.text + (o.same_cpu ? " on the same CPU" : "");
        if (res.thens == 0)
            v.failed.push_back(what + ": " + o.then.text + " never happened (" + o.first.text + ": " +
                               std::to_string(res.firsts) + "x)");
        else if (res.violations)
            v.failed.push_back(what + ": " + std::to_string(res.violations) + " of " + std::to_string(res.thens) +
                               " had no " + o.first.text + " before them since the one before (first at " +
                               sim::format_time(res.first_violation) + " on cpu" + std::to_string(res.violation_cpu) + ")");
        else
            v.met.push_back(what + " (" + std::to_string(res.thens) + "x)");
    }
}

// A CPU's (or all CPUs') time in one context, as the summary's "CPU time" table shows it.
void judge_cpu_time(const Scenario& sc, kernel::Kernel& k, Verdict& v) {
    if (sc.expect.cpu_time.empty()) return;
    static const std::vector<std::pair<std::string, kernel::CpuTime>> kContexts = {
        {"user", kernel::CpuTime::User}, {"system", kernel::CpuTime::System}, {"softirq", kernel::CpuTime::Softirq},
        {"irq", kernel::CpuTime::Irq},   {"idle", kernel::CpuTime::Idle}};
    for (int i = 0; i < k.nr_cpus(); ++i) k.cpu(i).flush_accounting();
    for (const CpuTimeExpect& e : sc.expect.cpu_time) {
        sim::Time part = 0, total = 0;
        for (int i = 0; i < k.nr_cpus(); ++i) {
            if (e.cpu >= 0 && i != e.cpu) continue;
            for (sim::Time t : k.cpu(i).time) total += t;
            for (const auto& [name, ct] : kContexts)
                if (name == e.context) part += k.cpu(i).time[static_cast<int>(ct)];
        }
        double pct = total ? 100.0 * static_cast<double>(part) / static_cast<double>(total) : 0.0;
        char shown[64];
        std::snprintf(shown, sizeof shown, "%.1f%% (%s)", pct, sim::format_time(part).c_str());
        bool ok = e.bound.unit == Bound::Unit::Percent ? e.bound.holds(pct) : e.bound.holds(part);
        std::string what = (e.cpu < 0 ? std::string("all CPUs") : "cpu" + std::to_string(e.cpu)) + " " + e.context + " time";
        (ok ? v.met : v.failed).push_back(what + ": " + shown + " (expected " + e.bound.text + ")" + (ok ? "" : at_end(k)));
    }
}

}  // namespace

Verdict judge(const Scenario& sc, kernel::Kernel& k, const World* world) {
    Verdict v;
    if (world) {
        for (const World::ModuleResult& m : world->module_log())
            if (m.ret != 0)
                v.failed.push_back(std::string(m.load ? "insmod " : "rmmod ") + m.name + " failed: " +
                                   kernel::errname_signed(m.ret));
        for (const std::string& e : world->step_errors()) v.failed.push_back(e);
    }
    if (world) {
        judge_reads(sc, *world, v);
        judge_read_errors(sc, *world, v);
        judge_devices(sc, *world, v);
        judge_order(sc, *world, v);
    }
    judge_cpu_time(sc, k, v);
    judge_irqs(sc, k, v);
    judge_dmesg(sc, k, v);
    judge_latency(sc, k, v);
    const kernel::Bugs& bugs = k.bugs();
    const auto& expected = sc.expect.bugs;
    for (const std::string& kind : expected) {
        std::uint64_t n = bugs.count(kind);
        if (n)
            v.met.push_back("bug '" + kind + "' happened (" + std::to_string(n) + "x)" + first_report(bugs, kind));
        else
            v.failed.push_back("expected bug '" + kind + "' did not happen");
    }
    for (const auto& [kind, n] : bugs.counts()) {
        if (std::find(expected.begin(), expected.end(), kind) != expected.end()) continue;
        v.failed.push_back("unexpected bug '" + kind + "' (" + std::to_string(n) + "x)" + first_report(bugs, kind));
    }
    if (!sc.expect.bugs_given && bugs.total() == 0) v.met.push_back("no kernel bugs");
    return v;
}

}  // namespace irqlab::scenario
