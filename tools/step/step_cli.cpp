#include "tools/step/step_cli.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <editline/readline.h>

#include "tools/cli/options.hpp"
#include "tools/output/timeline.hpp"
#include "tools/run/run_loop.hpp"
#include "tools/scenario/reader.hpp"
#include "tools/scenario/scenario.hpp"
#include "tools/step/commands.hpp"
#include "tools/step/session.hpp"

namespace po = boost::program_options;

namespace irqlab::step {

namespace {

constexpr const char* kPrompt = "(irqlab) ";

// Runs a transcript: each line echoed after the prompt, then its output. Lines starting
// with '#' are comments, echoed as they are.
int run_script(Stepper& st, std::istream& in, std::ostream& out) {
    bool ok = true;
    std::string line;
    while (!st.quit_requested() && std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.starts_with("#")) {
            out << line << "\n";
            continue;
        }
        out << kPrompt << line << "\n";
        if (!st.execute(line)) ok = false;
    }
    out << std::flush;
    return ok ? 0 : 1;
}

// The interactive prompt, with libedit's line editing and history.
int run_terminal(Stepper& st, std::ostream& out) {
    std::string last;
    // Ctrl-C while a command runs the machine stops it at the prompt, as in gdb.
    st.session().set_interrupt_check(&run::SigintScope::interrupted);
    while (!st.quit_requested()) {
        out << std::flush;
        char* raw = readline(kPrompt);
        if (!raw) {  // end of input (Ctrl-D)
            out << "quit\n";
            break;
        }
        std::string line = raw;
        std::free(raw);
        if (line.find_first_not_of(" \t") == std::string::npos) {
            line = last;  // as gdb: an empty line repeats the last command
        } else {
            add_history(line.c_str());
            last = line;
        }
        if (line.empty()) continue;
        run::SigintScope sigint;
        st.execute(line);
    }
    out << std::flush;
    return 0;
}

}  // namespace

int main(int argc, char** argv, std::ostream& out, std::ostream& err) {
    po::options_description opts("options");
    opts.add_options()("help,h", "show this help")("commands", po::value<std::string>(),
                                                   "run the commands in FILE and print the transcript");
    cli::add_scenario_options(opts);
    cli::add_display_options(opts);
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    pos.add("file", -1);
    po::variables_map vm;
    auto usage = [&](const std::string& msg) {
        err << "irqlab: " << msg << "\nusage: irqlab step FILE [--commands FILE] [--set K=V] [--seed N]\n";
        return 2;
    };
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage(e.what());
    }
    if (vm.count("help")) {
        out << "usage: irqlab step FILE [options]\n" << opts;
        return 0;
    }
    std::vector<std::string> files = vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.size() != 1) return usage("step takes one scenario file");
    Display display;
    // A script's transcript is the same on any terminal: 80 columns unless --width says.
    const int default_width = vm.count("commands") ? 80 : output::terminal_width(STDOUT_FILENO);
    if (std::string e = cli::read_display(vm, default_width, display.width, display.color); !e.empty()) return usage(e);

    std::ifstream script;
    if (vm.count("commands")) {
        script.open(vm["commands"].as<std::string>());
        if (!script) {
            err << "irqlab: cannot read the commands in " << vm["commands"].as<std::string>() << "\n";
            return 2;
        }
    }

    std::optional<scenario::Scenario> sc = cli::load_scenario(vm, files[0], err);
    if (!sc) return 2;
    Stepper st(*sc, out, display);
    out << "irqlab step: " << files[0] << " (" << sc->machine.cpus << " CPUs, run.until " << sim::format_time(sc->until)
        << ", seed " << sc->seed << "). Type \"help\" for the commands.\n";
    if (script.is_open()) return run_script(st, script, out);
    if (isatty(STDIN_FILENO)) return run_terminal(st, out);
    return run_script(st, std::cin, out);
}

}  // namespace irqlab::step
