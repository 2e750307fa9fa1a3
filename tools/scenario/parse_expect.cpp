// expect: what a run must show, checked by judge() (expect.cpp) at its end.
#include <algorithm>

#include "kernel/lib/errname.hpp"
#include "kernel/panic.hpp"
#include "tools/scenario/parser.hpp"

namespace irqlab::scenario {

namespace {
const std::vector<std::string> kExpectKeys = {"bugs",  "cpu_time",    "devices", "dmesg", "irqs",
                                              "latency", "order", "read_errors", "reads"};
const std::vector<std::string> kContexts = {"user", "system", "softirq", "irq", "idle"};
}  // namespace

void Parser::expect_irqs(const YAML::Node& m) {
    r.expect_map(m, "expect.irqs");
    for (const auto& kv : m) {
        IrqExpect e;
        e.irq = static_cast<unsigned>(r.integer(kv.first, "an IRQ number", 0, 4095));
        const YAML::Node& v = kv.second;
        if (v.IsScalar() && !v.Scalar().empty() && (v.Scalar()[0] == '<' || v.Scalar()[0] == '>')) {
            std::string error;
            auto b = parse_bound(v.Scalar(), BoundForm{.count = true}, &error);
            if (!b) r.fail(v, "an interrupt count: " + error);
            e.min = b->min();
            e.max = b->max();
            e.text = b->text;
        } else if (v.IsScalar()) {
            e.min = e.max = r.integer(v, "an interrupt count", 0, INT64_MAX);
        } else {
            r.keys(v, {"total", "min", "max", "cpus"}, "an IRQ's expected counts");
            if (v["total"]) e.min = e.max = r.integer(v["total"], "total", 0, INT64_MAX);
            if (v["min"]) e.min = r.integer(v["min"], "min", 0, INT64_MAX);
            if (v["max"]) e.max = r.integer(v["max"], "max", 0, INT64_MAX);
            if (const YAML::Node& cpus = v["cpus"]) {
                r.expect_seq(cpus, "cpus");
                if (static_cast<int>(cpus.size()) != sc.machine.cpus)
                    r.fail(cpus, "cpus lists one count per CPU (" + std::to_string(sc.machine.cpus) + ")");
                for (const YAML::Node& c : cpus) e.cpus.push_back(r.integer(c, "a CPU's count", 0, INT64_MAX));
            }
        }
        sc.expect.irqs.push_back(e);
    }
}

// latency: {"tasklet irqgen_bh": {p99: "< 50us", count: ">= 10"}}
void Parser::expect_latency(const YAML::Node& m) {
    r.expect_map(m, "expect.latency");
    static const std::vector<std::string> kinds = {"softirq", "tasklet", "work", "thread", "read"};
    for (const auto& kv : m) {
        std::string path = r.str(kv.first, "a latency path");
        std::string kind = path.substr(0, path.find(' '));
        if (path.find(' ') == std::string::npos ||
            std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
            r.fail(kv.first, "a latency path is '<kind> <name>' with kind softirq, tasklet, work, thread or read "
                             "(like 'tasklet irqgen_bh' or 'read /dev/kbd', as the summary lists it)");
        r.keys(kv.second, {"min", "median", "p99", "max", "count"}, "a latency's bounds");
        for (const auto& b : kv.second) {
            LatencyExpect e;
            e.path = path;
            e.stat = b.first.as<std::string>();
            BoundForm form;
            (e.stat == "count" ? form.count : form.time) = true;
            std::string error;
            auto bound = parse_bound(r.str(b.second, "a bound like '< 50us'"), form, &error);
            if (!bound) r.fail(b.second, error);
            e.bound = *bound;
            sc.expect.latency.push_back(e);
        }
    }
}

// devices: {uart16550.0: {overruns: ">= 1"}}: bounds on the device models' counters.
void Parser::expect_devices(const YAML::Node& m) {
    r.expect_map(m, "expect.devices");
    for (const auto& kv : m) {
        std::string dev = r.str(kv.first, "a device name");
        if (!is_device(dev)) r.fail(kv.first, "no device named '" + dev + "' (devices are named like irqgen.0)");
        r.expect_map(kv.second, "a device's expected counters");
        for (const auto& c : kv.second) {
            CountExpect e;
            e.device = dev;
            e.counter = r.str(c.first, "a counter name");
            e.what = dev + " " + e.counter;
            std::string error;
            auto bound = parse_bound(r.str(c.second, "a bound like '>= 1'"), BoundForm{.count = true, .exact = true}, &error);
            if (!bound) r.fail(c.second, "a counter bound: " + error);
            e.bound = *bound;
            sc.expect.devices.push_back(e);
        }
    }
}

void Parser::expect(const YAML::Node& m) {
    r.keys(m, kExpectKeys, "expect");
    if (const YAML::Node& d = m["dmesg"]) {
        r.expect_seq(d, "expect.dmesg");
        for (const YAML::Node& t : d) sc.expect.dmesg.push_back(r.str(t, "a kernel log text"));
    }
    if (m["irqs"]) expect_irqs(m["irqs"]);
    if (const YAML::Node& reads = m["reads"]) {
        r.expect_map(reads, "expect.reads");
        for (const auto& kv : reads) {
            std::string task = r.str(kv.first, "a process name");
            if (std::none_of(sc.tasks.begin(), sc.tasks.end(), [&](const TaskSpec& t) { return t.name == task && !t.kthread; }))
                r.fail(kv.first, "no process named '" + task + "'");
            sc.expect.reads[task] = r.str(kv.second, "the text its reads contain");
        }
    }
    if (const YAML::Node& errs = m["read_errors"]) {
        r.expect_map(errs, "expect.read_errors");
        for (const auto& kv : errs) {
            std::string task = r.str(kv.first, "a process name");
            if (std::none_of(sc.tasks.begin(), sc.tasks.end(), [&](const TaskSpec& t) { return t.name == task && !t.kthread; }))
                r.fail(kv.first, "no process named '" + task + "'");
            // "-EIO" or "EIO": an errno name, as the run reports a failed read.
            std::string err = r.str(kv.second, "an error name like -EIO");
            if (!err.empty() && err[0] != '-') err = "-" + err;
            bool known = false;
            for (int e = 1; e < 4096 && !known; ++e) known = kernel::errname_signed(-e) == err;
            if (!known) r.fail(kv.second, "'" + err + "' is not an error name (like -EIO)");
            sc.expect.read_errors[task] = err;
        }
    }
    if (const YAML::Node& devs = m["devices"]) expect_devices(devs);
    if (m["latency"]) expect_latency(m["latency"]);
    if (m["order"]) expect_order(m["order"]);
    if (m["cpu_time"]) expect_cpu_time(m["cpu_time"]);
    if (const YAML::Node& bugs = m["bugs"]) {
        r.expect_seq(bugs, "expect.bugs");
        sc.expect.bugs_given = true;
        std::vector<std::string> known(kernel::bug::kinds().begin(), kernel::bug::kinds().end());
        for (const YAML::Node& b : bugs) {
            std::string kind = r.str(b, "a bug kind");
            if (std::find(known.begin(), known.end(), kind) == known.end()) {
                std::string msg = "unknown bug kind '" + kind + "'";
                if (auto n = nearest(kind, known)) msg += " (did you mean '" + *n + "'?)";
                r.fail(b, msg);
            }
            sc.expect.bugs.push_back(kind);
        }
    }
}

// order: [{first: irq 1, then: tasklet kbd_bh, same_cpu: true}]
void Parser::expect_order(const YAML::Node& list) {
    r.expect_seq(list, "expect.order");
    for (const YAML::Node& item : list) {
        r.keys(item, {"first", "then", "same_cpu"}, "an ordering");
        if (!item["first"] || !item["then"]) r.fail(item, "an ordering needs 'first' and 'then' (like {first: irq 1, then: tasklet kbd_bh})");
        OrderExpect o;
        for (auto [key, out] : {std::pair{"first", &o.first}, std::pair{"then", &o.then}}) {
            std::string error;
            if (!parse_event_name(r.str(item[key], key), *out, &error)) r.fail(item[key], error);
        }
        if (item["same_cpu"]) o.same_cpu = r.boolean(item["same_cpu"], "same_cpu");
        for (const EventName* e : {&o.first, &o.then})
            if (o.same_cpu && e->text.rfind("line ", 0) == 0)
                r.fail(item, "'" + e->text + "' happens on a device, on no CPU: add 'same_cpu: false'");
        sc.expect.order.push_back(o);
    }
}

// cpu_time: {cpu0: {softirq: "> 50%"}, all: {irq: "< 5%", idle: "> 1ms"}}
void Parser::expect_cpu_time(const YAML::Node& m) {
    r.expect_map(m, "expect.cpu_time");
    for (const auto& kv : m) {
        std::string cpu = r.str(kv.first, "a CPU (cpu0, cpu1, ... or all)");
        CpuTimeExpect e;
        if (cpu != "all") {
            if (cpu.rfind("cpu", 0) != 0 || cpu.size() == 3 || cpu.find_first_not_of("0123456789", 3) != std::string::npos)
                r.fail(kv.first, "'" + cpu + "' is not a CPU: write cpu0, cpu1, ... or all");
            e.cpu = std::stoi(cpu.substr(3));
            if (e.cpu >= sc.machine.cpus)
                r.fail(kv.first, cpu + ": the machine has " + std::to_string(sc.machine.cpus) + " CPU(s)");
        }
        r.keys(kv.second, kContexts, "a CPU's time by context");
        for (const auto& b : kv.second) {
            e.context = b.first.as<std::string>();
            std::string error;
            auto bound = parse_bound(r.str(b.second, "a bound like '< 10%'"), BoundForm{.time = true, .percent = true}, &error);
            if (!bound) r.fail(b.second, error);
            e.bound = *bound;
            sc.expect.cpu_time.push_back(e);
        }
    }
}

}  // namespace irqlab::scenario
