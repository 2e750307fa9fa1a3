// A simulation run: the engine, the trace bus and the random streams, with the engine
// loop on a fiber of its own.
//
// The controller (the CLI, the stepper, a test) calls run_until() from the main fiber. The
// loop fiber then runs events until the limit and switches back. Code anywhere inside the
// simulation (an event callback, a task in the middle of a handler) may call pause(): it
// switches straight to the controller, and the next run_until() resumes exactly there.
// That is how a breakpoint stops at any trace record.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/engine.hpp"
#include "sim/fiber.hpp"
#include "sim/random.hpp"
#include "sim/trace.hpp"

namespace irqlab::sim {

class Simulator {
public:
    explicit Simulator(std::uint64_t seed, std::size_t stack_size = Fiber::default_stack_size());
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;
    ~Simulator();

    Engine& engine() { return engine_; }
    TraceBus& trace() { return trace_; }
    const RngRoot& rng() const { return rng_; }
    Time now() const { return engine_.now(); }

    enum class Status { Reached, Stopped, Paused };
    // Runs (or resumes) until `limit`. Reached: the clock is at `limit`. Stopped: something
    // called engine().stop() (the run is over). Paused: pause() was called; call again to go on.
    Status run_until(Time limit);

    // From inside the simulation: suspend here and return to the controller.
    void pause();
    bool inside() const { return &Fiber::current() != controller_; }

    // The fiber the engine loop runs on.
    Fiber& loop_fiber() { return *loop_; }

    // From a fiber inside the simulation that waits to be resumed (by an event whose
    // handoff() is this fiber, scheduled now or later): returns once it has been. Instead
    // of switching to the loop fiber, which would run the events due first and then switch
    // on, the waiting fiber runs them itself: plain callbacks in place, and the first event that resumes a fiber as one
    // direct switch to it (none at all when that fiber is this one). The events run in the
    // loop's order; only fewer fiber switches are made. The loop takes over again when the
    // run stops, the queue runs dry, or the loop is not free-running (a controller stepping).
    void await();

    // Kills every fiber still suspended; call before destroying objects they reference.
    void shutdown();

private:
    Engine engine_;
    TraceBus trace_;
    RngRoot rng_;
    std::unique_ptr<Fiber> loop_;
    Fiber* controller_ = nullptr;
    Fiber* paused_at_ = nullptr;
    Time limit_ = 0;
    Status status_ = Status::Reached;
    bool free_running_ = false;  // the loop fiber is inside engine_.run_until()
};

}  // namespace irqlab::sim
