// Engine benchmarks: a plain event chain (events per second of wall time) and fiber
// switches. Run with tools/bench/run.sh, which reports medians.
#include <benchmark/benchmark.h>

#include <boost/context/fiber.hpp>

#include <queue>

#include "sim/engine.hpp"
#include "sim/fiber.hpp"

using namespace irqlab::sim;

namespace {

// One event that reschedules itself: the cost of the queue and the dispatch alone.
class Chain final : public Event {
public:
    Chain(Engine& e, std::int64_t n) : Event("bench: chain", Priority::Device), e_(e), left_(n) {}
    void process() override {
        if (--left_ > 0) e_.schedule(*this, e_.now() + 10);
    }

private:
    Engine& e_;
    std::int64_t left_;
};

void BM_EventChain(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    for (auto _ : state) {
        Engine e;
        Chain c(e, n);
        e.schedule(c, 0);
        e.run();
        benchmark::DoNotOptimize(e.now());
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_EventChain)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The reference: a bare binary-heap loop of PODs with no engine around it (what the
// peers' raw.cpp does), so the engine can be quoted as a ratio on a noisy machine.
void BM_BareHeapChain(benchmark::State& state) {
    struct Ev {
        Time t;
        std::uint64_t seq;
        bool operator<(const Ev& o) const { return t != o.t ? t > o.t : seq > o.seq; }
    };
    const std::int64_t n = state.range(0);
    for (auto _ : state) {
        std::priority_queue<Ev> q;
        std::uint64_t seq = 0;
        q.push({0, seq++});
        std::int64_t left = n;
        Time now = 0;
        while (!q.empty()) {
            Ev e = q.top();
            q.pop();
            now = e.t;
            if (--left > 0) q.push({now + 10, seq++});
        }
        benchmark::DoNotOptimize(now);
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_BareHeapChain)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The same with 64 other events pending, as in a machine with many devices and CPUs.
void BM_EventChainDeepQueue(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    for (auto _ : state) {
        Engine e;
        std::vector<std::unique_ptr<Chain>> chains;
        for (int i = 0; i < 64; ++i) {
            chains.push_back(std::make_unique<Chain>(e, n / 64));
            e.schedule(*chains.back(), i);
        }
        e.run();
        benchmark::DoNotOptimize(e.now());
    }
    state.SetItemsProcessed(state.iterations() * (n / 64) * 64);
}
BENCHMARK(BM_EventChainDeepQueue)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Two fibers ping-pong: each round trip is two switches.
void BM_FiberSwitch(benchmark::State& state) {
    const std::int64_t rounds = state.range(0);
    for (auto _ : state) {
        std::int64_t left = rounds;
        Fiber* main = &Fiber::main();
        Fiber f("pong", 64 * 1024, [&]() -> Fiber* {
            while (left > 0) Fiber::switch_to(*main);
            return nullptr;
        });
        while (left-- > 0) Fiber::switch_to(f);
        if (!f.finished()) Fiber::switch_to(f);  // let it finish
    }
    state.SetItemsProcessed(state.iterations() * rounds * 2);
}
BENCHMARK(BM_FiberSwitch)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The reference: Boost.Context's fiber alone, ping-ponging the same way.
void BM_BoostFiberSwitch(benchmark::State& state) {
    namespace ctx = boost::context;
    const std::int64_t rounds = state.range(0);
    static volatile std::int64_t sink = 0;
    for (auto _ : state) {
        ctx::fiber f{[](ctx::fiber&& caller) {
            for (;;) {
                sink = sink + 1;
                caller = std::move(caller).resume();
            }
            return std::move(caller);
        }};
        for (std::int64_t i = 0; i < rounds; ++i) f = std::move(f).resume();
    }
    state.SetItemsProcessed(state.iterations() * rounds * 2);
}
BENCHMARK(BM_BoostFiberSwitch)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
