#include <catch2/catch.hpp>

#include "sim/time.hpp"

using namespace irqlab::sim;
using namespace irqlab::sim::literals;

TEST_CASE("parse_time reads every unit, with fractions, exactly") {
    CHECK(parse_time("250ns") == 250);
    CHECK(parse_time("1.5us") == 1500);
    CHECK(parse_time("1.5µs") == 1500);
    CHECK(parse_time("2ms") == 2'000'000);
    CHECK(parse_time("1s") == 1'000'000'000);
    CHECK(parse_time("0.000000001s") == 1);
    CHECK(parse_time("12.25 ms") == 12'250'000);
    CHECK(parse_time("0ns") == 0);
}

TEST_CASE("parse_time rejects what it cannot read exactly, saying why") {
    std::string e;
    CHECK_FALSE(parse_time("250", &e));
    CHECK(e == "missing unit (ns, us, ms or s)");
    CHECK_FALSE(parse_time("3 fortnights", &e));
    CHECK(e == "unknown unit 'fortnights' (use ns, us, ms or s)");
    CHECK_FALSE(parse_time("0.5ns", &e));
    CHECK(e == "more precision than 1 ns");
    CHECK_FALSE(parse_time("-1ms", &e));
    CHECK_FALSE(parse_time("ms", &e));
    CHECK_FALSE(parse_time("99999999999999999999s", &e));
    CHECK(e == "number too large");
}

TEST_CASE("format_time uses the largest unit and round-trips through parse_time") {
    CHECK(format_time(1500) == "1.5us");
    CHECK(format_time(2_ms) == "2ms");
    CHECK(format_time(0) == "0ns");
    CHECK(format_time(1_s + 1) == "1.000000001s");
    for (Time t : {Time{1}, Time{999}, 1_us, 1234567_ns, 3_s, 250_ms + 7})
        CHECK(parse_time(format_time(t)) == t);
}

TEST_CASE("time literals are nanoseconds") {
    CHECK(1_us == 1000);
    CHECK(1_ms == 1000_us);
    CHECK(1_s == 1000_ms);
}

TEST_CASE("parse_rate reads events per second with Hz, pps or /s and an SI prefix") {
    CHECK(parse_rate("10kHz") == 10000.0);
    CHECK(parse_rate("1.5Mpps") == 1500000.0);
    CHECK(parse_rate("600000/s") == 600000.0);
    CHECK(parse_rate("250") == 250.0);
    CHECK(parse_rate("0.5Hz") == 0.5);
    CHECK(parse_rate("2GHz") == 2e9);
    std::string error;
    CHECK_FALSE(parse_rate("10kbps", &error));
    CHECK(error == "unknown unit 'kbps' (use Hz, pps or /s, with k, M or G: 10kHz, 1Mpps)");
    CHECK_FALSE(parse_rate("0Hz", &error));
    CHECK(error == "a rate must be above zero");
    CHECK_FALSE(parse_rate("fast", &error));
    CHECK(error == "a rate starts with a number, like 10kHz");
}
