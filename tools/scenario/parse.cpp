// The scenario's top level, machine, sync and run sections, --set overrides, and the
// order in which the sections are read (a reference needs what it names read first).
#include <algorithm>
#include <fstream>
#include <sstream>

#include "tools/scenario/parser.hpp"

namespace irqlab::scenario {

namespace {

constexpr int kCurrentVersion = 1;

const std::vector<std::string> kTopKeys = {"irqlab",    "name",     "description", "machine",   "devices",
                                           "workload",  "faults",   "drivers",     "sync",      "kthreads",
                                           "processes", "run",      "expect",      "outputs"};
const std::vector<std::string> kOutputKeys = {"dmesg", "trace_text", "trace_json", "proc_dir", "stats_json"};
const std::vector<std::string> kMachineKeys = {"cpus", "hz", "preemption", "nohz", "stack_size",
                                               "softlockup_thresh", "costs", "threadirqs", "irqpoll", "irqfixup"};
const std::vector<std::string> kRunKeys = {"until", "seed"};

void apply_override(YAML::Node root, const std::string& assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ScenarioError("--set " + assignment + ": expected key.path=value, like run.until=5ms");
    std::string path = assignment.substr(0, eq);
    std::string value = assignment.substr(eq + 1);
    std::vector<std::string> parts;
    std::stringstream ss(path);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    // Walk with a chain of nodes: yaml-cpp's operator[] on a copy creates the path.
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) chain.push_back(chain.back()[parts[i]]);
    chain.back()[parts.back()] = YAML::Load(value);
}

}  // namespace

void Parser::machine(const YAML::Node& m) {
    r.keys(m, kMachineKeys, "machine");
    kernel::Config& c = sc.machine;
    if (m["cpus"]) c.cpus = static_cast<int>(r.integer(m["cpus"], "machine.cpus", 1, 256));
    if (m["hz"]) {
        std::string hz = r.choice(m["hz"], "machine.hz", {"100", "250", "300", "1000"});
        c.hz = static_cast<unsigned>(std::stoul(hz));
    }
    if (m["preemption"]) {
        std::string p = r.choice(m["preemption"], "machine.preemption", {"none", "voluntary", "full"});
        c.preempt = p == "none" ? kernel::PreemptModel::None
                    : p == "voluntary" ? kernel::PreemptModel::Voluntary
                                       : kernel::PreemptModel::Full;
    }
    if (m["nohz"]) c.nohz_idle = r.boolean(m["nohz"], "machine.nohz");
    if (m["stack_size"])
        c.stack_size = r.bytes(m["stack_size"], "machine.stack_size", 64 * 1024, 64 * 1024 * 1024);
    if (m["softlockup_thresh"])
        c.softlockup_thresh = r.time(m["softlockup_thresh"], "machine.softlockup_thresh", sim::kNsPerMs, 3600 * sim::kNsPerSec);
    // Kernel command-line switches (kernel/irq/manage.c, spurious.c).
    if (m["threadirqs"]) c.threadirqs = r.boolean(m["threadirqs"], "machine.threadirqs");
    if (m["irqpoll"]) c.irqpoll = r.boolean(m["irqpoll"], "machine.irqpoll");
    if (m["irqfixup"]) c.irqfixup = r.boolean(m["irqfixup"], "machine.irqfixup");
    if (const YAML::Node& costs = m["costs"]) {
        r.expect_map(costs, "machine.costs");
        std::vector<std::string> names;
        for (const auto& e : kernel::cost_table()) names.emplace_back(e.name);
        r.keys(costs, names, "machine.costs");
        for (const auto& kv : costs)
            c.costs.set(kv.first.as<std::string>(), r.time(kv.second, "a cost", 0, sim::kNsPerSec));
    }
}

void Parser::sync(const YAML::Node& list) {
    r.expect_seq(list, "sync");
    for (const YAML::Node& item : list) {
        r.keys(item, {"name", "type"}, "a sync object");
        if (!item["name"]) r.fail(item, "a sync object needs a name");
        if (!item["type"]) r.fail(item, "a sync object needs a type (spinlock, mutex or completion)");
        SyncObject o;
        o.name = r.str(item["name"], "name");
        if (sc.find_sync(o.name)) r.fail(item["name"], "sync object '" + o.name + "' is declared twice");
        std::string t = r.choice(item["type"], "type", {"spinlock", "mutex", "completion"});
        o.type = t == "spinlock" ? SyncObject::Type::Spinlock
                 : t == "mutex"  ? SyncObject::Type::Mutex
                                 : SyncObject::Type::Completion;
        sc.sync.push_back(o);
    }
}

void Parser::run(const YAML::Node& m) {
    r.keys(m, kRunKeys, "run");
    if (!m["until"]) r.fail(m, "run needs 'until', how long to simulate (like 100ms)");
    sc.until = r.time(m["until"], "run.until", 1, 3600 * sim::kNsPerSec);
    if (m["seed"]) sc.seed = r.u64(m["seed"], "run.seed");
}

// outputs: files the run writes, as the CLI's --dmesg, --trace-text, ... (which win).
void Parser::outputs(const YAML::Node& m) {
    r.keys(m, kOutputKeys, "outputs");
    auto path = [&](const char* key, std::string& out) {
        if (m[key]) out = r.str(m[key], (std::string("outputs.") + key).c_str());
        if (m[key] && out.empty()) r.fail(m[key], std::string("outputs.") + key + " needs a path");
    };
    path("dmesg", sc.outputs.dmesg);
    path("trace_text", sc.outputs.trace_text);
    path("trace_json", sc.outputs.trace_json);
    path("proc_dir", sc.outputs.proc_dir);
    path("stats_json", sc.outputs.stats_json);
}

std::string Parser::join(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

const SyncObject* Scenario::find_sync(const std::string& n) const {
    for (const SyncObject& o : sync)
        if (o.name == n) return &o;
    return nullptr;
}

Scenario parse(const YAML::Node& root, const std::string& file) {
    Reader r(file);
    Scenario sc;
    sc.file = file;
    if (!root.IsDefined() || root.IsNull()) r.fail(YAML::Mark::null_mark(), "the file is empty");
    r.keys(root, kTopKeys, "the scenario");
    if (!root["irqlab"]) r.fail(root, "missing 'irqlab: 1' (the format version) at the top");
    int version = static_cast<int>(r.integer(root["irqlab"], "irqlab (the format version)", 1, 1000));
    if (version != kCurrentVersion)
        r.fail(root["irqlab"], "format version " + std::to_string(version) + " is not supported (this irqlab reads version 1)");
    Parser p{r, sc};
    sc.name = root["name"] ? r.str(root["name"], "name") : file;
    if (root["description"]) sc.description = r.str(root["description"], "description");
    if (root["machine"]) p.machine(root["machine"]);
    if (root["devices"]) p.devices(root["devices"]);
    if (root["workload"]) p.workload(root["workload"]);
    if (root["faults"]) p.faults(root["faults"]);
    p.check_devices();
    if (root["drivers"]) {
        p.drivers(root["drivers"]);
    } else {
        // As udev would: the driver of every device present, at boot.
        for (const DeviceSpec& d : sc.devices) {
            const std::string& mod = dev::find_type(d.type)->module;
            bool listed = false;
            for (const ModuleSpec& m : sc.modules) listed |= m.name == mod;
            if (!listed) sc.modules.push_back(ModuleSpec{mod});
        }
    }
    if (root["sync"]) p.sync(root["sync"]);
    if (root["kthreads"]) p.tasks(root["kthreads"], true);
    if (root["processes"]) p.tasks(root["processes"], false);
    if (!root["run"]) r.fail(root, "missing 'run:' with 'until' (how long to simulate)");
    p.run(root["run"]);
    p.check_load(root);
    if (root["outputs"]) p.outputs(root["outputs"]);
    if (root["expect"]) p.expect(root["expect"]);
    return sc;
}

Scenario load_file(const std::string& path, const std::vector<std::string>& overrides) {
    std::ifstream in(path);
    if (!in) throw ScenarioError(path + ": cannot open the file");
    YAML::Node root;
    try {
        root = YAML::Load(in);
    } catch (const YAML::Exception& e) {
        throw ScenarioError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                            ": " + e.msg);
    }
    for (const std::string& o : overrides) {
        try {
            apply_override(root, o);
        } catch (const YAML::Exception& e) {
            throw ScenarioError("--set " + o + ": " + e.msg);
        }
    }
    return parse(root, path);
}

}  // namespace irqlab::scenario
