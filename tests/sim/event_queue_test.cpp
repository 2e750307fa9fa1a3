#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
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

// The lane beside the heap (events pushed for the instant being run) must not change the
// order. A random mix of pushes "now" and later, of every priority, with removals and
// reschedules made from inside events, runs exactly as a plain list sorted by (time,
// priority, insertion) says it should.
TEST_CASE("events pushed for the current instant run in the heap's order") {
    Engine e;
    struct Pending {
        Time when;
        int prio;
        std::uint64_t seq;
        int id;
    };
    std::vector<Pending> model;
    std::uint64_t seq = 0;
    auto first = [&] {
        return std::min_element(model.begin(), model.end(), [](const Pending& a, const Pending& b) {
            return std::tie(a.when, a.prio, a.seq) < std::tie(b.when, b.prio, b.seq);
        });
    };
    auto forget = [&](int id) { std::erase_if(model, [id](const Pending& p) { return p.id == id; }); };

    using Ev = EventFunction<std::function<void()>>;
    std::vector<std::unique_ptr<Ev>> evs;
    auto schedule = [&](int id, Time when) {
        forget(id);
        model.push_back({when, static_cast<int>(evs[id]->priority()), seq++, id});
        e.reschedule(*evs[id], when);
    };
    std::vector<int> ran, expected;
    std::mt19937 rng(7);
    int budget = 4000;
    constexpr int n = 48;
    const Priority prios[] = {Priority::Stimulus, Priority::Device, Priority::Delivery, Priority::Cpu, Priority::Observer};
    for (int i = 0; i < n; ++i)
        evs.push_back(std::make_unique<Ev>("ev", prios[i % 5], [&, i] {
            ran.push_back(i);
            for (int k = 0; k < 3 && budget > 0; ++k, --budget) {
                int id = static_cast<int>(rng() % n);
                switch (rng() % 5) {
                    case 0:
                    case 1:
                    case 2: schedule(id, e.now()); break;
                    case 3: schedule(id, e.now() + static_cast<Time>(rng() % 3)); break;
                    default:
                        forget(id);
                        e.deschedule(*evs[id]);
                }
            }
        }));
    for (int i = 0; i < n; ++i) schedule(i, i % 4);
    while (!e.empty()) {
        REQUIRE(!model.empty());
        CHECK(e.next_time() == first()->when);
        expected.push_back(first()->id);
        model.erase(first());
        e.step();
    }
    CHECK(model.empty());
    CHECK(ran == expected);
    CHECK(ran.size() > 1000);
}
