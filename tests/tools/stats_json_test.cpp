// `irqlab run --stats-json`: the figures are the kernel's own, as its /proc files and the
// text summary show them, and everything outside "host" is deterministic.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "cli.hpp"
#include "sim/time.hpp"

using irqlab::test::irqlab_cli;
using irqlab::test::slurp;
using irqlab::test::temp_path;
using nlohmann::json;

namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string s; in >> s;) w.push_back(s);
    return w;
}

std::vector<std::string> lines(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> l;
    for (std::string s; std::getline(in, s);) l.push_back(s);
    return l;
}

struct Run {
    int code;
    std::string summary;  // empty with -q
    json stats;
    std::string proc;  // --proc-dir, removed by the destructor
    ~Run() { std::filesystem::remove_all(proc); }
};

// Runs `args` with --stats-json and --proc-dir added.
Run run(const std::string& args) {
    std::string path = temp_path("stats.json"), proc = temp_path("proc");
    auto r = irqlab_cli(args + " --stats-json " + path + " --proc-dir " + proc);
    json stats = json::parse(slurp(path));  // throws (and fails the test) if not valid JSON
    std::remove(path.c_str());
    return {r.code, r.out, stats, proc};
}

// A /proc table's rows ("24:" or "NET_RX:") -> the per-CPU columns that follow.
std::map<std::string, std::vector<std::uint64_t>> proc_rows(const std::string& text,
                                                            std::size_t nr_cpus) {
    std::map<std::string, std::vector<std::uint64_t>> rows;
    for (const std::string& l : lines(text)) {
        auto w = words(l);
        if (w.size() < nr_cpus + 1 || w[0].back() != ':') continue;
        std::vector<std::uint64_t> v;
        for (std::size_t c = 1; c <= nr_cpus; ++c) v.push_back(std::stoull(w[c]));
        rows[w[0].substr(0, w[0].size() - 1)] = v;
    }
    return rows;
}

// The summary's rows whose first words are `prefix` (e.g. "IRQ", "softirq"), by their
// second word.
std::map<std::string, std::vector<std::string>> summary_rows(const std::string& summary,
                                                             const std::string& prefix) {
    std::map<std::string, std::vector<std::string>> rows;
    for (const std::string& l : lines(summary)) {
        auto w = words(l);
        if (l.rfind("  " + prefix + " ", 0) == 0 && w.size() > 2) rows[w[1]] = w;
    }
    return rows;
}

}  // namespace

TEST_CASE("the stats JSON names the version, the scenario, its seed and until, and the verdict") {
    Run r = run("run scenarios/disk-hdd-vs-ssd.yaml --seed 7");
    REQUIRE(r.code == 0);
    const json& s = r.stats;
    CHECK(s["irqlab_version"].is_string());
    CHECK(s["scenario"]["name"] == "disk-hdd-vs-ssd");
    CHECK(s["scenario"]["seed"] == 7);
    CHECK(s["scenario"]["until_ns"].is_number_integer());
    CHECK(s["simulated_ns"] == s["scenario"]["until_ns"]);
    CHECK(s["verdict"]["ok"] == true);
    CHECK(s["verdict"]["failed"].empty());
    std::vector<std::string> met;
    for (const std::string& l : lines(r.summary))
        if (l.rfind("  met:    ", 0) == 0) met.push_back(l.substr(10));
    CHECK(met.size() > 5);
    CHECK(s["verdict"]["met"].get<std::vector<std::string>>() == met);
}

TEST_CASE("an unmet expectation is in the verdict's failed list") {
    Run r = run("run -q scenarios/sleep-with-spinlock.yaml --set 'expect.bugs=[]'");
    CHECK(r.code == 1);
    CHECK(r.stats["verdict"]["ok"] == false);
    REQUIRE(r.stats["verdict"]["failed"].size() == 1);
    CHECK(r.stats["verdict"]["failed"][0].get<std::string>().find(
              "unexpected bug 'scheduling while atomic'") != std::string::npos);
    const json& bugs = r.stats["bugs"];
    CHECK(bugs["total"].get<std::uint64_t>() >= 1);
    CHECK(bugs["kinds"][0]["kind"] == "scheduling while atomic");
    CHECK(bugs["kinds"][0]["first"]["line"].get<std::string>().rfind("BUG: scheduling while atomic",
                                                                     0) == 0);
}

TEST_CASE("an IRQ's per-CPU counts in --stats-json equal its /proc/interrupts row") {
    Run r = run("run -q scenarios/net-rss.yaml");
    REQUIRE(r.code == 0);
    std::size_t cpus = r.stats["machine"]["cpus"];
    REQUIRE(r.stats["cpus"].size() == cpus);
    auto rows = proc_rows(slurp(r.proc + "/interrupts"), cpus);
    REQUIRE(r.stats["interrupts"].size() == 4);
    for (const json& irq : r.stats["interrupts"]) {
        auto row = rows.find(std::to_string(irq["irq"].get<unsigned>()));
        REQUIRE(row != rows.end());
        auto per_cpu = irq["per_cpu"].get<std::vector<std::uint64_t>>();
        CHECK(per_cpu == row->second);
        std::uint64_t total = 0;
        for (std::uint64_t n : per_cpu) total += n;
        CHECK(irq["total"] == total);
        CHECK(total > 0);
    }
}

TEST_CASE("the softirq counts in --stats-json equal /proc/softirqs") {
    Run r = run("run -q scenarios/net-rss.yaml");
    std::size_t cpus = r.stats["machine"]["cpus"];
    auto rows = proc_rows(slurp(r.proc + "/softirqs"), cpus);
    REQUIRE(rows.size() == 10);
    REQUIRE(r.stats["softirqs"].size() == 10);
    for (const auto& [name, per_cpu] : rows) {
        std::string key = name;
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        INFO(key);
        CHECK(r.stats["softirqs"][key].get<std::vector<std::uint64_t>>() == per_cpu);
    }
    CHECK(r.stats["softirqs"]["net_rx"][0].get<std::uint64_t>() > 0);
}

TEST_CASE("the latency figures in --stats-json are the ones the text summary prints") {
    for (const char* file :
         {"scenarios/bh-latency-compare.yaml", "scenarios/kbd-blocked-reader.yaml"}) {
        INFO(file);
        Run r = run(std::string("run ") + file);
        REQUIRE(r.code == 0);
        using irqlab::sim::format_time;
        // "  IRQ 17  40  irqgen.0  40  500ns  2.1us  2.1us": total, then n, median, p99, max.
        auto irq_rows = summary_rows(r.summary, "IRQ");
        REQUIRE(irq_rows.size() == r.stats["interrupts"].size());
        for (const json& irq : r.stats["interrupts"]) {
            const auto& w = irq_rows.at(std::to_string(irq["irq"].get<unsigned>()));
            std::size_t n = w.size() - (irq["disabled"].get<bool>() ? 5 : 4);
            CHECK(w[2] == std::to_string(irq["total"].get<std::uint64_t>()));
            const json& l = irq["latency"];
            CHECK(w[n] == std::to_string(l["count"].get<std::uint64_t>()));
            CHECK(w[n + 1] == format_time(l["median_ns"].get<irqlab::sim::Time>()));
            CHECK(w[n + 2] == format_time(l["p99_ns"].get<irqlab::sim::Time>()));
            CHECK(w[n + 3] == format_time(l["max_ns"].get<irqlab::sim::Time>()));
        }
        // "  tasklet  irqgen_bh  40  201ns  201ns  201ns", and the same for reads.
        std::size_t paths = 0;
        for (const char* table : {"bottom_halves", "blocked_reads"})
            for (const json& p : r.stats[table]) {
                // The rows' map must outlive the row read from it.
                const auto rows = summary_rows(r.summary, p["kind"].get<std::string>());
                const auto& w = rows.at(p["name"].get<std::string>());
                CHECK(w[2] == std::to_string(p["count"].get<std::uint64_t>()));
                CHECK(w[3] == format_time(p["median_ns"].get<irqlab::sim::Time>()));
                CHECK(w[4] == format_time(p["p99_ns"].get<irqlab::sim::Time>()));
                CHECK(w[5] == format_time(p["max_ns"].get<irqlab::sim::Time>()));
                ++paths;
            }
        CHECK(paths >= 2);
    }
}

TEST_CASE("what processes read is in --stats-json: count, bytes and the first bytes") {
    Run r = run("run -q scenarios/kbd-blocked-reader.yaml");
    REQUIRE(r.stats["reads"].size() == 1);
    const json& reads = r.stats["reads"][0];
    CHECK(reads["task"] == "reader");
    CHECK(reads["path"] == "/dev/kbd");
    CHECK(reads["count"] == 9);
    CHECK(reads["bytes"] == 9);
    CHECK(reads["head"] == "hello\nOK\n");
    const json& dev = r.stats["devices"][0];
    CHECK(dev["instance"] == "i8042.0");
    CHECK(dev["counters"]["keys_pressed"] == 10);
}

TEST_CASE("the stats JSON is deterministic outside host, and the same with -q") {
    Run a = run("run scenarios/net-rss.yaml");
    Run b = run("run -q scenarios/net-rss.yaml");
    CHECK(a.stats["host"]["wall_ns"].is_number_integer());
    a.stats.erase("host");
    b.stats.erase("host");
    CHECK(a.stats.dump() == b.stats.dump());
}

TEST_CASE("a stats JSON path that cannot be written exits 2") {
    auto r = irqlab_cli("run -q scenarios/hello.yaml --stats-json /nonexistent-dir/stats.json");
    CHECK(r.code == 2);
    CHECK(r.err.find("cannot write the statistics to /nonexistent-dir/stats.json") !=
          std::string::npos);
}
