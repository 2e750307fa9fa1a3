#include <catch2/catch.hpp>

#include "sim/random.hpp"

using namespace irqlab::sim;

TEST_CASE("one seed gives one stream per consumer, the same every time") {
    RngRoot a(42), b(42);
    Rng x = a.stream("nic0"), y = b.stream("nic0");
    for (int i = 0; i < 100; ++i) CHECK(x.next() == y.next());
}

TEST_CASE("a consumer's stream does not depend on which other consumers exist") {
    RngRoot root(7);
    Rng alone = root.stream("uart0");
    std::uint64_t first = alone.next();
    Rng other = root.stream("keyboard");
    (void)other.next();
    Rng again = root.stream("uart0");
    CHECK(again.next() == first);
    CHECK(root.stream("uart0").next() != root.stream("uart1").next());
}

TEST_CASE("different seeds give different streams") {
    CHECK(RngRoot(1).stream("x").next() != RngRoot(2).stream("x").next());
}

TEST_CASE("uniform integers stay in bounds and cover them") {
    Rng r(3);
    bool seen[6] = {};
    for (int i = 0; i < 1000; ++i) {
        std::uint64_t v = r.uniform(10, 15);
        REQUIRE(v >= 10);
        REQUIRE(v <= 15);
        seen[v - 10] = true;
    }
    for (bool s : seen) CHECK(s);
}

TEST_CASE("exponential draws have the requested mean") {
    Rng r(11);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) sum += r.exponential(1000.0);
    CHECK(sum / n == Approx(1000.0).epsilon(0.02));
}
