// The discrete-event engine: a clock and a queue of events.
//
// step() is the one primitive: it takes the next event, moves the clock to its time and
// runs it. run_until() and run() are loops around step(), so stepping and running share
// one path (as in SimPy).
#pragma once

#include <cassert>
#include <cstdint>
#include <string>

#include "sim/event_queue.hpp"

namespace irqlab::sim {

class Engine {
public:
    Engine() = default;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    Time now() const { return now_; }

    // Schedules `e` at `when` (>= now). The event must not be scheduled already.
    void schedule(Event& e, Time when);
    // Schedules `e` at `when`, moving it if it is already pending.
    void reschedule(Event& e, Time when);
    // Takes `e` out of the queue if it is pending.
    void deschedule(Event& e);

    // Runs the next event. Returns false (and does nothing) when the queue is empty.
    bool step();
    // step() without running the event, for a loop run elsewhere (Simulator::await): takes
    // the next one out (the queue must not be empty) with the clock moved to its time.
    Event& take();
    // Runs every event due at or before `limit`, then leaves the clock at `limit` and
    // returns true. Returns false early, with the clock at the last event, if stop() is called.
    bool run_until(Time limit);
    // Moves the end of the run_until() in progress, sooner or later (a controller that
    // paused the run mid-event and now wants it to end elsewhere). Nothing happens when no
    // run_until() is in progress.
    void set_limit(Time limit);
    // Runs until the queue is empty or stop() is called.
    void run();
    // Makes the running run_until()/run() return after the current event.
    void stop() { stop_requested_ = true; }
    bool stop_requested() const { return stop_requested_; }

    bool empty() const { return queue_.empty(); }
    Time next_time() const { return queue_.top_time(); }
    std::uint64_t events_processed() const { return processed_; }

    // The fast path of a busy CPU: when nothing is due before `t`, the clock may jump there
    // without a round trip through the queue. The result is the same as scheduling a
    // resume at `t` and stepping to it, since no other event could run in between.
    bool can_advance_to(Time t) const { return queue_.top_time() > t; }
    void advance_to(Time t) { now_ = t; }

    // The queue as a story, one pending event per line: "   1.5us  device  irqgen0: fire".
    std::string dump() const;

private:
    EventQueue queue_;
    Time now_ = 0;
    std::uint64_t processed_ = 0;
    bool stop_requested_ = false;
    Event* stop_event_ = nullptr;  // the end of the run_until() in progress
};

inline void Engine::schedule(Event& e, Time when) {
    assert(when >= now_ && "events cannot be scheduled in the past");
    assert(!e.scheduled() && "event already scheduled; use reschedule()");
    queue_.push(e, when);
}

inline Event& Engine::take() {
    Event& e = queue_.pop();
    assert(e.when() >= now_);
    now_ = e.when();
    ++processed_;
    return e;
}

inline bool Engine::step() {
    if (queue_.empty()) return false;
    take().process();
    return true;
}

}  // namespace irqlab::sim
