#include <catch2/catch.hpp>

#include "sim/engine.hpp"

using namespace irqlab::sim;

TEST_CASE("step runs one event and moves the clock to it") {
    Engine e;
    int hits = 0;
    auto f = [&] { ++hits; };
    EventFunction<decltype(f)> a("a", Priority::Device, f), b("b", Priority::Device, f);
    e.schedule(a, 100);
    e.schedule(b, 200);
    CHECK(e.step());
    CHECK(hits == 1);
    CHECK(e.now() == 100);
    CHECK(e.step());
    CHECK(e.now() == 200);
    CHECK_FALSE(e.step());
}

TEST_CASE("run_until runs what is due at the limit and leaves the clock there") {
    Engine e;
    int hits = 0;
    auto f = [&] { ++hits; };
    EventFunction<decltype(f)> at(" at", Priority::Observer, f), after("after", Priority::Device, f);
    e.schedule(at, 50);
    e.schedule(after, 51);
    CHECK(e.run_until(50));
    CHECK(hits == 1);
    CHECK(e.now() == 50);
    CHECK(after.scheduled());
    CHECK(e.run_until(1000));
    CHECK(hits == 2);
    CHECK(e.now() == 1000);
}

TEST_CASE("stop ends a run early after the current event") {
    Engine e;
    int hits = 0;
    auto stopper = [&] {
        ++hits;
        e.stop();
    };
    auto counter = [&] { ++hits; };
    EventFunction<decltype(stopper)> s("stop", Priority::Device, stopper);
    EventFunction<decltype(counter)> c("count", Priority::Device, counter);
    e.schedule(s, 10);
    e.schedule(c, 20);
    CHECK_FALSE(e.run_until(100));
    CHECK(hits == 1);
    CHECK(e.now() == 10);
}

TEST_CASE("the queue dump reads as a story, in run order") {
    Engine e;
    auto f = [] {};
    EventFunction<decltype(f)> a("uart0: character timeout", Priority::Device, f), b("cpu0: spend ends", Priority::Cpu, f);
    e.schedule(b, 2000);
    e.schedule(a, 1500);
    std::string d = e.dump();
    CHECK(d.find("1.5us") < d.find("2us"));
    CHECK(d.find("device    uart0: character timeout") != std::string::npos);
    CHECK(d.find("cpu       cpu0: spend ends") != std::string::npos);
}

TEST_CASE("the busy fast path may advance only when nothing is due before") {
    Engine e;
    auto f = [] {};
    EventFunction<decltype(f)> a("a", Priority::Device, f);
    e.schedule(a, 100);
    CHECK(e.can_advance_to(99));
    CHECK_FALSE(e.can_advance_to(100));
}
