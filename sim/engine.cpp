#include "sim/engine.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace irqlab::sim {


void Engine::reschedule(Event& e, Time when) {
    assert(when >= now_);
    if (e.scheduled()) queue_.remove(e);
    queue_.push(e, when);
}

void Engine::deschedule(Event& e) {
    if (e.scheduled()) queue_.remove(e);
}


namespace {
// Marks the end of run_until(): at the lowest priority, so everything due at the limit
// runs first.
class StopEvent final : public Event {
public:
    explicit StopEvent(Engine& engine) : Event("run_until: stop", Priority::Stop), engine_(engine) {}
    void process() override { engine_.stop(); }

private:
    Engine& engine_;
};
}  // namespace

bool Engine::run_until(Time limit) {
    stop_requested_ = false;
    if (limit < now_) return true;
    StopEvent stop(*this);
    schedule(stop, limit);
    stop_event_ = &stop;
    while (!stop_requested_ && step()) {
    }
    stop_event_ = nullptr;
    if (!stop.scheduled()) {
        --processed_;  // the stop is bookkeeping, not an event of the simulated machine
        return true;
    }
    deschedule(stop);  // still pending: something else stopped the run early
    return false;
}

void Engine::set_limit(Time limit) {
    if (stop_event_) reschedule(*stop_event_, std::max(limit, now_));
}

void Engine::run() {
    stop_requested_ = false;
    while (!stop_requested_ && step()) {
    }
}

std::string Engine::dump() const {
    std::string out;
    char line[256];
    for (const Event* e : queue_.in_order()) {
        std::snprintf(line, sizeof line, "%14s  %-8s  %s\n", format_time(e->when()).c_str(),
                      priority_name(e->priority()), e->describe().c_str());
        out += line;
    }
    return out;
}

}  // namespace irqlab::sim
