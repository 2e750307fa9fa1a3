// A latency histogram of fixed size: exact below 128 ns, then 64 buckets per power of two
// (a bucket is at most 1/64 = 1.6% wide), so percentiles of a run of any length cost
// constant memory. Count, min and max are exact.
#pragma once

#include <array>
#include <cstdint>

#include "sim/time.hpp"

namespace irqlab::sim {

class Histogram {
public:
    void add(Time v);
    std::uint64_t count() const { return count_; }
    Time min() const { return count_ ? min_ : 0; }
    Time max() const { return max_; }
    // The value at quantile q (0..1) by nearest rank: the lower edge of its bucket, within
    // [min, max].
    Time percentile(double q) const;

private:
    static constexpr int kSubBits = 6;
    static constexpr int kExact = 2 << kSubBits;  // 128: below this every value has its bucket
    static constexpr int kBuckets = kExact + (64 - kSubBits - 1) * (1 << kSubBits);
    static int bucket(std::uint64_t v);
    static std::uint64_t lower_edge(int b);
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    Time min_ = 0, max_ = 0;
};

}  // namespace irqlab::sim
