// Processes' system calls on device files in scenarios: the steps, their errors, and the
// expectations on what was read and on device counters.
#include <catch2/catch.hpp>

#include <fstream>

#include "cli.hpp"
#include "tools/scenario/scenario.hpp"

using namespace irqlab;
using namespace irqlab::scenario;

namespace {
std::string error_of(const std::string& yaml) {
    try {
        parse(YAML::Load(yaml), "f.yaml");
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// a + b, built by appending (GCC 12 warns falsely, -Warray-bounds, about std::string(a) + "literal").
std::string cat(const char* a, const char* b) {
    std::string s = a;
    s.append(b);
    return s;
}

test::CliResult run_yaml(const std::string& name, const std::string& yaml) {
    std::string path = test::temp_path(name + ".yaml");
    std::ofstream(path) << yaml;
    test::CliResult r = test::irqlab_cli("run " + path);
    std::remove(path.c_str());
    return r;
}

const char* kSeed000 = R"(irqlab: 1
drivers: [tasklet_example]
processes:
  - name: user
    start: 1ms
    program:
      - read: /dev/tasklet_dev
run: {until: 5ms}
)";
}  // namespace

TEST_CASE("the file steps parse: open with flags and nonblock, read with a byte count, close and ioctl") {
    Scenario sc = parse(YAML::Load(R"(irqlab: 1
processes:
  - name: p
    program:
      - open: {path: /dev/kbd, flags: rdonly, nonblock: true}
      - read: {path: /dev/kbd, bytes: 8}
      - ioctl: {path: /dev/kbd, cmd: 21505, arg: 7}
      - close: /dev/kbd
run: {until: 1ms}
)"),
                        "f.yaml");
    const auto& prog = sc.tasks.at(0).program;
    REQUIRE(prog.size() == 4);
    CHECK(prog[0].kind == Op::Kind::Open);
    CHECK(prog[0].count == 04000);  // O_RDONLY | O_NONBLOCK
    CHECK(prog[1].kind == Op::Kind::Read);
    CHECK(prog[1].count == 8);
    CHECK(prog[2].kind == Op::Kind::Ioctl);
    CHECK(prog[2].count == 21505);
    CHECK(prog[2].time2 == 7);
    CHECK(prog[3].kind == Op::Kind::Close);
}

TEST_CASE("a file step outside /dev, or in a kthread, is refused with its location") {
    CHECK(error_of("irqlab: 1\nprocesses:\n  - name: p\n    program:\n      - read: /etc/passwd\nrun: {until: 1ms}\n") ==
          "f.yaml:5:15: read: device files are under /dev/ (like /dev/kbd)");
    CHECK(error_of("irqlab: 1\nkthreads:\n  - name: k\n    program:\n      - open: /dev/kbd\nrun: {until: 1ms}\n") ==
          "f.yaml:5:9: 'open' is a system call: use it in a process's program");
    CHECK(error_of("irqlab: 1\nprocesses:\n  - name: p\n    program:\n      - open: {path: /dev/x, flags: rw}\nrun: {until: 1ms}\n")
              .find("open.flags") != std::string::npos);
}

TEST_CASE("copy reads one device file and writes what the read returned to another (an echo on one tty)") {
    Scenario sc = parse(YAML::Load(R"(irqlab: 1
processes:
  - name: p
    program:
      - copy: {from: /dev/ttyS0, to: /dev/ttyS1, bytes: 64}
      - copy: {from: /dev/ttyS0, to: /dev/ttyS0}
run: {until: 1ms}
)"),
                        "f.yaml");
    const auto& prog = sc.tasks.at(0).program;
    REQUIRE(prog.size() == 2);
    CHECK(prog[0].kind == Op::Kind::Copy);
    CHECK(prog[0].target == "/dev/ttyS0");
    CHECK(prog[0].text == "/dev/ttyS1");
    CHECK(prog[0].count == 64);
    CHECK(prog[1].count == 4096);
    CHECK(error_of("irqlab: 1\nprocesses:\n  - name: p\n    program:\n      - copy: {from: /dev/ttyS0, to: /tmp/x}\n"
                   "run: {until: 1ms}\n") == "f.yaml:5:38: copy.to: device files are under /dev/ (like /dev/ttyS0)");
    CHECK(error_of("irqlab: 1\nprocesses:\n  - name: p\n    program:\n      - copy: {from: /dev/ttyS0}\nrun: {until: 1ms}\n") ==
          "f.yaml:5:15: copy needs 'from' and 'to' (device files, like /dev/ttyS0)");
    CHECK(error_of("irqlab: 1\nkthreads:\n  - name: k\n    program:\n      - copy: {from: /dev/a, to: /dev/b}\n"
                   "run: {until: 1ms}\n") == "f.yaml:5:9: 'copy' is a process reading and writing files: use it in a "
                                             "process's program");
}

TEST_CASE("opening a node no driver made fails the run (exit 1) and says why") {
    auto r = run_yaml("nonode", "irqlab: 1\nprocesses:\n  - name: p\n    program:\n      - read: /dev/nothing\nrun: {until: 1ms}\n");
    CHECK(r.code == 1);
    CHECK(r.out.find("FAILED: p: open /dev/nothing: -ENOENT") != std::string::npos);
}

TEST_CASE("expect.reads is met by what the process read and fails otherwise") {
    auto ok = run_yaml("reads-ok", cat(kSeed000, "expect:\n  reads: {user: \"Tasklet demo\"}\n"));
    CHECK(ok.code == 0);
    CHECK(ok.out.find("met:    user read \"Tasklet demo\"") != std::string::npos);
    auto bad = run_yaml("reads-bad", cat(kSeed000, "expect:\n  reads: {user: \"something else\"}\n"));
    CHECK(bad.code == 1);
    CHECK(bad.out.find("FAILED: user never read \"something else\" (it read 41 bytes)") != std::string::npos);
}

TEST_CASE("expect.devices bounds a device model's counter: exactly, or with an operator") {
    const char* base = R"(irqlab: 1
devices:
  - {type: mydev, line: 17, every: 1ms, start: 1ms, count: 3, burst: 2}
run: {until: 5ms}
expect:
  devices:
)";
    CHECK(run_yaml("dev-exact", cat(base, "    mydev.0: {received: 6}\n")).code == 0);
    CHECK(run_yaml("dev-ge", cat(base, "    mydev.0: {received: \">= 7\"}\n")).code == 1);
    auto unknown = run_yaml("dev-unknown", cat(base, "    mydev.0: {nonsense: 1}\n"));
    CHECK(unknown.code == 1);
    CHECK(unknown.out.find("mydev.0 nonsense: the device has no such counter") != std::string::npos);
    CHECK(error_of(cat(base, "    mydev.9: {received: 1}\n")).find("no device named 'mydev.9'") != std::string::npos);
}

TEST_CASE("poll sleeps on the driver's queues until it is ready or its timeout passes (do_poll)") {
    auto r = run_yaml("poll", R"(irqlab: 1
devices:
  - {type: i8042, text: "hi", start: 5ms, interval: 20ms, hold: 5ms}
processes:
  - name: p
    program:
      - open: {path: /dev/kbd, flags: rdonly}
      - poll: {path: /dev/kbd, events: in, timeout: 2ms}
      - poll: /dev/kbd
      - read: /dev/kbd
      - poll: {path: /dev/kbd, timeout: 100ms}
      - read: /dev/kbd
run: {until: 100ms}
expect:
  reads: {p: "hi"}
)");
    CHECK(r.code == 0);
    // The first times out before the first key (5ms); the second waits for it; the third
    // for the second key.
    CHECK(r.out.find("p /dev/kbd: 3 polls, 2 ready, 1 timed out") != std::string::npos);
    CHECK(error_of("irqlab: 1\nprocesses:\n  - name: p\n    program:\n      - poll: {path: /dev/kbd, events: [in, err]}\nrun: {until: 1ms}\n")
              .find("poll.events") != std::string::npos);
}
