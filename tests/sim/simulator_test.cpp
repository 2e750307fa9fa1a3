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

TEST_CASE("a run resumed after a pause ends at the new limit, sooner or later than the old one") {
    Simulator s(1);
    std::vector<Time> log;
    auto f = [&] {
        log.push_back(s.now());
        s.pause();
    };
    auto g = [&] { log.push_back(s.now()); };
    EventFunction<decltype(f)> a("a", Priority::Device, f);
    EventFunction<decltype(g)> b("b", Priority::Device, g), c("c", Priority::Device, g);
    s.engine().schedule(a, 10);
    s.engine().schedule(b, 50);
    s.engine().schedule(c, 500);
    CHECK(s.run_until(1000) == Simulator::Status::Paused);
    // Sooner: the run that was heading for 1000 ends at 60, after b and before c.
    CHECK(s.run_until(60) == Simulator::Status::Reached);
    CHECK(s.now() == 60);
    CHECK(log == std::vector<Time>{10, 50});
    CHECK(s.run_until(2000) == Simulator::Status::Reached);
    CHECK(log == std::vector<Time>{10, 50, 500});
    CHECK(s.now() == 2000);
}

TEST_CASE("a stopped engine reports Stopped") {
    Simulator s(1);
    auto f = [&] { s.engine().stop(); };
    EventFunction<decltype(f)> a("a", Priority::Device, f);
    s.engine().schedule(a, 10);
    CHECK(s.run_until(100) == Simulator::Status::Stopped);
    CHECK(s.now() == 10);
}

namespace {
// A fiber that logs, then waits `period` with Simulator::await(), `rounds` times: what a
// CPU's task does when it spends time and something else is due first.
struct Waiter {
    class Resume final : public Event {
    public:
        explicit Resume(Waiter& w) : Event("resume", Priority::Cpu), w_(w) {}
        void process() override { Fiber::switch_to(*handoff()); }
        Fiber* handoff() override { return w_.fiber.get(); }

    private:
        Waiter& w_;
    };

    Waiter(Simulator& s, std::string n, Time period, int rounds, std::vector<std::string>& log)
        : sim(s), name(std::move(n)), resume(*this) {
        fiber = std::make_unique<Fiber>(name, Fiber::default_stack_size(), [this, period, rounds, &log]() -> Fiber* {
            for (int i = 0; i < rounds; ++i) {
                log.push_back(name + "@" + std::to_string(sim.now()));
                sim.engine().schedule(resume, sim.now() + period);
                sim.await();
            }
            log.push_back(name + " done@" + std::to_string(sim.now()));
            return &sim.loop_fiber();
        });
        sim.engine().schedule(resume, 0);
    }
    Simulator& sim;
    std::string name;
    std::unique_ptr<Fiber> fiber;
    Resume resume;
};
}  // namespace

TEST_CASE("a waiting fiber runs the loop itself: events keep the loop's order, and a stop hands back to the loop") {
    // Simulator::await(): plain events in place, a direct switch to the next fiber to resume.
    std::vector<std::string> log;
    Simulator s(1);
    auto device = [&] { log.push_back("device@" + std::to_string(s.now())); };
    EventFunction<decltype(device)> d1("d1", Priority::Device, device), d2("d2", Priority::Device, device);
    s.engine().schedule(d1, 30);  // same time as b's resume: a device event goes first
    s.engine().schedule(d2, 45);
    {
        Waiter a(s, "a", 20, 3, log), b(s, "b", 15, 3, log);
        CHECK(s.run_until(40) == Simulator::Status::Reached);  // a stop handled on a waiter's fiber
        CHECK(s.now() == 40);
        CHECK(log == std::vector<std::string>{"a@0", "b@0", "b@15", "a@20", "device@30", "b@30", "a@40"});
        CHECK(s.run_until(100) == Simulator::Status::Reached);
        CHECK(log == std::vector<std::string>{"a@0", "b@0", "b@15", "a@20", "device@30", "b@30", "a@40",
                                              "device@45", "b done@45", "a done@60"});
        CHECK(a.fiber->finished());
        CHECK(b.fiber->finished());
        CHECK(s.engine().events_processed() == 10);  // 8 resumes, 2 device events (stops are not counted)
    }
}
