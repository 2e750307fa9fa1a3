// The scenario format's sections and expectations added for the finished format:
// rates with units, workload:, faults:, resource bombs, order:, cpu_time:, bounds on IRQs.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <fstream>

#include "tests/tools/cli.hpp"
#include "tools/scenario/scenario.hpp"

using namespace irqlab::scenario;
using irqlab::test::irqlab_cli;
using irqlab::test::temp_path;

namespace {
std::string error_of(const std::string& text) {
    try {
        parse(YAML::Load(text), "f.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

// Runs `yaml` with -q and returns the CLI's result (the summary when not quiet).
irqlab::test::CliResult run(const std::string& yaml, const std::string& args = "") {
    std::string file = temp_path("format.yaml");
    std::ofstream(file) << yaml;
    auto r = irqlab_cli("run " + args + " " + file);
    std::remove(file.c_str());
    return r;
}

// a + b, appended (GCC 12 warns falsely on std::string + literal chains).
std::string cat(std::string a, const std::string& b) { return a.append(b); }

const char* kEdgeDevice =
    "irqlab: 1\n"
    "devices:\n"
    "  - {type: irqgen, line: 5, trigger: edge, every: 100us, start: 100us, count: 10}\n";
}  // namespace

TEST_CASE("a rate takes a unit: 10kHz, 1.5Mpps, 600000/s, or a bare number per second") {
    for (auto [text, want] : {std::pair{"600kpps", 600000}, std::pair{"1.2Mpps", 1200000}, std::pair{"50000/s", 50000},
                              std::pair{"10kHz", 10000}, std::pair{"70000", 70000}}) {
        Scenario sc = parse(YAML::Load(std::string("irqlab: 1\ndevices: [{type: e1000, msi: true, rate: ") + text +
                                       "}]\nrun: {until: 1ms}\n"),
                            "f.yaml");
        CHECK(sc.devices[0].params.at("rate").number == want);
    }
    CHECK(error_of("irqlab: 1\ndevices: [{type: e1000, msi: true, rate: 10kbps}]\nrun: {until: 1ms}\n") ==
          "f.yaml:2:42: e1000.rate: '10kbps': unknown unit 'kbps' (use Hz, pps or /s, with k, M or G: 10kHz, 1Mpps)");
}

TEST_CASE("a workload item gives a device's stimuli, and only those, once") {
    Scenario sc = parse(YAML::Load("irqlab: 1\ndevices: [{type: e1000, msi: true}]\n"
                                   "workload: [{device: e1000.0, rate: 100kpps, arrival: poisson}]\nrun: {until: 1ms}\n"),
                        "f.yaml");
    CHECK(sc.devices[0].params.at("rate").number == 100000);
    CHECK(sc.devices[0].params.at("arrival").text == "poisson");
    // A configuration key is not a stimulus: the nearest stimulus is suggested.
    CHECK(error_of("irqlab: 1\ndevices: [{type: e1000, msi: true}]\nworkload: [{device: e1000.0, style: napi}]\n"
                   "run: {until: 1ms}\n") == "f.yaml:3:30: unknown key 'style' in workload of a device of type e1000");
    CHECK(error_of("irqlab: 1\ndevices: [{type: e1000, msi: true, rate: 5000}]\nworkload: [{device: e1000.0, rate: 1kHz}]\n"
                   "run: {until: 1ms}\n") == "f.yaml:3:36: e1000.0's rate is already given on the device");
    CHECK(error_of("irqlab: 1\ndevices: [{type: e1000, msi: true}]\nworkload: [{device: e1000.1, rate: 1kHz}]\n"
                   "run: {until: 1ms}\n")
              .find("f.yaml:3:21: device: no device named 'e1000.1' (did you mean 'e1000.0'?)") == 0);
    // The device's own checks see the merged parameters.
    CHECK(error_of("irqlab: 1\ndevices: [{type: e1000, msi: true}]\nworkload: [{device: e1000.0, arrival: poisson}]\n"
                   "run: {until: 1ms}\n") == "f.yaml:2:11: 'arrival' shapes the `rate` stream: give 'rate' too");
}

TEST_CASE("a line fault is checked against how the line is wired") {
    CHECK(error_of("irqlab: 1\nfaults: [{line: 17, lose_edges: 10%}]\nrun: {until: 1ms}\n") ==
          "f.yaml:2:33: lose_edges: line 17 is level-triggered; only an edge line (1-15) loses edges");
    CHECK(error_of("irqlab: 1\nfaults: [{line: 5, lose_edges: 120%}]\nrun: {until: 1ms}\n") ==
          "f.yaml:2:32: lose_edges must be between 0% and 100%, not 120%");
    CHECK(error_of("irqlab: 1\nfaults: [{line: 5}]\nrun: {until: 1ms}\n") ==
          "f.yaml:2:10: a line fault needs one of stuck, spurious, storm, lose_edges, jitter");
    CHECK(error_of("irqlab: 1\nfaults: [{line: 5, storm: {rate: 1MHz}}]\nrun: {until: 1ms}\n").find("a storm needs 'duration'") !=
          std::string::npos);
}

TEST_CASE("a resource bomb is refused before it runs, with the estimate") {
    CHECK(error_of("irqlab: 1\ndevices: [{type: irqgen, line: 5, every: 1ns}]\nrun: {until: 1h}\n").find("unknown unit") !=
          std::string::npos);
    std::string e = error_of("irqlab: 1\ndevices: [{type: irqgen, line: 5, every: 1ns}]\nrun: {until: 10s}\n");
    CHECK(e.rfind("f.yaml:2:42: this run would simulate about 1e+10 interrupts over run.until (10s)", 0) == 0);
    e = error_of("irqlab: 1\ndevices: [{type: e1000, msi: true}]\nworkload: [{device: e1000.0, rate: 1Mpps}]\n"
                 "run: {until: 3600s}\n");
    CHECK(e.rfind("f.yaml:3:36: this run would simulate about 3.6e+09 interrupts", 0) == 0);
    // A count caps the estimate: a million events at 1 GHz is fine.
    CHECK(error_of("irqlab: 1\ndevices: [{type: irqgen, line: 5, every: 1ns, count: 1000}]\nrun: {until: 10s}\n") == "");
}

TEST_CASE("lose_edges loses about that share of a device's edges, the same ones for the same seed") {
    std::string yaml = cat(kEdgeDevice, "faults: [{line: 5, lose_edges: 25%}]\nrun: {until: 2ms}\nexpect: {irqs: {5: '< 10'}}\n");
    // 10 edges at 25%: at least one lost with this seed (the run fails if none is).
    auto a = run(yaml, "-q --trace-text /dev/stdout"), b = run(yaml, "-q --trace-text /dev/stdout");
    CHECK(a.code == 0);
    CHECK(a.out.find("irq_handler_entry: irq=5") != std::string::npos);
    CHECK(a.out == b.out);
    yaml = cat(kEdgeDevice, "faults: [{line: 5, lose_edges: 0%}]\nrun: {until: 2ms}\nexpect: {irqs: {5: 10}}\n");
    CHECK(run(yaml, "-q").code == 0);
}

TEST_CASE("a stuck edge line swallows the device's edges while it is held") {
    // Edges at 100us..1ms; the line held from 450us to 750us: its own rising edge makes one
    // interrupt with nothing pending, and the edges at 500, 600 and 700us are lost.
    std::string yaml = cat(kEdgeDevice, "faults: [{line: 5, stuck: {from: 450us, to: 750us}}]\nrun: {until: 2ms}\nexpect: {irqs: {5: 8}}\n");
    auto r = run(yaml);
    INFO(r.out);
    CHECK(r.code == 0);
}

TEST_CASE("spurious and storm fire a line with nothing pending") {
    // A level line: 2 spurious glitches and a storm of 100us at 100kHz (10 glitches).
    auto r = run("irqlab: 1\ndevices: [{type: irqgen, line: 17, trigger: level, at: [3ms]}]\n"
                 "faults: [{line: 17, spurious: [500us, 1ms], storm: {start: 2ms, duration: 100us, rate: 100kHz}}]\n"
                 "run: {until: 4ms}\nexpect: {irqs: {17: 13}}\n",
                 "--trace-text /dev/stdout -q");
    CHECK(r.code == 0);
    // The handler finds its device idle: IRQ_NONE, printed as "unhandled".
    CHECK(r.out.find("irq_handler_exit: irq=17 ret=unhandled") != std::string::npos);
}

TEST_CASE("an ordering expectation names the first violation's time and CPU") {
    std::string base = "irqlab: 1\ndevices:\n"
                       "  - {type: irqgen, line: 17, trigger: level, every: 1ms, start: 1ms, count: 3, bottom_half: tasklet}\n"
                       "run: {until: 5ms}\n";
    auto ok = run(cat(base, "expect: {order: [{first: irq 17, then: tasklet irqgen_bh}]}\n"));
    CHECK(ok.code == 0);
    CHECK(ok.out.find("met:    tasklet irqgen_bh after irq 17 on the same CPU (3x)") != std::string::npos);
    auto bad = run(cat(base, "expect: {order: [{first: tasklet irqgen_bh, then: irq 17}]}\n"));
    CHECK(bad.code == 1);
    CHECK(bad.out.find("FAILED: irq 17 after tasklet irqgen_bh on the same CPU: 1 of 3 had no tasklet irqgen_bh "
                       "before them since the one before (first at 1.0005ms on cpu0)") != std::string::npos);
    CHECK(error_of("irqlab: 1\nrun: {until: 1ms}\nexpect: {order: [{first: irq x, then: tasklet t}]}\n") ==
          "f.yaml:3:26: 'irq x': an IRQ is a number (like 'irq 17')");
    CHECK(error_of("irqlab: 1\nrun: {until: 1ms}\nexpect: {order: [{first: line irqgen.0, then: irq 5}]}\n")
              .find("happens on a device, on no CPU: add 'same_cpu: false'") != std::string::npos);
}

TEST_CASE("cpu_time bounds a CPU's time in a context, as a share or a time") {
    std::string base = "irqlab: 1\nprocesses: [{name: p, program: [{compute: 3ms}]}]\nrun: {until: 4ms}\n";
    CHECK(run(cat(base, "expect: {cpu_time: {cpu0: {user: '> 70%', idle: '< 30%'}, all: {user: '>= 3ms'}}}\n"), "-q").code == 0);
    auto r = run(cat(base, "expect: {cpu_time: {cpu0: {user: '> 80%'}}}\n"));
    CHECK(r.code == 1);
    CHECK(r.out.find("FAILED: cpu0 user time: 75.0% (3ms) (expected > 80%), at the end of the run (4ms)") != std::string::npos);
    CHECK(error_of(cat(base, "expect: {cpu_time: {cpu1: {user: '> 1%'}}}\n")) == "f.yaml:4:21: cpu1: the machine has 1 CPU(s)");
    CHECK(error_of(cat(base, "expect: {cpu_time: {cpu0: {usr: '> 1%'}}}\n")) ==
          "f.yaml:4:28: unknown key 'usr' in a CPU's time by context (did you mean 'user'?)");
}
