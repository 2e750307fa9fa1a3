// irqlab run --trace-json: the Chrome Trace Event JSON that Perfetto UI and the Chrome
// DevTools Performance panel read. These check its structure; tests/js/check-trace-json.sh
// has the DevTools trace engine itself read it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "cli.hpp"

using irqlab::test::irqlab_cli;
using irqlab::test::slurp;
using irqlab::test::temp_path;
using nlohmann::json;

namespace {

std::string run_to_text(const std::string& args) {
    std::string path = temp_path("trace.json");
    auto r = irqlab_cli("run -q " + args + " --trace-json " + path);
    std::string text = slurp(path);
    std::remove(path.c_str());
    INFO(r.err);
    REQUIRE(r.code <= 1);  // (1: a shortened lesson misses its expectations)
    return text;
}

json run_to_json(const std::string& args) {
    return json::parse(run_to_text(args));
}

using Track = std::pair<int, int>;  // pid, tid
Track track_of(const json& e) {
    return {e["pid"].get<int>(), e["tid"].get<int>()};
}

// A flow event binds to the first event of its track with its ts and cat, in the order
// the DevTools engine sorts them (start, longest first, then file order).
struct Bound {
    std::size_t index;
    std::string name;
};
std::map<std::tuple<int, int, double, std::string>, Bound> bindings(const json& events) {
    std::map<std::tuple<int, int, double, std::string>, Bound> out;
    std::map<std::tuple<int, int, double, std::string>, double> longest;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const json& e = events[i];
        if (e["ph"] != "X" && e["ph"] != "i") continue;
        auto key = std::make_tuple(e["pid"].get<int>(), e["tid"].get<int>(), e["ts"].get<double>(),
                                   e["cat"].get<std::string>());
        double dur = e.value("dur", 0.0);
        if (!out.count(key) || dur > longest[key]) {
            out[key] = {i, e["name"].get<std::string>()};
            longest[key] = dur;
        }
    }
    return out;
}

// (source slice, target slice) of every flow, by name.
std::set<std::pair<std::string, std::string>> flow_pairs(const json& events) {
    auto bound = bindings(events);
    std::map<long, std::string> starts;
    std::set<std::pair<std::string, std::string>> out;
    for (const json& e : events) {
        if (e["ph"] != "s" && e["ph"] != "f") continue;
        auto b = bound.find({e["pid"].get<int>(), e["tid"].get<int>(), e["ts"].get<double>(),
                             e["cat"].get<std::string>()});
        if (b == bound.end()) continue;
        if (e["ph"] == "s")
            starts[e["id"].get<long>()] = b->second.name;
        else if (starts.count(e["id"].get<long>()))
            out.insert({starts[e["id"].get<long>()], b->second.name});
    }
    return out;
}

const char* kLatency = "scenarios/bh-latency-compare.yaml";  // tasklet, work item, IRQ thread

}  // namespace

TEST_CASE(
    "trace-json: the trace is Chrome's JSON Object Format, every event with a cat and a known "
    "phase") {
    json t = run_to_json(kLatency);
    CHECK(t["displayTimeUnit"] == "ns");
    CHECK(t["otherData"]["scenario"] == "bh-latency-compare");
    CHECK(t["otherData"]["seed"] == 1);
    CHECK(t["otherData"]["irqlab"] == "0.1");
    const json& events = t["traceEvents"];
    REQUIRE(events.size() > 100);
    std::map<std::string, int> phases;
    for (const json& e : events) {
        INFO(e.dump());
        REQUIRE(e.contains("cat"));
        REQUIRE(e.contains("pid"));
        REQUIRE(e.contains("tid"));
        std::string ph = e["ph"];
        phases[ph]++;
        CHECK(std::string("XiCMsf").find(ph) != std::string::npos);
        if (ph == "M") CHECK(e["cat"] == "__metadata");
        if (ph == "X") CHECK(e["dur"].get<double>() >= 0);
        if (ph != "M") CHECK(e["ts"].get<double>() > 0);  // viewers leave ts 0 out of the bounds
    }
    for (const char* ph : {"X", "C", "M", "s", "f"})
        CHECK(phases[ph] > 0);  // (and "i": an edge, a bug, a milestone)
}

TEST_CASE(
    "trace-json: times are microseconds with ns precision, starting 1 us after simulated time 0") {
    std::string text = run_to_text("scenarios/bh-tasklet-split.yaml --set run.until=2ms");
    // The first line change is at 1 ms; the handler entry 500 ns after it (ftrace: 0.001000).
    CHECK(text.find("{\"name\":\"gsi17 "
                    "asserted\",\"cat\":\"irqlab\",\"ph\":\"X\",\"ts\":1001,\"dur\":3.05,") !=
          std::string::npos);
    CHECK(text.find("{\"name\":\"irq_handler: irqgen.0 "
                    "(irq=17)\",\"cat\":\"irqlab\",\"ph\":\"X\",\"ts\":1001.5,\"dur\":2.55,") !=
          std::string::npos);
    CHECK(text.find("{\"name\":\"irqgen_bh\",\"cat\":\"irqlab\",\"ph\":\"X\",\"ts\":1004.251,"
                    "\"dur\":300,") != std::string::npos);
}

TEST_CASE(
    "trace-json: slices on one track nest strictly, in integer ns and as readers add ts + dur in "
    "doubles") {
    for (const char* scenario :
         {kLatency, "scenarios/net-livelock-napi.yaml", "scenarios/disk-completion-context.yaml"}) {
        json events = run_to_json(scenario)["traceEvents"];
        std::map<Track, std::vector<std::size_t>> slices;
        for (std::size_t i = 0; i < events.size(); ++i)
            if (events[i]["ph"] == "X") slices[track_of(events[i])].push_back(i);
        REQUIRE(slices.size() > 2);
        for (auto& [track, v] : slices) {
            auto ts = [&](std::size_t i) { return events[i]["ts"].get<double>(); };
            auto dur = [&](std::size_t i) { return events[i]["dur"].get<double>(); };
            std::stable_sort(v.begin(), v.end(), [&](std::size_t a, std::size_t b) {
                return ts(a) != ts(b) ? ts(a) < ts(b) : dur(a) > dur(b);
            });
            std::vector<std::size_t> stack;
            for (std::size_t i : v) {
                while (!stack.empty() && ts(stack.back()) + dur(stack.back()) <= ts(i) &&
                       ts(stack.back()) != ts(i))
                    stack.pop_back();
                if (stack.empty()) {
                    stack.push_back(i);
                    continue;
                }
                std::size_t p = stack.back();
                INFO(scenario << ": " << events[p].dump() << " holds " << events[i].dump());
                CHECK(ts(i) + dur(i) <= ts(p) + dur(p));
                CHECK(std::llround((ts(i) + dur(i)) * 1000) <=
                      std::llround(ts(p) * 1000) + std::llround(dur(p) * 1000));
                stack.push_back(i);
            }
        }
    }
}

TEST_CASE(
    "trace-json: each flow's s and f bind to the start of a slice on their track with its cat, in "
    "the order readers need") {
    for (const char* scenario :
         {kLatency, "scenarios/kbd-blocked-reader.yaml", "scenarios/uart-trigger-level.yaml"}) {
        json events = run_to_json(scenario)["traceEvents"];
        auto bound = bindings(events);
        std::map<long, std::size_t> start_at, start_slice;
        int flows = 0;
        for (std::size_t i = 0; i < events.size(); ++i) {
            const json& e = events[i];
            if (e["ph"] != "s" && e["ph"] != "f") continue;
            INFO(scenario << ": " << e.dump());
            CHECK(e["cat"] == "irqlab");
            auto b = bound.find(
                {e["pid"].get<int>(), e["tid"].get<int>(), e["ts"].get<double>(), "irqlab"});
            REQUIRE(b != bound.end());
            CHECK(b->second.index <
                  i);  // Perfetto binds a flow event to the slice open when it reads it
            long id = e["id"];
            if (e["ph"] == "s") {
                CHECK(!e.contains("bp"));
                CHECK(start_at.count(id) == 0);
                start_at[id] = i;
                start_slice[id] = b->second.index;
            } else {
                CHECK(e["bp"] == "e");
                REQUIRE(start_at.count(id) == 1);  // the DevTools engine pairs them in file order
                CHECK(events[start_at[id]]["name"] == e["name"]);
                CHECK(start_slice[id] <
                      b->second.index);  // ... and draws from the slice it met first
                ++flows;
            }
        }
        CHECK(flows > 5);
        CHECK(static_cast<std::size_t>(flows) == start_at.size());
    }
}

TEST_CASE(
    "trace-json: flows follow the causes: line, handler, the bottom half it started, the task it "
    "woke") {
    auto pairs = flow_pairs(run_to_json(kLatency)["traceEvents"]);
    CHECK(pairs.count({"gsi17 asserted", "irq_handler: irqgen.0 (irq=17)"}));
    CHECK(pairs.count({"irq_handler: irqgen.0 (irq=17)", "TASKLET"}));
    CHECK(pairs.count({"irq_handler: irqgen.1 (irq=18)", "irqgen_work"}));
    CHECK(pairs.count({"irq_handler: irqgen.1 (irq=18)", "kworker/0:0-1"}));
    // IRQ_WAKE_THREAD: woken after irq_handler_exit, still the handler's doing.
    CHECK(pairs.count({"irq_handler: irqgen.2 (irq=19)", "irq/19-irqgen.2-7"}));
    CHECK(!pairs.count({"cruncher-6", "irq/19-irqgen.2-7"}));

    auto kbd = flow_pairs(run_to_json("scenarios/kbd-blocked-reader.yaml")["traceEvents"]);
    CHECK(kbd.count({"gsi1 edge", "irq_handler: i8042 (irq=1)"}));
    CHECK(kbd.count({"kbd_bh", "reader-6"}));  // the tasklet wakes the blocked reader
    // Caps Lock: the tasklet queues atkbd's event work (named "(atkbd_event_work)", as ftrace names
    // it).
    CHECK(kbd.count({"kbd_bh", "(atkbd_event_work)"}));
}

TEST_CASE(
    "trace-json: tracks: a process per CPU and per device, the kernel threads, named and sorted") {
    json events = run_to_json(kLatency)["traceEvents"];
    std::set<std::string> processes, threads;
    std::set<int> sorted_pids;
    for (const json& e : events) {
        if (e["ph"] != "M") continue;
        if (e["name"] == "process_name") processes.insert(e["args"]["name"].get<std::string>());
        if (e["name"] == "thread_name") threads.insert(e["args"]["name"].get<std::string>());
        if (e["name"] == "process_sort_index") sorted_pids.insert(e["pid"].get<int>());
    }
    CHECK(processes ==
          std::set<std::string>{"CPU 0", "irqgen.0", "irqgen.1", "irqgen.2", "kernel threads"});
    CHECK(sorted_pids.size() == processes.size());
    for (const char* t :
         {"CPU 0", "gsi17", "gsi18", "gsi19", "irq/19-irqgen.2", "kworker/0:0", "kworker/0:1"})
        CHECK(threads.count(t));
    // A kworker's track shows the work items it ran, by function.
    bool work = false;
    for (const json& e : events)
        if (e["ph"] == "X" && e["name"] == "irqgen_work")
            work = work || e["pid"] != events[0]["pid"];
    CHECK(work);
}

TEST_CASE("trace-json: a counter per CPU shows the softirqs raised and not yet run") {
    json events = run_to_json("scenarios/bh-tasklet-split.yaml --set run.until=2ms")["traceEvents"];
    std::vector<int> tasklet;
    for (const json& e : events) {
        if (e["ph"] != "C") continue;
        CHECK(e["name"] == "softirqs pending");
        CHECK(e["args"].size() == 10);
        tasklet.push_back(e["args"]["TASKLET"].get<int>());
    }
    CHECK(tasklet == std::vector<int>{1, 0});  // raised by the handler, cleared as it runs
}

TEST_CASE("trace-json: a NAPI poll is a slice inside NET_RX, ending at its napi_poll record") {
    json events =
        run_to_json("scenarios/net-livelock-napi.yaml --set run.until=5ms")["traceEvents"];
    std::vector<const json*> net_rx;
    int polls = 0;
    for (const json& e : events) {
        if (e["ph"] == "X" && e["name"] == "NET_RX") net_rx.push_back(&e);
        if (e["ph"] != "X" || e["name"].get<std::string>().rfind("napi_poll: ", 0) != 0) continue;
        ++polls;
        CHECK(e["cat"] == "irqlab.napi");
        CHECK(e["args"]["budget"] == 64);
        bool inside = std::any_of(net_rx.begin(), net_rx.end(), [&](const json* s) {
            return (*s)["tid"] == e["tid"] && (*s)["ts"].get<double>() <= e["ts"].get<double>() &&
                   e["ts"].get<double>() + e["dur"].get<double>() <=
                       (*s)["ts"].get<double>() + (*s)["dur"].get<double>();
        });
        // (NET_RX is written when it ends, after its polls: look for it afterwards too)
        if (!inside)
            for (const json& s : events)
                if (s["ph"] == "X" && s["name"] == "NET_RX" && s["tid"] == e["tid"] &&
                    s["ts"].get<double>() <= e["ts"].get<double>() &&
                    e["ts"].get<double>() + e["dur"].get<double>() <=
                        s["ts"].get<double>() + s["dur"].get<double>())
                    inside = true;
        CHECK(inside);
    }
    CHECK(polls > 3);
}

TEST_CASE(
    "trace-json: slices still open when the run ends are closed there, and the file is complete") {
    std::string text = run_to_text(std::string(kLatency) + " --set run.until=3ms");
    CHECK(text.substr(text.size() - 4) == "\n]}\n");
    json events = json::parse(text)["traceEvents"];
    bool cruncher = false;
    for (const json& e : events)
        if (e["ph"] == "X" && e["name"] == "cruncher-6" &&
            e["ts"].get<double>() + e["dur"].get<double>() == 3001)
            cruncher = true;
    CHECK(cruncher);  // computing until the end: 3 ms + the 1 us offset
}

TEST_CASE("trace-json: the same scenario and seed give a byte-identical JSON trace") {
    std::string a = run_to_text(kLatency), b = run_to_text(kLatency);
    CHECK(a.size() > 10000);
    CHECK(a == b);
    CHECK(run_to_text(std::string(kLatency) + " --seed 2") != a);
}

TEST_CASE("trace-json: a trace file that cannot be written is bad input: exit 2") {
    auto r = irqlab_cli("run -q scenarios/hello.yaml --trace-json /nonexistent-dir/trace.json");
    CHECK(r.code == 2);
    CHECK(r.err.find("cannot write the trace to /nonexistent-dir/trace.json") != std::string::npos);
}
