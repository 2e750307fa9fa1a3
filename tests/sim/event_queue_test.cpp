#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/engine.hpp"

using namespace irqlab::sim;

namespace {
struct Recorder : Event {
    Recorder(std::vector<std::string>& log, std::string name, Priority p) : Event("recorder", p), log_(log), name_(std::move(name)) {}
    void process() override { log_.push_back(name_); }
    std::string describe() const override { return "record " + name_; }
    std::vector<std::string>& log_;
    std::string name_;
};
}  // namespace

TEST_CASE("events run in (time, priority, insertion) order") {
    Engine e;
    std::vector<std::string> log;
    Recorder late(log, "late", Priority::Device), cpu(log, "cpu", Priority::Cpu), dev1(log, "dev1", Priority::Device),
        dev2(log, "dev2", Priority::Device), stim(log, "stim", Priority::Stimulus);
    e.schedule(late, 20);
    e.schedule(cpu, 10);
    e.schedule(dev1, 10);
    e.schedule(dev2, 10);
    e.schedule(stim, 10);
    e.run();
    CHECK(log == std::vector<std::string>{"stim", "dev1", "dev2", "cpu", "late"});
}

TEST_CASE("a descheduled event does not run and can be scheduled again") {
    Engine e;
    std::vector<std::string> log;
    Recorder a(log, "a", Priority::Cpu), b(log, "b", Priority::Cpu);
    e.schedule(a, 5);
    e.schedule(b, 6);
    e.deschedule(a);
    CHECK_FALSE(a.scheduled());
    e.schedule(a, 7);
    e.run();
    CHECK(log == std::vector<std::string>{"b", "a"});
}

TEST_CASE("reschedule moves a pending event") {
    Engine e;
    std::vector<std::string> log;
    Recorder a(log, "a", Priority::Cpu), b(log, "b", Priority::Cpu);
    e.schedule(a, 5);
    e.schedule(b, 6);
    e.reschedule(a, 9);
    e.run();
    CHECK(log == std::vector<std::string>{"b", "a"});
    CHECK(e.now() == 9);
}

TEST_CASE("an event destroyed while pending leaves the queue") {
    Engine e;
    std::vector<std::string> log;
    Recorder keep(log, "keep", Priority::Cpu);
    {
        Recorder gone(log, "gone", Priority::Cpu);
        e.schedule(gone, 3);
        e.schedule(keep, 4);
    }
    e.run();
    CHECK(log == std::vector<std::string>{"keep"});
}

TEST_CASE("many interleaved inserts and removals keep the heap ordered") {
    Engine e;
    std::vector<std::string> log;
    std::vector<std::unique_ptr<Recorder>> evs;
    for (int i = 0; i < 200; ++i) evs.push_back(std::make_unique<Recorder>(log, std::to_string(i), Priority::Cpu));
    for (int i = 0; i < 200; ++i) e.schedule(*evs[i], (i * 7919) % 211);
    for (int i = 0; i < 200; i += 3) e.deschedule(*evs[i]);
    Time last = -1;
    int runs = 0;
    while (!e.empty()) {
        Time t = e.next_time();
        CHECK(t >= last);
        last = t;
        e.step();
        ++runs;
    }
    CHECK(runs == 200 - 67);
}
