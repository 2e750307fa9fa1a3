// Reading YAML with located errors: every complaint is "FILE:LINE:COL: message", and an
// unknown key names the nearest known one.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace irqlab::scenario {

// A scenario that cannot be used; what() is "FILE:LINE:COL: message".
class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The known name closest to `word` (edit distance), if it is close enough to be a typo.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& known);

// The lists of names the parser checks words against, shown to an observer: a mapping's
// known keys (Reader::keys), a value's choices (Reader::choice), a typo's candidates
// (nearest). It is how tests/tools/scenario_schema_test.cpp holds the JSON Schema to the
// parser without a second copy of the lists. None is installed outside that test.
enum class NameList { Keys, Choices, Candidates };
using NameListObserver = void (*)(NameList list, std::string_view what, const std::vector<std::string>& names);
// Installs `observer` (nullptr: none) and returns the one it replaces.
NameListObserver observe_name_lists(NameListObserver observer);

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}
    const std::string& file() const { return file_; }

    [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;
    [[noreturn]] void fail(const YAML::Mark& at, const std::string& message) const;

    // `node` must be a mapping whose keys are all in `known`.
    void keys(const YAML::Node& node, const std::vector<std::string>& known, const char* what) const;
    void expect_map(const YAML::Node& node, const char* what) const;
    void expect_seq(const YAML::Node& node, const char* what) const;

    std::string str(const YAML::Node& node, const char* what) const;
    bool boolean(const YAML::Node& node, const char* what) const;
    std::int64_t integer(const YAML::Node& node, const char* what, std::int64_t min, std::int64_t max) const;
    std::uint64_t u64(const YAML::Node& node, const char* what) const;
    sim::Time time(const YAML::Node& node, const char* what, sim::Time min = 0, sim::Time max = sim::kNever) const;
    // A size: "4KiB", "256KiB", "1MiB" or a number of bytes.
    std::uint64_t bytes(const YAML::Node& node, const char* what, std::uint64_t min, std::uint64_t max) const;
    // One of `choices`.
    std::string choice(const YAML::Node& node, const char* what, const std::vector<std::string>& choices) const;

private:
    std::string file_;
};

}  // namespace irqlab::scenario
