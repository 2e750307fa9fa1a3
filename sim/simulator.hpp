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

    // The fiber the engine loop runs on: a task that waits for time switches back to it.
    Fiber& loop_fiber() { return *loop_; }

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
};

}  // namespace irqlab::sim
