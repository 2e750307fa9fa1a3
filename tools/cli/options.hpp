// The command-line options the commands that take a scenario share (`irqlab run`,
// `irqlab step`, `irqlab check`): the overrides of its keys, and the terminal timeline's
// columns and colours.
#pragma once

#include <boost/program_options.hpp>

#include <iosfwd>
#include <optional>
#include <string>

#include "tools/scenario/scenario.hpp"

namespace irqlab::cli {

// --seed, --set.
void add_scenario_options(boost::program_options::options_description& o);
// FILE with the --set and --seed overrides applied; nullopt once its located error
// ("FILE:LINE:COL: message") is printed.
std::optional<scenario::Scenario> load_scenario(const boost::program_options::variables_map& vm, const std::string& file,
                                                std::ostream& err);

// --width, --color.
void add_display_options(boost::program_options::options_description& o);
// The timeline's columns (`default_width` without --width) and colours: "" or the complaint.
std::string read_display(const boost::program_options::variables_map& vm, int default_width, int& width, bool& color);

}  // namespace irqlab::cli
