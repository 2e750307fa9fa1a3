#include <catch2/catch.hpp>

#include <vector>

#include "sim/simulator.hpp"

using namespace irqlab::sim;
using namespace irqlab::sim::literals;

TEST_CASE("run_until reaches its limit and can be continued") {
    Simulator s(1);
    int hits = 0;
    auto f = [&] { ++hits; };
    EventFunction<decltype(f)> a("a", Priority::Device, f), b("b", Priority::Device, f);
    s.engine().schedule(a, 1_ms);
    s.engine().schedule(b, 3_ms);
    CHECK(s.run_until(2_ms) == Simulator::Status::Reached);
    CHECK(hits == 1);
    CHECK(s.now() == 2_ms);
    CHECK(s.run_until(5_ms) == Simulator::Status::Reached);
    CHECK(hits == 2);
}

TEST_CASE("pause inside an event returns to the controller; the next run resumes right there") {
    Simulator s(1);
    std::vector<int> log;
    auto f = [&] {
        log.push_back(1);
        s.pause();
        log.push_back(2);
    };
    auto g = [&] { log.push_back(3); };
    EventFunction<decltype(f)> a("a", Priority::Device, f);
    EventFunction<decltype(g)> b("b", Priority::Device, g);
    s.engine().schedule(a, 10);
    s.engine().schedule(b, 10);
    CHECK(s.run_until(100) == Simulator::Status::Paused);
    CHECK(log == std::vector<int>{1});
    CHECK(s.now() == 10);
    CHECK(s.run_until(100) == Simulator::Status::Reached);
    CHECK(log == std::vector<int>{1, 2, 3});
}

TEST_CASE("a stopped engine reports Stopped") {
    Simulator s(1);
    auto f = [&] { s.engine().stop(); };
    EventFunction<decltype(f)> a("a", Priority::Device, f);
    s.engine().schedule(a, 10);
    CHECK(s.run_until(100) == Simulator::Status::Stopped);
    CHECK(s.now() == 10);
}
