// Where a run writes its outputs (the scenario's outputs: section, the CLI's options), and
// a run cut short by Ctrl-C: its files are whole and closed.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/tools/cli.hpp"

using irqlab::test::irqlab_cli;
using irqlab::test::slurp;
using irqlab::test::temp_path;

TEST_CASE("the scenario's outputs: section names the files, and a CLI option wins over it") {
    std::string dir = temp_path("outputs");
    std::filesystem::create_directories(dir);
    std::string sc = dir + "/s.yaml";
    std::ofstream(sc) << "irqlab: 1\n"
                         "devices: [{type: irqgen, line: 17, trigger: level, at: [1ms]}]\n"
                         "run: {until: 2ms}\n"
                         "outputs: {dmesg: " + dir + "/log.txt, trace_text: " + dir + "/trace.txt, proc_dir: " + dir +
                             "/proc, stats_json: " + dir + "/stats.json}\n";
    auto r = irqlab_cli("run -q " + sc + " --dmesg " + dir + "/cli-log.txt");
    CHECK(r.code == 0);
    CHECK(slurp(dir + "/trace.txt").rfind("# tracer: nop", 0) == 0);
    CHECK(slurp(dir + "/proc/interrupts").find(" 17: ") != std::string::npos);
    CHECK(nlohmann::json::parse(slurp(dir + "/stats.json"))["scenario"]["until_ns"] == 2'000'000);
    // --dmesg on the command line replaced the section's dmesg.
    CHECK(slurp(dir + "/cli-log.txt").find("irqgen") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir + "/log.txt"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("Ctrl-C ends a run cleanly: exit 130, and every output file whole and closed") {
    std::string dir = temp_path("sigint");
    std::filesystem::create_directories(dir);
    // A run of several wall seconds, interrupted after half a second.
    std::string cmd = "cd " IRQLAB_SOURCE_DIR " && (" IRQLAB_BINARY
                      " run -q scenarios/net-livelock-napi.yaml --set run.until=20s --set 'expect={}' --trace-text " +
                      dir + "/t.txt --trace-json " + dir + "/t.json --stats-json " + dir + "/s.json --dmesg " + dir + "/log.txt 2>" + dir +
                      "/err & pid=$!; sleep 0.5; kill -INT $pid; wait $pid; echo $? >" + dir + "/code)";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(slurp(dir + "/code") == "130\n");
    std::string err = slurp(dir + "/err");
    CHECK(err.find("irqlab: interrupted at ") == 0);
    CHECK(err.find(" of 20s; the outputs end there") != std::string::npos);
    // The stats say where it stopped; the trace is complete up to there, line by line.
    auto stats = nlohmann::json::parse(slurp(dir + "/s.json"));
    std::int64_t stopped = stats["simulated_ns"];
    CHECK(stopped > 0);
    CHECK(stopped < 20'000'000'000);
    std::string trace = slurp(dir + "/t.txt");
    REQUIRE(!trace.empty());
    CHECK(trace.back() == '\n');
    auto json = nlohmann::json::parse(slurp(dir + "/t.json"));  // throws unless closed and valid
    CHECK(json["traceEvents"].size() > 100);
    std::filesystem::remove_all(dir);
}
