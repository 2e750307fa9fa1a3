// devices, drivers, workload and faults: what the machine has and what happens to it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "kernel/drivers/base/base.hpp"
#include "tools/scenario/parser.hpp"

namespace irqlab::scenario {

// Platform device names as the driver core makes them: TYPE.N, numbered per type.
std::vector<std::string> Parser::device_names() const {
    std::map<std::string, int> next;
    std::vector<std::string> names;
    for (const DeviceSpec& d : sc.devices) names.push_back(d.type + "." + std::to_string(next[d.type]++));
    return names;
}

bool Parser::is_device(const std::string& name) const {
    auto names = device_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Parser::device_ref(const YAML::Node& n, const char* op) {
    std::string name = r.str(n, op);
    if (is_device(name)) return name;
    std::string msg = std::string(op) + ": no device named '" + name + "'";
    if (auto near = nearest(name, device_names())) msg += " (did you mean '" + *near + "'?)";
    else msg += " (devices are named TYPE.N, like irqgen.0, numbered per type in file order)";
    r.fail(n, msg);
}

// devices: a list of {type: irqgen, <the type's parameters>}.
void Parser::devices(const YAML::Node& list) {
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
        for (const dev::ParamSpec& p : t->params)
            if (const YAML::Node& v = item[p.name]) {
                d.params[p.name] = param(v, p, type + "." + p.name);
                param_nodes[{sc.devices.size(), p.name}] = v;
            }
        // On a PC, IO-APIC pin 2 carries IRQ 0 (the timer); there is no IRQ 2.
        if (d.params.count("line") && d.params["line"].number == 2)
            r.fail(item["line"], "line 2 is the IO-APIC pin of IRQ 0, the timer: pick another line");
        sc.devices.push_back(std::move(d));
        device_nodes.push_back(item);
    }
}

dev::ParamValue Parser::param(const YAML::Node& v, const dev::ParamSpec& p, const std::string& field) {
    dev::ParamValue pv;
    const char* what = field.c_str();
    switch (p.kind) {
        case dev::ParamSpec::Kind::Integer: pv.number = r.integer(v, what, p.min, p.max); break;
        case dev::ParamSpec::Kind::Time: pv.number = static_cast<std::int64_t>(r.time(v, what, 0, 3600 * sim::kNsPerSec)); break;
        case dev::ParamSpec::Kind::Bool: pv.number = r.boolean(v, what); break;
        case dev::ParamSpec::Kind::Choice: pv.text = r.choice(v, what, p.choices); break;
        case dev::ParamSpec::Kind::Times:
            if (v.IsSequence())
                for (const YAML::Node& e : v) pv.times.push_back(r.time(e, what));
            else
                pv.times.push_back(r.time(v, what));
            break;
        case dev::ParamSpec::Kind::Text: pv.text = r.str(v, what); break;
        case dev::ParamSpec::Kind::Events: pv.events = events(v, p, field); break;
        case dev::ParamSpec::Kind::Rate: pv.number = rate(v, what, p.min, p.max); break;
    }
    return pv;
}

std::int64_t Parser::rate(const YAML::Node& v, const char* what, std::int64_t min, std::int64_t max) {
    std::string s = r.str(v, what);
    std::string error;
    auto per_sec = sim::parse_rate(s, &error);
    if (!per_sec) r.fail(v, std::string(what) + ": '" + s + "': " + error);
    if (*per_sec < static_cast<double>(min) || *per_sec > static_cast<double>(max))
        r.fail(v, std::string(what) + " must be between " + std::to_string(min) + "/s and " + std::to_string(max) +
                      "/s, not " + s);
    return std::llround(*per_sec);
}

// workload: [{device: e1000.0, rate: 1Mpps, arrival: poisson}, ...]: a device's stimuli,
// given apart from the machine (the same keys may sit on the device itself, not both).
void Parser::workload(const YAML::Node& list) { device_section(list, "workload", true); }

// faults: [{line: 19, stuck: {from: 5ms}}, {device: disk.0, bad_sectors: "16"}, ...]
void Parser::faults(const YAML::Node& list) { device_section(list, "faults", false); }

void Parser::device_section(const YAML::Node& list, const char* section, bool stimuli) {
    r.expect_seq(list, section);
    for (const YAML::Node& item : list) {
        r.expect_map(item, section);
        if (!stimuli && item["line"]) {
            line_fault(item);
            continue;
        }
        if (!item["device"])
            r.fail(item, std::string("a ") + (stimuli ? "workload item names its device (device: e1000.0)"
                                                      : "fault names a device (device: disk.0) or a line (line: 19)"));
        std::string name = device_ref(item["device"], "device");
        auto names = device_names();
        std::size_t idx = static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
        DeviceSpec& d = sc.devices[idx];
        const dev::DeviceType* t = dev::find_type(d.type);
        const std::vector<std::string>& allowed = stimuli ? t->workload : t->faults;
        std::vector<std::string> known = {"device"};
        known.insert(known.end(), allowed.begin(), allowed.end());
        std::string what = std::string(section) + " of a device of type " + d.type;
        if (allowed.empty())
            r.fail(item, "a " + d.type + " has no " + (stimuli ? "stimuli to give in workload:" : "faults to inject"));
        r.keys(item, known, what.c_str());
        for (const dev::ParamSpec& p : t->params) {
            const YAML::Node& v = item[p.name];
            if (!v) continue;
            if (d.params.count(p.name))
                r.fail(v, name + "'s " + p.name + " is already given on the device");
            d.params[p.name] = param(v, p, d.type + "." + p.name);
            param_nodes[{idx, p.name}] = v;
        }
    }
}

const std::vector<std::string> Parser::kLineFaultKeys = {"line", "stuck", "spurious", "storm", "lose_edges", "jitter"};

// A fault on an interrupt line itself, whatever drives it.
void Parser::line_fault(const YAML::Node& item) {
    r.keys(item, kLineFaultKeys, "a line fault");
    dev::LineFaultSpec f;
    f.gsi = static_cast<int>(r.integer(item["line"], "line", 1, 23));
    if (f.gsi == 2) r.fail(item["line"], "line 2 is the IO-APIC pin of IRQ 0, the timer: pick another line");
    f.level = f.gsi >= 16;  // as the machine wires it: ISA edge, PCI level
    for (const dev::LineFaultSpec& other : sc.line_faults)
        if (other.gsi == f.gsi) r.fail(item["line"], "line " + std::to_string(f.gsi) + " has faults already: give them in one item");
    if (const YAML::Node& s = item["stuck"]) {
        if (s.IsMap()) {
            r.keys(s, {"from", "to"}, "stuck");
            f.stuck_from = s["from"] ? r.time(s["from"], "stuck.from") : 0;
            if (s["to"]) f.stuck_to = r.time(s["to"], "stuck.to", f.stuck_from + 1);
        } else if (r.boolean(s, "stuck")) {
            f.stuck_from = 0;
        }
    }
    if (const YAML::Node& s = item["spurious"]) {
        if (s.IsSequence())
            for (const YAML::Node& e : s) f.spurious.push_back(r.time(e, "spurious"));
        else
            f.spurious.push_back(r.time(s, "spurious"));
        std::sort(f.spurious.begin(), f.spurious.end());
    }
    if (const YAML::Node& s = item["storm"]) {
        r.keys(s, {"start", "duration", "rate"}, "storm");
        if (!s["duration"] || !s["rate"]) r.fail(s, "a storm needs 'duration' and 'rate' (like {start: 1ms, duration: 2ms, rate: 100kHz})");
        f.storm_start = s["start"] ? r.time(s["start"], "storm.start") : 0;
        f.storm_end = f.storm_start + r.time(s["duration"], "storm.duration", 1);
        std::int64_t per_sec = rate(s["rate"], "storm.rate", 1, 100'000'000);
        f.storm_period = std::max<sim::Time>(1, sim::kNsPerSec / per_sec);
    }
    if (const YAML::Node& s = item["lose_edges"]) {
        if (f.level) r.fail(s, "lose_edges: line " + std::to_string(f.gsi) + " is level-triggered; only an edge line (1-15) loses edges");
        f.lose = percent(s, "lose_edges");
    }
    if (const YAML::Node& s = item["jitter"]) {
        if (f.level) r.fail(s, "jitter: line " + std::to_string(f.gsi) + " is level-triggered; jitter delays the edges of an edge line (1-15)");
        f.jitter = r.time(s, "jitter", 1, sim::kNsPerSec);
    }
    if (item.size() == 1) r.fail(item, "a line fault needs one of stuck, spurious, storm, lose_edges, jitter");
    sc.line_faults.push_back(std::move(f));
}

// "10%" or a probability "0.1".
double Parser::percent(const YAML::Node& v, const char* what) {
    std::string s = r.str(v, what);
    bool pct = !s.empty() && s.back() == '%';
    char* end = nullptr;
    std::string digits = pct ? s.substr(0, s.size() - 1) : s;
    double x = std::strtod(digits.c_str(), &end);
    if (digits.empty() || end != digits.c_str() + digits.size()) r.fail(v, std::string(what) + " is a percentage like 10% (or 0.1), not '" + s + "'");
    if (pct) x /= 100;
    if (x < 0 || x > 1) r.fail(v, std::string(what) + " must be between 0% and 100%, not " + s);
    return x;
}

// Each device type's own checks, once its workload and faults are merged in.
void Parser::check_devices() {
    for (std::size_t i = 0; i < sc.devices.size(); ++i) {
        const dev::DeviceType* t = dev::find_type(sc.devices[i].type);
        if (!t->check) continue;
        std::string complaint = t->check(sc.devices[i].params);
        if (!complaint.empty()) r.fail(device_nodes[i], complaint);
    }
}

// A device's Events parameter: a list of maps with the type's fields.
std::vector<dev::EventValue> Parser::events(const YAML::Node& v, const dev::ParamSpec& p, const std::string& field) {
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
void Parser::drivers(const YAML::Node& list) {
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
        // A device type's own driver with none of its devices on the machine is a dangling
        // reference: Linux would load it and bind nothing, which is never what a lesson means.
        std::vector<std::string> drives;
        bool present = false;
        for (const dev::DeviceType& t : dev::types())
            if (t.module == m.name) {
                drives.push_back(t.name);
                for (const DeviceSpec& d : sc.devices) present |= d.type == t.name;
            }
        if (!drives.empty() && !present)
            r.fail(name_node, "module '" + m.name + "' drives " + join(drives) + " devices, and the machine has none (add one under devices:)");
        sc.modules.push_back(m);
    }
}

// A resource bomb: a rate or period that, over run.until, would make more events than
// any run should (irqlab simulates about a million interrupts per wall second).
void Parser::check_load(const YAML::Node& root) {
    constexpr double kMaxEvents = 1e9;
    double total = 0, worst = 0;
    YAML::Node worst_at = root["run"]["until"];
    auto add = [&](double n, const YAML::Node& at) {
        total += n;
        if (n > worst) worst = n, worst_at = at;
    };
    for (std::size_t i = 0; i < sc.devices.size(); ++i) {
        const dev::Params& p = sc.devices[i].params;
        const dev::DeviceType* t = dev::find_type(sc.devices[i].type);
        sim::Time from = p.count("start") ? p.at("start").number : 0;
        double window = static_cast<double>(std::max<sim::Time>(0, sc.until - from)) / sim::kNsPerSec;
        double cap = p.count("count") ? static_cast<double>(p.at("count").number) : 1e300;
        for (const dev::ParamSpec& s : t->params) {
            auto it = p.find(s.name);
            if (it == p.end()) continue;
            YAML::Node at = param_nodes.at({i, s.name});
            if (s.kind == dev::ParamSpec::Kind::Rate)
                add(std::min(cap, static_cast<double>(it->second.number) * window), at);
            else if (s.name == "every" && it->second.number > 0)
                add(std::min(cap, window * sim::kNsPerSec / static_cast<double>(it->second.number)), at);
        }
    }
    for (const dev::LineFaultSpec& f : sc.line_faults)
        if (f.storm_period > 0)
            add(static_cast<double>(std::min(f.storm_end, sc.until) - f.storm_start) / static_cast<double>(f.storm_period),
                root["run"]["until"]);
    if (total > kMaxEvents) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2g", total);
        r.fail(worst_at, std::string("this run would simulate about ") + buf + " interrupts over run.until (" +
                             sim::format_time(sc.until) + "): hours of wall time at about a million a second; "
                             "lower the rate or shorten run.until (at most 1e9)");
    }
}

}  // namespace irqlab::scenario
