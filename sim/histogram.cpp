#include "sim/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace irqlab::sim {

int Histogram::bucket(std::uint64_t v) {
    if (v < static_cast<std::uint64_t>(kExact)) return static_cast<int>(v);
    int e = 63 - __builtin_clzll(v);  // >= kSubBits + 1
    int sub = static_cast<int>((v >> (e - kSubBits)) & ((1u << kSubBits) - 1));
    return kExact + (e - kSubBits - 1) * (1 << kSubBits) + sub;
}

std::uint64_t Histogram::lower_edge(int b) {
    if (b < kExact) return static_cast<std::uint64_t>(b);
    int i = b - kExact;
    int e = i / (1 << kSubBits) + kSubBits + 1;
    std::uint64_t sub = static_cast<std::uint64_t>(i % (1 << kSubBits));
    return (std::uint64_t{1} << e) | (sub << (e - kSubBits));
}

void Histogram::add(Time v) {
    if (v < 0) v = 0;
    if (!count_ || v < min_) min_ = v;
    if (v > max_) max_ = v;
    ++count_;
    ++counts_[static_cast<std::size_t>(bucket(static_cast<std::uint64_t>(v)))];
}

Time Histogram::percentile(double q) const {
    if (!count_) return 0;
    auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
        seen += counts_[static_cast<std::size_t>(b)];
        if (seen >= rank) return std::clamp(static_cast<Time>(lower_edge(b)), min_, max_);
    }
    return max_;
}

}  // namespace irqlab::sim
