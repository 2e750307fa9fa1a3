#include "tools/cli/cli.hpp"

#include <boost/program_options.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <ostream>
#include <string>
#include <vector>

#include "tools/run/run.hpp"
#include "tools/scenario/reader.hpp"
#include "tools/scenario/scenario.hpp"

namespace po = boost::program_options;

namespace irqlab::cli {

namespace {

constexpr const char* kUsage =
    "usage: irqlab run FILE [options]     run a scenario and print a summary\n"
    "       irqlab check FILE [--set K=V]  check a scenario without running it\n"
    "       irqlab --help | --version\n";

const std::vector<std::string> kCommands = {"run", "check"};

int usage_error(std::ostream& err, const std::string& msg) {
    err << "irqlab: " << msg << "\n" << kUsage;
    return 2;
}

}  // namespace

int main(int argc, char** argv, std::ostream& out, std::ostream& err) {
    // The simulator's own diagnostics go to stderr through spdlog (the simulated kernel's
    // log is printk's, never this).
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(err);
    spdlog::logger log("irqlab", sink);
    log.set_pattern("irqlab: %v");

    if (argc < 2) return usage_error(err, "no command given");
    std::string command = argv[1];
    if (command == "--help" || command == "-h") {
        out << kUsage;
        return 0;
    }
    if (command == "--version") {
        out << "irqlab 0.1 (simulated Linux 6.12)\n";
        return 0;
    }
    if (std::find(kCommands.begin(), kCommands.end(), command) == kCommands.end()) {
        std::string msg = "unknown command '" + command + "'";
        if (auto n = scenario::nearest(command, kCommands)) msg += " (did you mean '" + *n + "'?)";
        return usage_error(err, msg);
    }

    po::options_description opts("options");
    opts.add_options()("help,h", "show this help")(
        "dmesg", po::value<std::string>(), "write the kernel log to PATH (dmesg format)")(
        "trace-text", po::value<std::string>(), "write the trace to PATH (ftrace text)")(
        "trace-json", po::value<std::string>(), "write the trace to PATH (Chrome/Perfetto JSON)")(
        "proc-dir", po::value<std::string>(), "write the /proc files at the end of the run under DIR")(
        "stats-json", po::value<std::string>(), "write every figure of the summary to PATH (JSON)")(
        "seed", po::value<std::string>(), "override run.seed")(
        "set", po::value<std::vector<std::string>>()->composing(), "override a scenario key: --set run.until=5ms")(
        "quiet,q", "print nothing on success");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    pos.add("file", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage_error(err, e.what());
    }
    if (vm.count("help")) {
        out << kUsage << opts;
        return 0;
    }
    std::vector<std::string> files = vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.size() != 1) return usage_error(err, command + " takes one scenario file");

    std::vector<std::string> sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (vm.count("seed")) sets.push_back("run.seed=" + vm["seed"].as<std::string>());

    scenario::Scenario sc;
    try {
        sc = scenario::load_file(files[0], sets);
    } catch (const scenario::ScenarioError& e) {
        err << e.what() << "\n";
        return 2;
    }
    if (command == "check") {
        out << files[0] << ": ok\n";
        return 0;
    }
    run::Options ro;
    if (vm.count("dmesg")) ro.dmesg_path = vm["dmesg"].as<std::string>();
    if (vm.count("trace-text")) ro.trace_text_path = vm["trace-text"].as<std::string>();
    if (vm.count("trace-json")) ro.trace_json_path = vm["trace-json"].as<std::string>();
    if (vm.count("proc-dir")) ro.proc_dir = vm["proc-dir"].as<std::string>();
    if (vm.count("stats-json")) ro.stats_json_path = vm["stats-json"].as<std::string>();
    // The scenario's outputs: section, where the command line named no file.
    for (auto [mine, theirs] : {std::pair{&ro.dmesg_path, &sc.outputs.dmesg}, {&ro.trace_text_path, &sc.outputs.trace_text},
                                {&ro.trace_json_path, &sc.outputs.trace_json}, {&ro.proc_dir, &sc.outputs.proc_dir},
                                {&ro.stats_json_path, &sc.outputs.stats_json}})
        if (mine->empty()) *mine = *theirs;
    ro.summary = !vm.count("quiet");
    int code = run::run(sc, ro, out, err);
    if (code == 1 && !ro.summary) log.error("{}: the run did not meet its expectations (run without -q for details)", files[0]);
    return code;
}

}  // namespace irqlab::cli
