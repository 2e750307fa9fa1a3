// The stepper's session (tools/step/session.*): moves that stop between trace records,
// breakpoints, and reverse moves by replay that land on the identical state.
#include <catch2/catch.hpp>

#include <sstream>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/trace/events.hpp"
#include "sim/simulator.hpp"
#include "tests/tools/step_inspect_all.hpp"
#include "tools/scenario/scenario.hpp"
#include "tools/scenario/world.hpp"
#include "tools/step/session.hpp"

using namespace irqlab;
using step::Session;
using step::Stop;
using Ev = kernel::trace::Ev;

namespace {

scenario::Scenario lesson(const std::string& name, std::vector<std::string> sets = {}) {
    std::string path = IRQLAB_SOURCE_DIR;  // appended: GCC 12 warns falsely on a + chain
    path.append("/scenarios/").append(name).append(".yaml");
    return scenario::load_file(path, sets);
}

// Everything a user can look at in the paused machine, as one text: two states are the
// same for the stepper when these are.
std::string snapshot(Session& s) {
    std::ostringstream o;
    kernel::Kernel& k = s.kernel();
    o << "time " << s.now() << " seq " << s.position().seq << " at_record " << s.position().at_record << "\n";
    if (const sim::TraceRecord* r = s.current()) o << "record kind " << r->kind << " cpu " << r->cpu << "\n";
    test::inspect_everything(o, k, s.world());
    for (const std::string& p : kernel::procfs::list(k)) o << p << ":\n" << kernel::procfs::read(k, p).value_or("") << "\n";
    k.log().flush();
    o << k.log().dmesg();
    o << "events " << s.simulator().engine().events_processed() << "\n";
    return o.str();
}

}  // namespace

TEST_CASE("step N stops N trace records later, inside the simulation") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    const std::uint64_t start = s.position().seq;
    Stop st = s.step(5);
    CHECK(st.why == Stop::Why::Steps);
    REQUIRE(s.current() != nullptr);
    CHECK(s.current()->seq == start + 5);
    CHECK(s.position().at_record);
    s.step(1);
    CHECK(s.current()->seq == start + 6);
}

TEST_CASE("a breakpoint on a tasklet stops at tasklet_entry with the CPU's context stack") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    std::string error;
    REQUIRE(s.breakpoints().add({"tasklet", "irqgen_bh"}, error) == 1);
    Stop st = s.resume();
    REQUIRE(st.why == Stop::Why::Breakpoint);
    CHECK(st.breakpoint == 1);
    REQUIRE(s.current() != nullptr);
    CHECK(static_cast<Ev>(s.current()->kind) == Ev::tasklet_entry);
    CHECK(std::string(s.current()->str[0]) == "irqgen_bh");
    CHECK(s.now() > sim::kNsPerMs);  // the first interrupt is at 1ms
    std::ostringstream bt;
    step::backtrace(bt, s.kernel(), s.current()->cpu);
    // The tasklet runs in TASKLET_SOFTIRQ, on the stack of whatever CPU0 was doing.
    const std::string stack = bt.str();
    std::size_t softirq = stack.find("TASKLET"), tasklet = stack.find("irqgen_bh");
    CHECK(softirq != std::string::npos);
    CHECK(tasklet != std::string::npos);
    CHECK(softirq < tasklet);
    CHECK(stack.find("tasklet ", stack.rfind('\n', tasklet)) < tasklet);
    // The second continue stops at the next one, a millisecond later.
    sim::Time first = s.now();
    s.resume();
    CHECK(s.breakpoints().find(1)->hits == 2);
    CHECK(s.now() - first == sim::kNsPerMs);
}

TEST_CASE("next stops at the next handler or bottom-half boundary") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    std::vector<Ev> seen;
    for (int i = 0; i < 6; ++i) {
        REQUIRE(s.next().why == Stop::Why::Boundary);
        seen.push_back(static_cast<Ev>(s.current()->kind));
    }
    // Ticks may come between; the first interrupt's path is in this order.
    std::vector<Ev> path;
    for (Ev e : seen)
        if (e != Ev::local_timer_entry && e != Ev::local_timer_exit && e != Ev::timer_expire_entry && e != Ev::timer_expire_exit)
            path.push_back(e);
    REQUIRE(path.size() >= 4);
    CHECK(path[0] == Ev::irq_handler_entry);
    CHECK(path[1] == Ev::irq_handler_exit);
    CHECK(path[2] == Ev::softirq_entry);
    CHECK(path[3] == Ev::tasklet_entry);
}

TEST_CASE("until stops at the time even when the run was paused in the middle of a handler") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    std::string error;
    s.breakpoints().add({"irq", "17"}, error);
    REQUIRE(s.resume().why == Stop::Why::Breakpoint);
    const sim::Time t = s.now() + 100 * sim::kNsPerUs;
    CHECK(s.until(t).why == Stop::Why::Time);
    CHECK(s.now() == t);
    CHECK(!s.position().at_record);
}

TEST_CASE("a time breakpoint stops the run at that time") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    std::string error;
    int n = s.breakpoints().add({"time", "2500us"}, error);
    Stop st = s.resume();
    CHECK(st.why == Stop::Why::Breakpoint);
    CHECK(st.breakpoint == n);
    CHECK(s.now() == 2500 * sim::kNsPerUs);
    CHECK(s.resume().why == Stop::Why::End);
    CHECK(s.now() == sc.until);
    CHECK(s.ended());
}

TEST_CASE("a bug breakpoint stops at the BUG report") {
    auto sc = lesson("bh-tasklet-sleeps");
    Session s(sc);
    std::string error;
    s.breakpoints().add({"bug"}, error);
    REQUIRE(s.resume().why == Stop::Why::Breakpoint);
    CHECK(static_cast<Ev>(s.current()->kind) == Ev::irqlab_bug);
    CHECK(std::string(s.current()->str[0]).find("BUG: scheduling while atomic") == 0);
}

TEST_CASE("reverse-step lands on the state that was reached forwards") {
    auto sc = lesson("bh-tasklet-split");
    std::string after;
    {
        Session fwd(sc);
        fwd.step(70);
        const std::string there = snapshot(fwd);
        fwd.step(33);
        CHECK(snapshot(fwd) != there);
        REQUIRE(fwd.reverse_step(33).why == Stop::Why::Steps);
        CHECK(snapshot(fwd) == there);
        // And the run goes on from there as it did the first time.
        fwd.step(33);
        after = snapshot(fwd);
    }
    Session other(sc);  // (one simulated kernel at a time)
    other.step(103);
    CHECK(snapshot(other) == after);
}

TEST_CASE("reverse-step and reverse-continue from inside a tasklet, in a driver with static state") {
    // atkbd's keyboard_tasklet is a static DECLARE_TASKLET: a replay must start from the
    // driver's statics as loaded, not as the run left them (kernel/module/data.cpp).
    auto sc = lesson("kbd-blocked-reader");
    Session s(sc);
    std::string error;
    s.breakpoints().add({"tasklet", "kbd_bh"}, error);
    s.resume();
    s.resume();
    REQUIRE(static_cast<Ev>(s.current()->kind) == Ev::tasklet_entry);
    const std::string inside = snapshot(s);
    s.until(s.now() + 5 * sim::kNsPerMs);
    s.step(1);
    const std::string later = snapshot(s);
    s.step(40);
    s.reverse_step(40);
    CHECK(snapshot(s) == later);
    s.reverse_continue();
    CHECK(snapshot(s) == inside);
}

TEST_CASE("reverse-continue goes back to the previous breakpoint hit") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    std::string error;
    s.breakpoints().add({"tasklet", "irqgen_bh"}, error);
    s.resume();
    const sim::Time first = s.now();
    const std::string at_first = snapshot(s);
    s.resume();
    s.resume();
    const sim::Time third = s.now();
    Stop st = s.reverse_continue();
    CHECK(st.why == Stop::Why::Breakpoint);
    CHECK(s.now() == third - sim::kNsPerMs);
    s.reverse_continue();
    CHECK(s.now() == first);
    CHECK(snapshot(s) == at_first);
    CHECK(s.reverse_continue().why == Stop::Why::Start);
    CHECK(s.now() == 0);
}

TEST_CASE("an injected interrupt is journaled: going back and forth replays it at the same point") {
    auto sc = lesson("bh-tasklet-split");
    std::string there;
    {
        Session s(sc);
        s.until(1500 * sim::kNsPerUs);
        REQUIRE(s.inject("irqgen.0", "irq", "") == "");
        s.until(3 * sim::kNsPerMs);
        there = snapshot(s);
        s.step(1);
        const std::string next = snapshot(s);
        s.step(20);
        s.reverse_step(20);
        CHECK(snapshot(s) == next);
        // Back before the input and forward again: it is given again at the same point.
        s.reverse_continue();
        CHECK(s.now() == 0);
        s.until(3 * sim::kNsPerMs);
        CHECK(snapshot(s) == there);
    }
    // Without the input, the same point differs: three interrupts instead of two.
    Session plain(sc);
    plain.until(3 * sim::kNsPerMs);
    CHECK(snapshot(plain) != there);
}

TEST_CASE("inject refuses an unknown device with the nearest name") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    CHECK(s.inject("irqgen.1", "irq", "") == "no device 'irqgen.1' (did you mean 'irqgen.0'?)");
    CHECK(s.journal().empty());
}

TEST_CASE("run starts again from time 0 and forgets the inputs") {
    auto sc = lesson("bh-tasklet-split");
    Session s(sc);
    s.until(2 * sim::kNsPerMs);
    s.inject("irqgen.0", "irq", "");
    Stop st = s.run();
    CHECK(st.why == Stop::Why::End);
    CHECK(s.journal().empty());
}
