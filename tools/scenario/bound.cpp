#include "tools/scenario/bound.hpp"

#include <cmath>
#include <cstdlib>

#include "sim/time.hpp"

namespace irqlab::scenario {

namespace {
template <typename T>
bool compare(Bound::Op op, T got, T want) {
    switch (op) {
        case Bound::Op::Eq: return got == want;
        case Bound::Op::Lt: return got < want;
        case Bound::Op::Le: return got <= want;
        case Bound::Op::Gt: return got > want;
        case Bound::Op::Ge: return got >= want;
    }
    return false;
}

std::string forms(BoundForm f) {
    std::string s = f.time ? "'< 50us'" : f.percent ? "'< 10%'" : "'>= 10'";
    if (f.exact) s = (f.time ? "'2ms'" : "'5'") + std::string(" (exactly) or ") + s;
    return s;
}
}  // namespace

bool Bound::holds(std::int64_t got) const { return compare(op, got, value); }
bool Bound::holds(double got) const { return compare(op, got, static_cast<double>(value) / 100.0); }

std::int64_t Bound::min() const {
    return op == Op::Eq || op == Op::Ge ? value : op == Op::Gt ? value + 1 : -1;
}
std::int64_t Bound::max() const {
    return op == Op::Eq || op == Op::Le ? value : op == Op::Lt ? value - 1 : -1;
}

std::optional<Bound> parse_bound(std::string_view text, BoundForm form, std::string* error) {
    Bound b;
    b.text = std::string(text);
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '<' || text[i] == '>')) {
        bool less = text[i++] == '<';
        bool eq = i < text.size() && text[i] == '=';
        if (eq) ++i;
        b.op = less ? (eq ? Bound::Op::Le : Bound::Op::Lt) : (eq ? Bound::Op::Ge : Bound::Op::Gt);
    } else if (!form.exact) {
        *error = "a bound starts with <, <=, > or >= (like " + forms(form) + ")";
        return std::nullopt;
    }
    while (i < text.size() && text[i] == ' ') ++i;
    std::string value(text.substr(i));
    if (value.empty()) {
        *error = "a bound needs a value (like " + forms(form) + ")";
        return std::nullopt;
    }
    if (form.percent && value.back() == '%') {
        char* end = nullptr;
        double pct = std::strtod(value.c_str(), &end);
        if (end != value.c_str() + value.size() - 1 || pct < 0 || pct > 100) {
            *error = "'" + value + "' is not a percentage from 0% to 100%";
            return std::nullopt;
        }
        b.unit = Bound::Unit::Percent;
        b.value = std::llround(pct * 100);
        return b;
    }
    bool digits_only = value.find_first_not_of("0123456789") == std::string::npos;
    if (form.count && digits_only) {
        b.unit = Bound::Unit::Count;
        b.value = std::stoll(value);
        return b;
    }
    if (form.time) {
        std::string why;
        if (auto t = sim::parse_time(value, &why)) {
            b.unit = Bound::Unit::Time;
            b.value = *t;
            return b;
        }
        *error = "'" + value + "': " + why;
        return std::nullopt;
    }
    *error = "'" + value + "' is not " + (form.percent ? "a percentage" : "a whole number") + " (like " + forms(form) + ")";
    return std::nullopt;
}

}  // namespace irqlab::scenario
