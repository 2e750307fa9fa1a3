// A bound as a scenario writes one: "5" (exactly), "< 50us", ">= 10", "<= 20%".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace irqlab::scenario {

struct Bound {
    enum class Op { Eq, Lt, Le, Gt, Ge };
    enum class Unit { Count, Time, Percent };
    Op op = Op::Eq;
    Unit unit = Unit::Count;
    std::int64_t value = 0;  // a count, ns, or hundredths of a percent
    std::string text;        // as written, for the verdict

    bool holds(std::int64_t got) const;
    bool holds(double got) const;  // a percentage
    std::int64_t min() const;      // the smallest value that holds (-1: none below)
    std::int64_t max() const;      // the largest value that holds (-1: no limit)
};

// Which units a bound may use; `exact`: a bare value ("5") means "== 5".
struct BoundForm {
    bool count = false, time = false, percent = false;
    bool exact = false;
};

// Parses `text`; on failure returns nothing and says why in `error`.
std::optional<Bound> parse_bound(std::string_view text, BoundForm form, std::string* error);

}  // namespace irqlab::scenario
