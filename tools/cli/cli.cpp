#include "tools/cli/cli.hpp"

#include <boost/program_options.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "tools/live/live.hpp"
#include "tools/cli/options.hpp"
#include "tools/output/timeline.hpp"
#include "tools/run/run.hpp"
#include "tools/scenario/reader.hpp"
#include "tools/step/step_cli.hpp"
#include "tools/scenario/scenario.hpp"

namespace po = boost::program_options;

namespace irqlab::cli {

namespace {

constexpr const char* kUsage =
    "usage: irqlab run FILE [options]     run a scenario and print a summary\n"
    "       irqlab step FILE [options]    step through it at a prompt, like a debugger\n"
    "       irqlab check FILE [--set K=V]  check a scenario without running it\n"
    "       irqlab --help | --version\n";

const std::vector<std::string> kCommands = {"run", "step", "check"};

int usage_error(std::ostream& err, const std::string& msg) {
    err << "irqlab: " << msg << "\n" << kUsage;
    return 2;
}

// `--realtime` takes an optional SCALE: a bare --realtime (followed by the file, another
// option or nothing) means real time, which program_options cannot tell by itself.
std::vector<std::string> realtime_default(std::vector<std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] != "--realtime") continue;
        char* end = nullptr;
        bool number = i + 1 < args.size() && !args[i + 1].empty() && (std::strtod(args[i + 1].c_str(), &end), *end == 0);
        args[i] = "--realtime=" + (number ? args[i + 1] : std::string("1"));
        if (number) args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    return args;
}

// The live mode options into `o`: "" or the complaint.
std::string live_options(const po::variables_map& vm, live::Options& o) {
    if (vm.count("realtime")) {
        o.scale = vm["realtime"].as<double>();
        if (!(o.scale > 0) || o.scale > 1e12) {
            char scale[32];
            std::snprintf(scale, sizeof scale, "%g", o.scale);
            return std::string("--realtime ") + scale +
                   ": SCALE is a positive number (1: real time; 1000: 1 ms simulated per second)";
        }
    }
    if (vm.count("uart"))
        for (const std::string& spec : vm["uart"].as<std::vector<std::string>>())
            if (std::string e = live::parse_uart(spec, o); !e.empty()) return e;
    if (vm.count("keyboard"))
        if (std::string e = live::parse_keyboard(vm["keyboard"].as<std::string>(), o); !e.empty()) return e;
    if (vm.count("record-inputs")) o.record_path = vm["record-inputs"].as<std::string>();
    if (vm.count("replay-inputs")) o.replay_path = vm["replay-inputs"].as<std::string>();
    if (!o.record_path.empty() && o.record_path == o.replay_path)
        return "--record-inputs " + o.record_path + " would overwrite the journal --replay-inputs reads";
    // The outside world comes in real time.
    if ((!o.uarts.empty() || !o.keyboard.empty()) && o.scale == 0) o.scale = 1;
    return "";
}

// --timeline, --timeline-window FROM:TO, --width, --color.
std::string timeline_options(const po::variables_map& vm, const scenario::Scenario& sc, run::Options& ro) {
    ro.timeline = vm.count("timeline") || vm.count("timeline-window");
    if (std::string e = read_display(vm, output::terminal_width(STDOUT_FILENO), ro.width, ro.color); !e.empty()) return e;
    if (!vm.count("timeline-window")) return "";
    std::string w = vm["timeline-window"].as<std::string>();
    std::size_t colon = w.find(':');
    auto from = sim::parse_time(w.substr(0, colon)), to = colon == std::string::npos ? std::nullopt : sim::parse_time(w.substr(colon + 1));
    if (!from || !to || *from >= *to || *to > sc.until)
        return "--timeline-window takes FROM:TO, two times within the run (0:" + sim::format_time(sc.until) + "), not '" + w + "'";
    ro.timeline_from = *from;
    ro.timeline_to = *to;
    return "";
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
    if (command == "step") return step::main(argc - 1, argv + 1, out, err);

    po::options_description opts("options");
    opts.add_options()("help,h", "show this help")(
        "dmesg", po::value<std::string>(), "write the kernel log to PATH (dmesg format)")(
        "trace-text", po::value<std::string>(), "write the trace to PATH (ftrace text)")(
        "trace-json", po::value<std::string>(), "write the trace to PATH (Chrome/Perfetto JSON)")(
        "proc-dir", po::value<std::string>(), "write the /proc files at the end of the run under DIR")(
        "stats-json", po::value<std::string>(), "write every figure of the summary to PATH (JSON)")(
        "quiet,q", "print nothing on success")(
        "timeline", "after the summary, draw each CPU's contexts over the run in the terminal")(
        "timeline-window", po::value<std::string>()->value_name("FROM:TO"), "draw the timeline of a part of the run only (1ms:3ms)");
    add_scenario_options(opts);
    add_display_options(opts);
    po::options_description live_opts("live mode (irqlab run)");
    live_opts.add_options()(
        "realtime", po::value<double>()->implicit_value(1.0, "1")->value_name("SCALE"),
        "pace simulated time to the wall clock, SCALE times slower (1000: 1 ms simulated per second; default 1: "
        "real time); a progress line shows the simulated time")(
        "uart", po::value<std::vector<std::string>>()->composing()->value_name("NAME=tcp:PORT"),
        "attach the UART NAME (uart16550.0) to a TCP listener on 127.0.0.1:PORT: the bytes a client sends arrive "
        "at the line's rate, the bytes it transmits go to the client (nc 127.0.0.1 PORT); implies --realtime")(
        "keyboard", po::value<std::string>()->value_name("NAME=stdin"),
        "the terminal's keys (or standard input's bytes) typed on the keyboard NAME (i8042.0); Ctrl-C ends the "
        "run; implies --realtime")(
        "record-inputs", po::value<std::string>()->value_name("FILE"),
        "write every input from outside, with its simulated time, to FILE")(
        "replay-inputs", po::value<std::string>()->value_name("FILE"),
        "give the inputs FILE recorded at their times: the recorded run again, exactly");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(opts).add(live_opts).add(hidden);
    po::positional_options_description pos;
    pos.add("file", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(realtime_default({argv + 2, argv + argc})).options(all).positional(pos).run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage_error(err, e.what());
    }
    if (vm.count("help")) {
        out << kUsage << opts << "\n" << live_opts;
        return 0;
    }
    std::vector<std::string> files = vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.size() != 1) return usage_error(err, command + " takes one scenario file");

    std::optional<scenario::Scenario> loaded = load_scenario(vm, files[0], err);
    if (!loaded) return 2;
    scenario::Scenario& sc = *loaded;
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
    if (std::string e = timeline_options(vm, sc, ro); !e.empty()) return usage_error(err, e);
    if (std::string e = live_options(vm, ro.live); !e.empty()) {
        err << "irqlab: " << e << "\n";
        return 2;
    }
    if (std::string e = live::check(sc, ro.live); !e.empty()) {
        err << "irqlab: " << e << "\n";
        return 2;
    }
    int code = run::run(sc, ro, out, err);
    if (code == 1 && !ro.summary) log.error("{}: the run did not meet its expectations (run without -q for details)", files[0]);
    return code;
}

}  // namespace irqlab::cli
