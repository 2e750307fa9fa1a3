#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "kernel/drivers/base/base.hpp"
#include "kernel/lib/errname.hpp"
#include "kernel/panic.hpp"
#include "tools/scenario/scenario.hpp"

namespace irqlab::scenario {

namespace {

constexpr int kCurrentVersion = 1;

const std::vector<std::string> kTopKeys = {"irqlab", "name", "description", "machine", "devices", "drivers",
                                           "sync", "kthreads", "processes", "run", "expect"};
const std::vector<std::string> kMachineKeys = {"cpus", "hz", "preemption", "nohz", "stack_size",
                                               "softlockup_thresh", "costs", "threadirqs", "irqpoll", "irqfixup"};
const std::vector<std::string> kTaskKeys = {"name", "cpu", "policy", "priority", "nice", "start", "program"};
const std::vector<std::string> kRunKeys = {"until", "seed"};
const std::vector<std::string> kExpectKeys = {"bugs", "devices", "dmesg", "irqs", "latency", "read_errors", "reads"};
const std::vector<std::string> kOps = {"compute", "delay", "sleep", "usleep", "lock", "lock_irq", "lock_irqsave",
                                       "lock_bh", "unlock", "unlock_irq", "unlock_irqrestore", "unlock_bh", "wait",
                                       "complete", "complete_all", "yield", "print", "write", "open", "read", "close", "ioctl", "poll", "disable_irq",
                                       "disable_irq_nosync", "enable_irq", "synchronize_irq", "tasklet_disable",
                                       "tasklet_disable_nosync", "tasklet_enable", "tasklet_kill", "repeat", "exit"};

struct Parser {
    const Reader& r;
    Scenario& sc;

    void machine(const YAML::Node& m) {
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

    void sync(const YAML::Node& list) {
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

    const SyncObject& sync_ref(const YAML::Node& n, const char* op) {
        std::string name = r.str(n, op);
        if (const SyncObject* o = sc.find_sync(name)) return *o;
        std::vector<std::string> names;
        for (const SyncObject& o : sc.sync) names.push_back(o.name);
        std::string msg = std::string(op) + ": no sync object named '" + name + "'";
        if (auto near = nearest(name, names)) msg += " (did you mean '" + *near + "'?)";
        else msg += " (declare it under sync:)";
        r.fail(n, msg);
    }

    // Platform device names as the driver core makes them: TYPE.N, numbered per type.
    std::vector<std::string> device_names() const {
        std::map<std::string, int> next;
        std::vector<std::string> names;
        for (const DeviceSpec& d : sc.devices) names.push_back(d.type + "." + std::to_string(next[d.type]++));
        return names;
    }

    bool is_device(const std::string& name) const {
        auto names = device_names();
        return std::find(names.begin(), names.end(), name) != names.end();
    }

    std::string device_ref(const YAML::Node& n, const char* op) {
        std::string name = r.str(n, op);
        if (is_device(name)) return name;
        std::string msg = std::string(op) + ": no device named '" + name + "'";
        if (auto near = nearest(name, device_names())) msg += " (did you mean '" + *near + "'?)";
        else msg += " (devices are named TYPE.N, like irqgen.0, numbered per type in file order)";
        r.fail(n, msg);
    }

    std::vector<Op> program(const YAML::Node& list, bool kthread, int depth = 0) {
        r.expect_seq(list, "program");
        std::vector<Op> ops;
        for (const YAML::Node& item : list) ops.push_back(op(item, kthread, depth));
        return ops;
    }

    Op op(const YAML::Node& item, bool kthread, int depth) {
        std::string name;
        YAML::Node arg;
        if (item.IsScalar()) {
            name = item.Scalar();
        } else if (item.IsMap() && item.size() == 1) {
            name = item.begin()->first.as<std::string>();
            arg = item.begin()->second;
        } else {
            r.fail(item, "a program step is one 'operation: argument' pair, like 'compute: 1ms'");
        }
        auto it = std::find(kOps.begin(), kOps.end(), name);
        if (it == kOps.end()) {
            std::string msg = "unknown operation '" + name + "'";
            if (auto n = nearest(name, kOps)) msg += " (did you mean '" + *n + "'?)";
            r.fail(item.IsMap() ? item.begin()->first : item, msg);
        }
        auto need_arg = [&] {
            if (!arg.IsDefined() || arg.IsNull()) r.fail(item, "'" + name + "' needs an argument");
        };
        Op o{};
        if (name == "compute" || name == "delay" || name == "sleep") {
            need_arg();
            o.kind = name == "compute" ? Op::Kind::Compute : name == "delay" ? Op::Kind::Delay : Op::Kind::Sleep;
            o.time = r.time(arg, name.c_str(), 0, 3600 * sim::kNsPerSec);
        } else if (name == "usleep") {
            need_arg();
            o.kind = Op::Kind::Usleep;
            if (arg.IsSequence()) {
                if (arg.size() != 2) r.fail(arg, "usleep takes [min, max]");
                o.time = r.time(arg[0], "usleep min", 0, 3600 * sim::kNsPerSec);
                o.time2 = r.time(arg[1], "usleep max", o.time, 3600 * sim::kNsPerSec);
            } else {
                o.time = o.time2 = r.time(arg, "usleep", 0, 3600 * sim::kNsPerSec);
            }
        } else if (name.rfind("lock", 0) == 0 || name.rfind("unlock", 0) == 0) {
            need_arg();
            if (!kthread) r.fail(item, "'" + name + "' takes a kernel lock: only kthreads do that");
            static const std::vector<std::pair<std::string, Op::Kind>> kinds = {
                {"lock", Op::Kind::Lock},           {"lock_irq", Op::Kind::LockIrq},
                {"lock_irqsave", Op::Kind::LockIrqsave}, {"lock_bh", Op::Kind::LockBh},
                {"unlock", Op::Kind::Unlock},       {"unlock_irq", Op::Kind::UnlockIrq},
                {"unlock_irqrestore", Op::Kind::UnlockIrqrestore}, {"unlock_bh", Op::Kind::UnlockBh}};
            for (const auto& [n, k] : kinds)
                if (n == name) o.kind = k;
            if (arg.IsScalar() && !sc.find_sync(arg.Scalar()) && is_device(arg.Scalar())) {
                // The spinlock the device's driver set up in its probe.
                o.target = arg.Scalar();
                o.on_device = true;
                return o;
            }
            const SyncObject& s = sync_ref(arg, name.c_str());
            o.target = s.name;
            bool plain = o.kind == Op::Kind::Lock || o.kind == Op::Kind::Unlock;
            if (s.type == SyncObject::Type::Completion) r.fail(arg, "'" + s.name + "' is a completion, not a lock");
            if (s.type == SyncObject::Type::Mutex && !plain)
                r.fail(item, "'" + s.name + "' is a mutex: use lock/unlock (" + name + " is for spinlocks)");
        } else if (name == "wait" || name == "complete" || name == "complete_all") {
            need_arg();
            if (!kthread) r.fail(item, "'" + name + "' uses a kernel completion: only kthreads do that");
            const SyncObject& s = sync_ref(arg, name.c_str());
            if (s.type != SyncObject::Type::Completion) r.fail(arg, "'" + s.name + "' is not a completion");
            o.kind = name == "wait" ? Op::Kind::Wait : name == "complete" ? Op::Kind::Complete : Op::Kind::CompleteAll;
            o.target = s.name;
        } else if (name == "print") {
            need_arg();
            o.kind = Op::Kind::Print;
            o.target = r.str(arg, "print");
        } else if (name.find("_irq") != std::string::npos) {
            need_arg();
            if (!kthread) r.fail(item, "'" + name + "' is a kernel call: only kthreads make it");
            o.kind = name == "disable_irq"          ? Op::Kind::DisableIrq
                     : name == "disable_irq_nosync" ? Op::Kind::DisableIrqNosync
                     : name == "enable_irq"         ? Op::Kind::EnableIrq
                                                    : Op::Kind::SynchronizeIrq;
            o.count = static_cast<int>(r.integer(arg, name.c_str(), 0, 4095));
        } else if (name.rfind("tasklet_", 0) == 0) {
            need_arg();
            if (!kthread) r.fail(item, "'" + name + "' is a kernel call: only kthreads make it");
            o.kind = name == "tasklet_disable"          ? Op::Kind::TaskletDisable
                     : name == "tasklet_disable_nosync" ? Op::Kind::TaskletDisableNosync
                     : name == "tasklet_enable"         ? Op::Kind::TaskletEnable
                                                        : Op::Kind::TaskletKill;
            o.target = device_ref(arg, name.c_str());
            o.on_device = true;
        } else if (name == "write") {
            need_arg();
            if (kthread) r.fail(item, "'write' is a process writing a file: use it in a process's program");
            r.keys(arg, {"path", "data"}, "write");
            if (!arg["path"] || !arg["data"]) r.fail(arg, "write needs 'path' (like /proc/irq/17/smp_affinity or /dev/ttyS0) and 'data'");
            o.kind = Op::Kind::Write;
            o.target = r.str(arg["path"], "write.path");
            if (o.target.rfind("/proc/", 0) != 0 && o.target.rfind("/dev/", 0) != 0)
                r.fail(arg["path"], "write.path: only files under /proc/ and /dev/ exist");
            o.text = r.str(arg["data"], "write.data");
        } else if (name == "open" || name == "read" || name == "close" || name == "ioctl" || name == "poll") {
            need_arg();
            if (kthread) r.fail(item, "'" + name + "' is a system call: use it in a process's program");
            file_op(name, arg, o);
        } else if (name == "repeat") {
            need_arg();
            if (depth > 8) r.fail(item, "repeat is nested too deeply");
            r.keys(arg, {"times", "do"}, "repeat");
            o.kind = Op::Kind::Repeat;
            o.count = arg["times"] ? static_cast<int>(r.integer(arg["times"], "repeat.times", -1, 1'000'000'000)) : -1;
            if (!arg["do"]) r.fail(arg, "repeat needs 'do:' with the steps to repeat");
            o.body = program(arg["do"], kthread, depth + 1);
        } else if (name == "yield") {
            o.kind = Op::Kind::Yield;
        } else if (name == "exit") {
            o.kind = Op::Kind::Exit;
        }
        return o;
    }

    // open: /dev/kbd | {path, flags: rdonly|wronly|rdwr, nonblock}; read: PATH | {path, bytes};
    // close: PATH; ioctl: {path, cmd, arg}.
    void file_op(const std::string& name, const YAML::Node& arg, Op& o) {
        const YAML::Node& path = arg.IsMap() ? arg["path"] : arg;
        if (!path) r.fail(arg, name + " needs 'path' (like /dev/kbd)");
        o.target = r.str(path, (name + " path").c_str());
        if (o.target.rfind("/dev/", 0) != 0) r.fail(path, name + ": device files are under /dev/ (like /dev/kbd)");
        if (name == "open") {
            o.kind = Op::Kind::Open;
            o.count = 02;  // O_RDWR
            if (arg.IsMap()) {
                r.keys(arg, {"path", "flags", "nonblock"}, "open");
                if (arg["flags"]) {
                    std::string f = r.choice(arg["flags"], "open.flags", {"rdonly", "wronly", "rdwr"});
                    o.count = f == "rdonly" ? 0 : f == "wronly" ? 1 : 2;
                }
                if (arg["nonblock"] && r.boolean(arg["nonblock"], "open.nonblock")) o.count |= 04000;  // O_NONBLOCK
            }
        } else if (name == "read") {
            o.kind = Op::Kind::Read;
            o.count = 4096;
            if (arg.IsMap()) {
                r.keys(arg, {"path", "bytes"}, "read");
                if (arg["bytes"]) o.count = static_cast<int>(r.integer(arg["bytes"], "read.bytes", 1, 1 << 20));
            }
        } else if (name == "poll") {
            o.kind = Op::Kind::Poll;
            o.count = 0x0001;  // POLLIN
            o.time = sim::kNever;
            if (arg.IsMap()) {
                r.keys(arg, {"path", "events", "timeout"}, "poll");
                if (const YAML::Node& ev = arg["events"]) {
                    o.count = 0;
                    std::vector<YAML::Node> list;
                    if (ev.IsSequence())
                        for (const YAML::Node& e : ev) list.push_back(e);
                    else
                        list.push_back(ev);
                    for (const YAML::Node& e : list) o.count |= r.choice(e, "poll.events", {"in", "out"}) == "in" ? 0x0001 : 0x0004;
                }
                if (arg["timeout"]) o.time = r.time(arg["timeout"], "poll.timeout", 0, 3600 * sim::kNsPerSec);
            }
        } else if (name == "close") {
            o.kind = Op::Kind::Close;
            if (arg.IsMap()) r.keys(arg, {"path"}, "close");
        } else {
            o.kind = Op::Kind::Ioctl;
            if (!arg.IsMap() || !arg["cmd"]) r.fail(arg, "ioctl needs {path, cmd, arg}");
            r.keys(arg, {"path", "cmd", "arg"}, "ioctl");
            o.count = static_cast<int>(r.integer(arg["cmd"], "ioctl.cmd", 0, INT32_MAX));
            if (arg["arg"]) o.time2 = r.integer(arg["arg"], "ioctl.arg", 0, INT64_MAX);
        }
    }

    void tasks(const YAML::Node& list, bool kthread) {
        const char* section = kthread ? "kthreads" : "processes";
        r.expect_seq(list, section);
        for (const YAML::Node& item : list) {
            r.keys(item, kTaskKeys, kthread ? "a kthread" : "a process");
            TaskSpec t;
            t.kthread = kthread;
            if (!item["name"]) r.fail(item, std::string(kthread ? "a kthread" : "a process") + " needs a name");
            t.name = r.str(item["name"], "name");
            if (t.name.size() > 15) r.fail(item["name"], "name '" + t.name + "' is longer than TASK_COMM_LEN-1 (15)");
            for (const TaskSpec& other : sc.tasks)
                if (other.name == t.name) r.fail(item["name"], "a task named '" + t.name + "' already exists");
            if (item["cpu"])
                t.cpu = static_cast<int>(r.integer(item["cpu"], "cpu", 0, sc.machine.cpus - 1));
            if (item["policy"]) {
                std::string p = r.choice(item["policy"], "policy", {"normal", "fifo", "rr"});
                t.policy = p == "fifo" ? 1 : p == "rr" ? 2 : 0;
            }
            if (item["priority"]) {
                if (t.policy == 0) r.fail(item["priority"], "priority is for policy fifo or rr (use nice for normal)");
                t.priority = static_cast<int>(r.integer(item["priority"], "priority", 1, 99));
            } else if (t.policy != 0) {
                r.fail(item, "policy " + std::string(t.policy == 1 ? "fifo" : "rr") + " needs a priority (1-99)");
            }
            if (item["nice"]) t.nice = static_cast<int>(r.integer(item["nice"], "nice", -20, 19));
            if (item["start"]) t.start = r.time(item["start"], "start");
            if (!item["program"]) r.fail(item, "'" + t.name + "' needs a program");
            t.program = program(item["program"], kthread);
            sc.tasks.push_back(std::move(t));
        }
    }

    void run(const YAML::Node& m) {
        r.keys(m, kRunKeys, "run");
        if (!m["until"]) r.fail(m, "run needs 'until', how long to simulate (like 100ms)");
        sc.until = r.time(m["until"], "run.until", 1, 3600 * sim::kNsPerSec);
        if (m["seed"]) sc.seed = r.u64(m["seed"], "run.seed");
    }

    // devices: a list of {type: irqgen, <the type's parameters>}.
    void devices(const YAML::Node& list) {
        r.expect_seq(list, "devices");
        std::vector<std::string> type_names;
        for (const dev::DeviceType& t : dev::types()) type_names.push_back(t.name);
        for (const YAML::Node& item : list) {
            r.expect_map(item, "a device");
            if (!item["type"]) r.fail(item, "a device needs a type (" + join(type_names) + ")");
            std::string type = r.str(item["type"], "type");
            const dev::DeviceType* t = dev::find_type(type);
            if (!t) {
                std::string msg = "unknown device type '" + type + "'";
                if (auto n = nearest(type, type_names)) msg += " (did you mean '" + *n + "'?)";
                else msg += " (known: " + join(type_names) + ")";
                r.fail(item["type"], msg);
            }
            std::vector<std::string> known = {"type"};
            for (const dev::ParamSpec& p : t->params) known.push_back(p.name);
            std::string what = "a device of type " + type;
            r.keys(item, known, what.c_str());
            DeviceSpec d;
            d.type = type;
            for (const dev::ParamSpec& p : t->params) {
                const YAML::Node& v = item[p.name];
                if (!v) continue;
                std::string field = type + "." + p.name;
                dev::ParamValue pv;
                switch (p.kind) {
                    case dev::ParamSpec::Kind::Integer: pv.number = r.integer(v, field.c_str(), p.min, p.max); break;
                    case dev::ParamSpec::Kind::Time: pv.number = static_cast<std::int64_t>(r.time(v, field.c_str(), 0, 3600 * sim::kNsPerSec)); break;
                    case dev::ParamSpec::Kind::Bool: pv.number = r.boolean(v, field.c_str()); break;
                    case dev::ParamSpec::Kind::Choice: pv.text = r.choice(v, field.c_str(), p.choices); break;
                    case dev::ParamSpec::Kind::Times:
                        if (v.IsSequence())
                            for (const YAML::Node& e : v) pv.times.push_back(r.time(e, field.c_str()));
                        else
                            pv.times.push_back(r.time(v, field.c_str()));
                        break;
                    case dev::ParamSpec::Kind::Text: pv.text = r.str(v, field.c_str()); break;
                    case dev::ParamSpec::Kind::Events: pv.events = events(v, p, field); break;
                }
                d.params[p.name] = pv;
            }
            if (t->check) {
                std::string complaint = t->check(d.params);
                if (!complaint.empty()) r.fail(item, complaint);
            }
            // On a PC, IO-APIC pin 2 carries IRQ 0 (the timer); there is no IRQ 2.
            if (d.params.count("line") && d.params["line"].number == 2)
                r.fail(item["line"], "line 2 is the IO-APIC pin of IRQ 0, the timer: pick another line");
            sc.devices.push_back(std::move(d));
        }
    }

    // A device's Events parameter: a list of maps with the type's fields.
    std::vector<dev::EventValue> events(const YAML::Node& v, const dev::ParamSpec& p, const std::string& field) {
        r.expect_seq(v, field.c_str());
        std::vector<std::string> known;
        for (const auto& f : p.fields) known.push_back(f.name);
        std::vector<dev::EventValue> out;
        for (const YAML::Node& e : v) {
            r.keys(e, known, field.c_str());
            dev::EventValue ev;
            for (const auto& f : p.fields) {
                const YAML::Node& fv = e[f.name];
                std::string what = field + "." + f.name;
                if (!fv) {
                    if (f.required) r.fail(e, field + ": each entry needs '" + f.name + "'");
                    continue;
                }
                if (f.time)
                    ev.times[f.name] = r.time(fv, what.c_str());
                else
                    ev.texts[f.name] = r.str(fv, what.c_str());
            }
            out.push_back(std::move(ev));
        }
        return out;
    }

    // drivers: modules to load; a name, or {module, load, unload}.
    void drivers(const YAML::Node& list) {
        r.expect_seq(list, "drivers");
        std::vector<std::string> known = kernel::DriverCore::builtin_modules();
        for (const YAML::Node& item : list) {
            ModuleSpec m;
            YAML::Node name_node = item.IsMap() ? item["module"] : item;
            if (item.IsMap()) {
                r.keys(item, {"module", "load", "unload"}, "a driver");
                if (!item["module"]) r.fail(item, "a driver needs 'module', the module's name");
                if (item["load"]) m.load = r.time(item["load"], "load");
                if (item["unload"]) m.unload = r.time(item["unload"], "unload", m.load + 1);
            }
            m.name = r.str(name_node, "module");
            if (std::find(known.begin(), known.end(), m.name) == known.end()) {
                std::string msg = "no module named '" + m.name + "'";
                if (auto n = nearest(m.name, known)) msg += " (did you mean '" + *n + "'?)";
                else msg += " (built-in modules: " + join(known) + ")";
                r.fail(name_node, msg);
            }
            for (const ModuleSpec& other : sc.modules)
                if (other.name == m.name) r.fail(name_node, "module '" + m.name + "' is listed twice");
            sc.modules.push_back(m);
        }
    }

    static std::string join(const std::vector<std::string>& v) {
        std::string out;
        for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
        return out;
    }

    void expect_irqs(const YAML::Node& m) {
        r.expect_map(m, "expect.irqs");
        for (const auto& kv : m) {
            IrqExpect e;
            e.irq = static_cast<unsigned>(r.integer(kv.first, "an IRQ number", 0, 4095));
            const YAML::Node& v = kv.second;
            if (v.IsScalar()) {
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
    void expect_latency(const YAML::Node& m) {
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
                std::string text = r.str(b.second, "a bound like '< 50us'");
                e.text = text;
                std::size_t i = 0;
                if (text.size() > i && (text[i] == '<' || text[i] == '>')) e.less = text[i++] == '<';
                else r.fail(b.second, "a bound starts with <, <=, > or >= (like '< 50us')");
                if (text.size() > i && text[i] == '=') e.inclusive = true, ++i;
                while (i < text.size() && text[i] == ' ') ++i;
                std::string value = text.substr(i);
                if (e.stat == "count") {
                    try {
                        e.bound = std::stoll(value);
                    } catch (const std::exception&) {
                        r.fail(b.second, "a count bound is a number (like '>= 10')");
                    }
                } else {
                    std::string error;
                    auto t = sim::parse_time(value, &error);
                    if (!t) r.fail(b.second, "'" + value + "': " + error);
                    e.bound = *t;
                }
                sc.expect.latency.push_back(e);
            }
        }
    }

    // devices: {uart16550.0: {overruns: ">= 1"}}: bounds on the device models' counters.
    void expect_devices(const YAML::Node& m) {
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
                e.text = r.str(c.second, "a bound like '>= 1'");
                const std::string& text = e.text;
                std::size_t i = 0;
                bool exact = text.empty() || (text[0] != '<' && text[0] != '>');  // "5": exactly 5
                if (!exact) {
                    e.less = text[i++] == '<';
                    if (i < text.size() && text[i] == '=') e.inclusive = true, ++i;
                }
                while (i < text.size() && text[i] == ' ') ++i;
                try {
                    std::size_t used = 0;
                    e.bound = std::stoll(text.substr(i), &used);
                    if (used != text.size() - i) throw std::invalid_argument("junk");
                } catch (const std::exception&) {
                    r.fail(c.second, "a counter bound is a number, or one after <, <=, > or >= (like '>= 1')");
                }
                e.exact = exact;
                sc.expect.devices.push_back(e);
            }
        }
    }

    void expect(const YAML::Node& m) {
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
};

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
