#include "sim/random.hpp"

#include <cmath>

namespace irqlab::sim {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// FNV-1a, to turn a consumer name into a 64-bit key.
std::uint64_t hash_name(std::string_view name) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : name) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t Rng::next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::uint64_t Rng::uniform(std::uint64_t lo, std::uint64_t hi) {
    std::uint64_t span = hi - lo + 1;
    if (span == 0) return next();  // the full 64-bit range
    // Rejection sampling: draw until the value falls in a whole number of spans.
    std::uint64_t limit = (~std::uint64_t{0} / span) * span;
    std::uint64_t v;
    do {
        v = next();
    } while (v >= limit);
    return lo + v % span;
}

double Rng::exponential(double mean) {
    double u;
    do {
        u = uniform();
    } while (u == 0.0);
    return -std::log(u) * mean;
}

Time Rng::exponential_time(Time mean) {
    return static_cast<Time>(std::llround(exponential(static_cast<double>(mean))));
}

double Rng::normal(double mean, double stddev) {
    double u1;
    do {
        u1 = uniform();
    } while (u1 == 0.0);
    double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

Rng RngRoot::stream(std::string_view consumer) const {
    std::uint64_t x = seed_ ^ rotl(hash_name(consumer), 17);
    return Rng(splitmix64(x));
}

}  // namespace irqlab::sim
