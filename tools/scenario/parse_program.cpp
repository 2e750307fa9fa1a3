// kthreads and processes: their attributes and their programs, step by step.
#include <algorithm>

#include "tools/scenario/parser.hpp"

namespace irqlab::scenario {

namespace {
const std::vector<std::string> kTaskKeys = {"name", "cpu", "policy", "priority", "nice", "start", "program"};
const std::vector<std::string> kOps = {"compute", "delay", "sleep", "usleep", "lock", "lock_irq", "lock_irqsave",
                                       "lock_bh", "unlock", "unlock_irq", "unlock_irqrestore", "unlock_bh", "wait",
                                       "complete", "complete_all", "yield", "print", "write", "open", "read", "close",
                                       "ioctl", "poll", "copy", "disable_irq", "disable_irq_nosync", "enable_irq",
                                       "synchronize_irq", "tasklet_disable", "tasklet_disable_nosync",
                                       "tasklet_enable", "tasklet_kill", "repeat", "exit"};
}  // namespace

const SyncObject& Parser::sync_ref(const YAML::Node& n, const char* op) {
    std::string name = r.str(n, op);
    if (const SyncObject* o = sc.find_sync(name)) return *o;
    std::vector<std::string> names;
    for (const SyncObject& o : sc.sync) names.push_back(o.name);
    std::string msg = std::string(op) + ": no sync object named '" + name + "'";
    if (auto near = nearest(name, names)) msg += " (did you mean '" + *near + "'?)";
    else msg += " (declare it under sync:)";
    r.fail(n, msg);
}

std::vector<Op> Parser::program(const YAML::Node& list, bool kthread, int depth) {
    r.expect_seq(list, "program");
    std::vector<Op> ops;
    for (const YAML::Node& item : list) ops.push_back(op(item, kthread, depth));
    return ops;
}

Op Parser::op(const YAML::Node& item, bool kthread, int depth) {
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
    } else if (name == "copy") {
        // copy: {from: /dev/ttyS0, to: /dev/ttyS0, bytes: N}: what one read returns, written
        // (an echo, as `cat` does one buffer at a time).
        need_arg();
        if (kthread) r.fail(item, "'copy' is a process reading and writing files: use it in a process's program");
        r.keys(arg, {"from", "to", "bytes"}, "copy");
        if (!arg["from"] || !arg["to"]) r.fail(arg, "copy needs 'from' and 'to' (device files, like /dev/ttyS0)");
        o.kind = Op::Kind::Copy;
        o.target = r.str(arg["from"], "copy.from");
        o.text = r.str(arg["to"], "copy.to");
        for (const auto& [path, key] : {std::pair{&o.target, "from"}, {&o.text, "to"}})
            if (path->rfind("/dev/", 0) != 0)
                r.fail(arg[key], std::string("copy.") + key + ": device files are under /dev/ (like /dev/ttyS0)");
        o.count = arg["bytes"] ? static_cast<int>(r.integer(arg["bytes"], "copy.bytes", 1, 1 << 20)) : 4096;
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
void Parser::file_op(const std::string& name, const YAML::Node& arg, Op& o) {
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

void Parser::tasks(const YAML::Node& list, bool kthread) {
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

}  // namespace irqlab::scenario
