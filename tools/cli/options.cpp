#include "tools/cli/options.hpp"

#include <ostream>
#include <vector>

#include <unistd.h>

#include "tools/output/timeline.hpp"

namespace po = boost::program_options;

namespace irqlab::cli {

void add_scenario_options(po::options_description& o) {
    o.add_options()("seed", po::value<std::string>(), "override run.seed")(
        "set", po::value<std::vector<std::string>>()->composing(), "override a scenario key: --set run.until=5ms");
}

std::optional<scenario::Scenario> load_scenario(const po::variables_map& vm, const std::string& file, std::ostream& err) {
    std::vector<std::string> sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (vm.count("seed")) sets.push_back("run.seed=" + vm["seed"].as<std::string>());
    try {
        return scenario::load_file(file, sets);
    } catch (const scenario::ScenarioError& e) {
        err << e.what() << "\n";
        return std::nullopt;
    }
}

void add_display_options(po::options_description& o) {
    o.add_options()("width", po::value<int>(), "columns for the timeline (default: the terminal's, or 80)")(
        "color", po::value<std::string>()->value_name("WHEN"), "timeline colours: auto (on a terminal), always or never");
}

std::string read_display(const po::variables_map& vm, int default_width, int& width, bool& color) {
    width = vm.count("width") ? vm["width"].as<int>() : default_width;
    if (width < output::Timeline::kMinWidth || width > 1000)
        return "--width takes " + std::to_string(output::Timeline::kMinWidth) + " to 1000 columns";
    std::string when = vm.count("color") ? vm["color"].as<std::string>() : "auto";
    if (when != "auto" && when != "always" && when != "never") return "--color takes auto, always or never";
    color = when == "always" || (when == "auto" && output::terminal_colors(STDOUT_FILENO));
    return "";
}

}  // namespace irqlab::cli
