// Seeded random streams.
//
// Every consumer (a device, a workload generator, a fault) owns its own stream, derived
// from the scenario seed and the consumer's name, so adding a device does not change the
// numbers another device draws. The generator (xoshiro256**) and the distributions are
// written out here rather than taken from <random>, whose distributions differ between
// standard libraries: a seed must give the same run everywhere.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace irqlab::sim {

class Rng {
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t next();
    // Uniform in [0, 1), 53 bits.
    double uniform();
    // Uniform integer in [lo, hi], without modulo bias.
    std::uint64_t uniform(std::uint64_t lo, std::uint64_t hi);
    bool bernoulli(double p) { return uniform() < p; }
    // Exponential with the given mean (inter-arrival times of a Poisson process).
    double exponential(double mean);
    Time exponential_time(Time mean);
    // Normal (Box-Muller, one value per call for reproducibility).
    double normal(double mean, double stddev);

private:
    std::uint64_t s_[4];
};

// The scenario's seed; hands out one independent stream per named consumer.
class RngRoot {
public:
    explicit RngRoot(std::uint64_t seed) : seed_(seed) {}
    std::uint64_t seed() const { return seed_; }
    Rng stream(std::string_view consumer) const;

private:
    std::uint64_t seed_;
};

}  // namespace irqlab::sim
