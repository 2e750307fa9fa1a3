#include "tools/scenario/reader.hpp"

#include <algorithm>
#include <climits>
#include <utility>

namespace irqlab::scenario {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

NameListObserver name_list_observer = nullptr;

void observe(NameList list, std::string_view what, const std::vector<std::string>& names) {
    if (name_list_observer) name_list_observer(list, what, names);
}

std::string describe(const YAML::Node& n) {
    if (!n.IsDefined() || n.IsNull()) return "nothing";
    if (n.IsMap()) return "a mapping";
    if (n.IsSequence()) return "a list";
    return "'" + n.Scalar() + "'";
}

}  // namespace

NameListObserver observe_name_lists(NameListObserver observer) {
    return std::exchange(name_list_observer, observer);
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& known) {
    observe(NameList::Candidates, word, known);
    std::optional<std::string> best;
    std::size_t best_d = SIZE_MAX;
    for (const std::string& k : known) {
        std::size_t d = edit_distance(word, k);
        if (d < best_d) best_d = d, best = k;
    }
    // A typo is a few edits away, relative to the word's length.
    if (best && best_d <= std::max<std::size_t>(2, word.size() / 3)) return best;
    return std::nullopt;
}

void Reader::fail(const YAML::Mark& at, const std::string& message) const {
    if (at.is_null()) throw ScenarioError(file_ + ": " + message);
    throw ScenarioError(file_ + ":" + std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1) + ": " + message);
}

void Reader::fail(const YAML::Node& at, const std::string& message) const { fail(at.Mark(), message); }

void Reader::expect_map(const YAML::Node& node, const char* what) const {
    if (!node.IsMap()) fail(node, std::string(what) + " must be a mapping (key: value lines), not " + describe(node));
}

void Reader::expect_seq(const YAML::Node& node, const char* what) const {
    if (!node.IsSequence()) fail(node, std::string(what) + " must be a list (- item lines), not " + describe(node));
}

void Reader::keys(const YAML::Node& node, const std::vector<std::string>& known, const char* what) const {
    expect_map(node, what);
    observe(NameList::Keys, what, known);
    for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string msg = "unknown key '" + key + "' in " + what;
        if (auto n = nearest(key, known)) msg += " (did you mean '" + *n + "'?)";
        fail(kv.first, msg);
    }
}

std::string Reader::str(const YAML::Node& node, const char* what) const {
    if (!node.IsScalar()) fail(node, std::string(what) + " must be a string, not " + describe(node));
    return node.Scalar();
}

bool Reader::boolean(const YAML::Node& node, const char* what) const {
    std::string s = str(node, what);
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(node, std::string(what) + " must be true or false, not '" + s + "'");
}

std::int64_t Reader::integer(const YAML::Node& node, const char* what, std::int64_t min, std::int64_t max) const {
    std::string s = str(node, what);
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(s, &used, 0);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != s.size()) fail(node, std::string(what) + " must be a whole number, not '" + s + "'");
    if (v < min || v > max)
        fail(node, std::string(what) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                       ", not " + s);
    return v;
}

std::uint64_t Reader::u64(const YAML::Node& node, const char* what) const {
    std::string s = str(node, what);
    std::size_t used = 0;
    unsigned long long v = 0;
    try {
        if (!s.empty() && s[0] != '-') v = std::stoull(s, &used, 0);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != s.size()) fail(node, std::string(what) + " must be a non-negative whole number, not '" + s + "'");
    return v;
}

sim::Time Reader::time(const YAML::Node& node, const char* what, sim::Time min, sim::Time max) const {
    std::string s = str(node, what);
    std::string error;
    auto t = sim::parse_time(s, &error);
    if (!t) fail(node, std::string(what) + ": '" + s + "': " + error);
    if (*t < min || *t > max)
        fail(node, std::string(what) + " must be between " + sim::format_time(min) + " and " + sim::format_time(max) +
                       ", not " + s);
    return *t;
}

std::uint64_t Reader::bytes(const YAML::Node& node, const char* what, std::uint64_t min, std::uint64_t max) const {
    std::string s = str(node, what);
    std::size_t end = 0;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    std::string unit = s.substr(end);
    std::uint64_t mul = unit.empty() || unit == "B" ? 1 : unit == "KiB" ? 1024 : unit == "MiB" ? 1024 * 1024 : 0;
    if (end == 0 || mul == 0) fail(node, std::string(what) + " must be a size like 256KiB, not '" + s + "'");
    std::uint64_t v = std::stoull(s.substr(0, end)) * mul;
    if (v < min || v > max)
        fail(node, std::string(what) + " must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes");
    return v;
}

std::string Reader::choice(const YAML::Node& node, const char* what, const std::vector<std::string>& choices) const {
    observe(NameList::Choices, what, choices);
    std::string s = str(node, what);
    if (std::find(choices.begin(), choices.end(), s) != choices.end()) return s;
    std::string msg = std::string(what) + " must be one of";
    for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : " ") + choices[i];
    msg += ", not '" + s + "'";
    if (auto n = nearest(s, choices)) msg += " (did you mean '" + *n + "'?)";
    fail(node, msg);
}

}  // namespace irqlab::scenario
