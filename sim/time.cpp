#include "sim/time.hpp"

#include <array>
#include <cstdio>

namespace irqlab::sim {

namespace {

struct Unit {
    std::string_view name;
    int scale;  // decimal digits below the unit: that many fraction digits are nanoseconds
};

constexpr std::array<Unit, 5> kUnits{{{"ns", 0}, {"us", 3}, {"µs", 3}, {"ms", 6}, {"s", 9}}};

void set_error(std::string* error, std::string text) {
    if (error) *error = std::move(text);
}

}  // namespace

std::optional<std::int64_t> parse_scaled_decimal(std::string_view s, int scale,
                                                 std::string* error) {
    if (s.empty()) {
        set_error(error, "missing number");
        return std::nullopt;
    }
    std::int64_t whole = 0;
    std::size_t i = 0;
    bool any_digit = false;
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        any_digit = true;
        if (whole > (kMax - (s[i] - '0')) / 10) {
            set_error(error, "number too large");
            return std::nullopt;
        }
        whole = whole * 10 + (s[i] - '0');
    }
    std::int64_t frac = 0;
    int frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
            any_digit = true;
            if (frac_digits == scale) {
                if (s[i] != '0') {
                    set_error(error, "more precision than 1 ns");
                    return std::nullopt;
                }
                continue;
            }
            frac = frac * 10 + (s[i] - '0');
            ++frac_digits;
        }
    }
    if (!any_digit || i != s.size()) {
        set_error(error, "not a number");
        return std::nullopt;
    }
    for (; frac_digits < scale; ++frac_digits) frac *= 10;
    std::int64_t unit = 1;
    for (int k = 0; k < scale; ++k) unit *= 10;
    if (whole > (kMax - frac) / unit) {
        set_error(error, "number too large");
        return std::nullopt;
    }
    return whole * unit + frac;
}

std::optional<Time> parse_time(std::string_view text, std::string* error) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    std::size_t end = 0;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) ++end;
    std::string_view number = text.substr(0, end);
    std::string_view unit = text.substr(end);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (number.empty()) {
        set_error(error, text.empty() ? "empty time" : "a time starts with a number, like 250ns");
        return std::nullopt;
    }
    if (unit.empty()) {
        set_error(error, "missing unit (ns, us, ms or s)");
        return std::nullopt;
    }
    for (const Unit& u : kUnits) {
        if (u.name != unit) continue;
        // u.scale fraction digits of the unit are exactly nanoseconds.
        return parse_scaled_decimal(number, u.scale, error);
    }
    set_error(error, "unknown unit '" + std::string(unit) + "' (use ns, us, ms or s)");
    return std::nullopt;
}

std::optional<double> parse_rate(std::string_view text, std::string* error) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    std::size_t end = 0;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) ++end;
    std::string_view number = text.substr(0, end);
    std::string_view unit = text.substr(end);
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (number.empty()) {
        set_error(error, text.empty() ? "empty rate" : "a rate starts with a number, like 10kHz");
        return std::nullopt;
    }
    int prefix = 0;  // decimal exponent of k, M, G
    if (!unit.empty() && (unit.front() == 'k' || unit.front() == 'M' || unit.front() == 'G')) {
        prefix = unit.front() == 'k' ? 3 : unit.front() == 'M' ? 6 : 9;
        unit.remove_prefix(1);
    }
    if (!(unit.empty() && prefix == 0) && unit != "Hz" && unit != "pps" && unit != "/s") {
        set_error(error, "unknown unit '" + std::string(text.substr(end)) + "' (use Hz, pps or /s, with k, M or G: 10kHz, 1Mpps)");
        return std::nullopt;
    }
    // Thousandths of an event per second, exactly, then the prefix.
    auto milli = parse_scaled_decimal(number, 3, error);
    if (!milli) return std::nullopt;
    if (*milli == 0) {
        set_error(error, "a rate must be above zero");
        return std::nullopt;
    }
    double per_sec = static_cast<double>(*milli) / 1000.0;
    for (int i = 0; i < prefix; ++i) per_sec *= 10;
    return per_sec;
}

std::string format_time(Time t) {
    if (t == kNever) return "never";
    std::string sign;
    if (t < 0) {
        sign = "-";
        t = -t;
    }
    const char* name = "ns";
    Time unit = 1;
    if (t >= kNsPerSec) {
        name = "s";
        unit = kNsPerSec;
    } else if (t >= kNsPerMs) {
        name = "ms";
        unit = kNsPerMs;
    } else if (t >= kNsPerUs) {
        name = "us";
        unit = kNsPerUs;
    }
    std::string out = sign + std::to_string(t / unit);
    Time rest = t % unit;
    if (rest != 0) {
        char frac[16];
        int digits = unit == kNsPerSec ? 9 : unit == kNsPerMs ? 6 : 3;
        std::snprintf(frac, sizeof frac, "%0*lld", digits, static_cast<long long>(rest));
        std::string f(frac);
        while (!f.empty() && f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return out + name;
}

}  // namespace irqlab::sim
