#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "tools/scenario/scenario.hpp"

using namespace irqlab::scenario;

namespace {
std::string error_of(const std::string& text) {
    try {
        parse(YAML::Load(text), "f.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}
const char* kMinimal = "irqlab: 1\nrun: {until: 1ms}\n";
}  // namespace

TEST_CASE("a minimal scenario parses with the defaults") {
    Scenario sc = parse(YAML::Load(kMinimal), "f.yaml");
    CHECK(sc.machine.cpus == 1);
    CHECK(sc.machine.hz == 250);
    CHECK(sc.until == 1'000'000);
    CHECK(sc.seed == 1);
}

TEST_CASE("an unknown key is located and the nearest known one is suggested") {
    CHECK(error_of("irqlab: 1\nmachine:\n  cpuss: 2\nrun: {until: 1ms}\n") ==
          "f.yaml:3:3: unknown key 'cpuss' in machine (did you mean 'cpus'?)");
    CHECK(error_of("irqlab: 1\nrun: {untill: 1ms}\n") == "f.yaml:2:7: unknown key 'untill' in run (did you mean 'until'?)");
}

TEST_CASE("a time without a unit, or with a wrong one, is located") {
    CHECK(error_of("irqlab: 1\nrun: {until: 5}\n") == "f.yaml:2:14: run.until: '5': missing unit (ns, us, ms or s)");
    CHECK(error_of("irqlab: 1\nrun: {until: 5min}\n") ==
          "f.yaml:2:14: run.until: '5min': unknown unit 'min' (use ns, us, ms or s)");
}

TEST_CASE("out-of-range values are refused, with the range") {
    CHECK(error_of("irqlab: 1\nmachine: {cpus: 1000000}\nrun: {until: 1ms}\n") ==
          "f.yaml:2:17: machine.cpus must be between 1 and 256, not 1000000");
    CHECK(error_of("irqlab: 1\nrun: {until: 3000h}\n").find("unknown unit") != std::string::npos);
}

TEST_CASE("a reference to a sync object that does not exist is refused") {
    std::string e = error_of(
        "irqlab: 1\nsync: [{name: stats_lock, type: spinlock}]\n"
        "kthreads:\n  - name: k\n    program:\n      - lock: stats_lok\nrun: {until: 1ms}\n");
    CHECK(e == "f.yaml:6:15: lock: no sync object named 'stats_lok' (did you mean 'stats_lock'?)");
}

TEST_CASE("an unknown program operation is refused with a suggestion") {
    std::string e = error_of("irqlab: 1\nkthreads:\n  - name: k\n    program:\n      - slep: 1ms\nrun: {until: 1ms}\n");
    CHECK(e == "f.yaml:5:9: unknown operation 'slep' (did you mean 'sleep'?)");
}

TEST_CASE("a user process may not take kernel locks") {
    std::string e = error_of(
        "irqlab: 1\nsync: [{name: l, type: spinlock}]\nprocesses:\n  - name: p\n    program: [lock: l]\nrun: {until: 1ms}\n");
    CHECK(e.find("only kthreads do that") != std::string::npos);
}

TEST_CASE("the format version is required and checked") {
    CHECK(error_of("run: {until: 1ms}\n") == "f.yaml:1:1: missing 'irqlab: 1' (the format version) at the top");
    CHECK(error_of("irqlab: 2\nrun: {until: 1ms}\n") ==
          "f.yaml:1:9: format version 2 is not supported (this irqlab reads version 1)");
}

TEST_CASE("an unknown bug kind in expect is refused with a suggestion") {
    std::string e = error_of("irqlab: 1\nrun: {until: 1ms}\nexpect:\n  bugs: [scheduling while atomc]\n");
    CHECK(e == "f.yaml:4:10: unknown bug kind 'scheduling while atomc' (did you mean 'scheduling while atomic'?)");
}

TEST_CASE("YAML syntax errors are located") {
    try {
        load_file(IRQLAB_SOURCE_DIR "/tests/tools/data/bad_syntax.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        CHECK(std::string(e.what()).find("bad_syntax.yaml:4:5: end of sequence flow not found") != std::string::npos);
    }
}

TEST_CASE("a key overridden with --set is changed before checking") {
    Scenario sc = load_file(IRQLAB_SOURCE_DIR "/scenarios/hello.yaml", {"run.until=3ms", "machine.cpus=3"});
    CHECK(sc.until == 3'000'000);
    CHECK(sc.machine.cpus == 3);
}
