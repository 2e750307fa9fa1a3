#include <catch2/catch.hpp>

#include <fstream>

#include "cli.hpp"

using irqlab::test::irqlab_cli;
using irqlab::test::slurp;
using irqlab::test::temp_path;

TEST_CASE("irqlab run prints the summary and exits 0 when the scenario holds") {
    auto r = irqlab_cli("run scenarios/hello.yaml");
    CHECK(r.code == 0);
    CHECK(r.out.find("CPU time") != std::string::npos);
    CHECK(r.out.find("Result: ok") != std::string::npos);
}

TEST_CASE("a kernel bug the scenario does not expect makes the run exit 1") {
    auto r = irqlab_cli("run scenarios/sleep-with-spinlock.yaml --set 'expect.bugs=[]'");
    CHECK(r.code == 1);
    CHECK(r.out.find("unexpected bug 'scheduling while atomic'") != std::string::npos);
}

TEST_CASE("the same bug, expected, makes it exit 0; --dmesg holds Linux's report") {
    std::string dmesg = temp_path("dmesg");
    auto r = irqlab_cli("run scenarios/sleep-with-spinlock.yaml --dmesg " + dmesg);
    CHECK(r.code == 0);
    std::string log = slurp(dmesg);
    std::remove(dmesg.c_str());
    CHECK(log.find("] BUG: scheduling while atomic: ") != std::string::npos);
    CHECK(log.find("] Call Trace:") != std::string::npos);
}

TEST_CASE("bad input exits 2 with a located message") {
    std::string bad = temp_path("bad.yaml");
    std::ofstream(bad) << "irqlab: 1\nmachine:\n  cpus: 2\n  hz: 251\nrun: {until: 1ms}\n";
    auto r = irqlab_cli("run " + bad);
    std::remove(bad.c_str());
    CHECK(r.code == 2);
    CHECK(r.err.find("bad.yaml:4:7: machine.hz must be one of 100, 250, 300, 1000, not '251'") != std::string::npos);
}

TEST_CASE("a missing file, an unknown command or option exits 2") {
    CHECK(irqlab_cli("run /nonexistent.yaml").code == 2);
    auto cmd = irqlab_cli("rnu scenarios/hello.yaml");
    CHECK(cmd.code == 2);
    CHECK(cmd.err.find("did you mean 'run'?") != std::string::npos);
    CHECK(irqlab_cli("run scenarios/hello.yaml --bogus").code == 2);
    CHECK(irqlab_cli("run").code == 2);
}

TEST_CASE("irqlab check validates without running") {
    auto ok = irqlab_cli("check scenarios/hello.yaml");
    CHECK(ok.code == 0);
    CHECK(ok.out == "scenarios/hello.yaml: ok\n");
}

TEST_CASE("the same scenario and seed give a byte-identical trace") {
    std::string a = temp_path("a.trace"), b = temp_path("b.trace");
    CHECK(irqlab_cli("run -q scenarios/hello.yaml --trace-text " + a).code == 0);
    CHECK(irqlab_cli("run -q scenarios/hello.yaml --trace-text " + b).code == 0);
    std::string ta = slurp(a), tb = slurp(b);
    std::remove(a.c_str());
    std::remove(b.c_str());
    CHECK(ta.size() > 1000);
    CHECK(ta == tb);
}

TEST_CASE("the text trace has ftrace's header and counts its entries") {
    std::string a = temp_path("h.trace");
    CHECK(irqlab_cli("run -q scenarios/hello.yaml --trace-text " + a).code == 0);
    std::string t = slurp(a);
    std::remove(a.c_str());
    CHECK(t.rfind("# tracer: nop\n#\n# entries-in-buffer/entries-written: ", 0) == 0);
    std::size_t lines = 0;
    for (char c : t) lines += c == '\n';
    std::size_t header = 12;
    std::string count = std::to_string(lines - header);
    CHECK(t.find("entries-written: " + count + "/" + count + "   #P:2") != std::string::npos);
}

TEST_CASE("irqlab run --timeline draws the whole run's lanes after the summary, within the width") {
    auto r = irqlab_cli("run scenarios/bh-tasklet-split.yaml --timeline --width 90");
    CHECK(r.code == 0);
    std::size_t summary = r.out.find("Result: ok"), lane = r.out.find("CPU0 |");
    REQUIRE(lane != std::string::npos);
    CHECK(summary < lane);
    CHECK(r.out.find("timeline 0ns to 20ms") != std::string::npos);
    // Ten interrupts, each a handler then its tasklet.
    std::string row = r.out.substr(lane, r.out.find('\n', lane) - lane);
    std::size_t pairs = 0;
    for (std::size_t at = row.find("HT"); at != std::string::npos; at = row.find("HT", at + 1)) ++pairs;
    CHECK(pairs == 10);
    CHECK(row.size() <= 90);
    CHECK(r.out.find("\033[") == std::string::npos);
}

TEST_CASE("irqlab run --timeline-window draws a part of the run; a bad window exits 2") {
    auto r = irqlab_cli("run scenarios/bh-tasklet-split.yaml -q --timeline-window 900us:1400us --width 80");
    CHECK(r.code == 0);
    CHECK(r.out.find("timeline 900us to 1.4ms") == 0);
    auto bad = irqlab_cli("run scenarios/bh-tasklet-split.yaml --timeline-window 3ms:1ms");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("--timeline-window takes FROM:TO, two times within the run (0:20ms), not '3ms:1ms'") !=
          std::string::npos);
}
