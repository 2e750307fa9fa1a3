#include "sim/simulator.hpp"

namespace irqlab::sim {

Simulator::Simulator(std::uint64_t seed, std::size_t stack_size) : rng_(seed) {
    loop_ = std::make_unique<Fiber>("engine", stack_size, [this]() -> Fiber* {
        for (;;) {
            bool reached;
            do {  // the limit may have been raised while the run was paused
                free_running_ = true;
                reached = engine_.run_until(limit_);
                free_running_ = false;
            } while (reached && engine_.now() < limit_);
            status_ = reached ? Status::Reached : Status::Stopped;
            Fiber::switch_to(*controller_);
        }
    });
}

Simulator::~Simulator() { shutdown(); }

Simulator::Status Simulator::run_until(Time limit) {
    controller_ = &Fiber::current();
    if (paused_at_) {
        // Resume where pause() left off, with the run's end moved to the new limit.
        Fiber* at = paused_at_;
        paused_at_ = nullptr;
        limit_ = limit;
        engine_.set_limit(limit);
        status_ = Status::Reached;
        Fiber::switch_to(*at);
        return status_;
    }
    limit_ = limit;
    Fiber::switch_to(*loop_);
    return status_;
}

void Simulator::await() {
    Fiber& self = Fiber::current();
    while (free_running_ && !engine_.stop_requested() && !engine_.empty()) {
        Event& e = engine_.take();
        Fiber* target = e.handoff();
        if (!target) {
            e.process();
            continue;
        }
        if (target != &self) Fiber::switch_to(*target);
        return;  // whoever switched back here took this fiber's resume event
    }
    Fiber::switch_to(*loop_);
}

void Simulator::pause() {
    paused_at_ = &Fiber::current();
    status_ = Status::Paused;
    Fiber::switch_to(*controller_);
}

void Simulator::shutdown() {
    if (loop_ && !loop_->finished()) loop_->kill();
}

}  // namespace irqlab::sim
