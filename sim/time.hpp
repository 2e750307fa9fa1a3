// Simulated time: a signed 64-bit count of nanoseconds since the simulated boot.
//
// Nothing in the simulator reads the host clock (except the live mode, which paces
// simulated time to it). Scenario files write times with units ("250ns", "1.5us",
// "2ms", "1s"); parse_time() reads them exactly, with no floating point in between.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace irqlab::sim {

using Time = std::int64_t;

inline constexpr Time kNever = std::numeric_limits<Time>::max();
inline constexpr Time kNsPerUs = 1'000;
inline constexpr Time kNsPerMs = 1'000'000;
inline constexpr Time kNsPerSec = 1'000'000'000;

namespace literals {
constexpr Time operator""_ns(unsigned long long v) { return static_cast<Time>(v); }
constexpr Time operator""_us(unsigned long long v) { return static_cast<Time>(v) * kNsPerUs; }
constexpr Time operator""_ms(unsigned long long v) { return static_cast<Time>(v) * kNsPerMs; }
constexpr Time operator""_s(unsigned long long v) { return static_cast<Time>(v) * kNsPerSec; }
}  // namespace literals

// Parses "<decimal><unit>" with unit ns, us (or µs), ms or s. Fractions are allowed down to
// one nanosecond ("1.5us" is 1500 ns; "0.5ns" is an error). On failure returns nullopt and,
// if `error` is given, a one-line reason ("missing unit", "unknown unit 'xs'", ...).
std::optional<Time> parse_time(std::string_view text, std::string* error = nullptr);

// Formats with the largest unit that keeps the value at least 1, trailing zeros trimmed:
// 1500 -> "1.5us", 2000000 -> "2ms", 0 -> "0ns". parse_time(format_time(t)) == t.
std::string format_time(Time t);

// Parses a rate, "<decimal>[k|M|G]<unit>" with unit Hz, pps or /s, or a bare number of
// events per second: "10kHz", "1.5Mpps", "600000/s", "250". Returns events per second,
// to a thousandth ("0.5Hz" is 0.5); fewer than one per 1000 seconds is an error.
std::optional<double> parse_rate(std::string_view text, std::string* error = nullptr);

// Parses an unsigned decimal with an optional fraction into value * 10^scale exactly
// (scale digits of fraction at most). Shared by the time and rate parsers.
std::optional<std::int64_t> parse_scaled_decimal(std::string_view digits, int scale,
                                                 std::string* error);

}  // namespace irqlab::sim
