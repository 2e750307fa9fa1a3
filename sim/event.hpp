// Events: things that happen at a simulated instant.
//
// Events belong to the objects that schedule them (a CPU's resume event, a device's
// timer), gem5-style: they are members, not heap-allocated callbacks, so their lifetime is
// the owner's. The queue orders them by (time, priority, insertion sequence), which makes
// every run with the same inputs take the same path.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "sim/time.hpp"

namespace irqlab::sim {

// The order of events due at the same instant. Lower runs first.
enum class Priority : std::int8_t {
    // External input (scenario workload, stepper injections, live input) lands first, so
    // everything that happens at t reacts to the world as it is at t.
    Stimulus = -30,
    // Device models change state next (FIFOs, line levels, their own timers): hardware is
    // settled at t before an interrupt controller or a CPU looks at it at t.
    Device = -20,
    // Interrupt controllers forward messages (IO-APIC to local APIC, IPIs, the local timer)
    // once the lines they sample have settled.
    Delivery = -10,
    // CPUs resume (a spend ends, an interrupt is taken, a spinner is handed a lock): they
    // observe devices and controllers as of t.
    Cpu = 0,
    // Observers (samplers, the soft-lockup watchdog) look at t after all of it happened.
    Observer = 40,
    // run_until(t) stops after everything due at t, so "until 10ms" includes 10ms.
    Stop = 50,
};

const char* priority_name(Priority p);

class EventQueue;
class Fiber;

class Event {
public:
    explicit Event(const char* description, Priority priority = Priority::Cpu)
        : description_(description),
          priority_(priority),
          priority_key_(static_cast<std::uint64_t>(static_cast<int>(priority) + 128) << 56) {}
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    virtual ~Event();

    virtual void process() = 0;
    // An event whose process() only switches to a waiting fiber says which one, after
    // making it ready to run, so that a fiber waiting in Simulator::await() can switch to
    // it directly instead of through the loop. Plain callbacks return nullptr.
    virtual Fiber* handoff() { return nullptr; }
    // A line for queue dumps; owners may override to add who and what ("cpu1: spend ends").
    virtual std::string describe() const { return description_; }

    bool scheduled() const { return heap_index_ != kNotScheduled; }
    Time when() const { return when_; }
    Priority priority() const { return priority_; }
    const char* description() const { return description_; }

private:
    friend class EventQueue;
    static constexpr std::uint32_t kNotScheduled = ~0u;

    const char* description_;
    Priority priority_;
    std::uint64_t priority_key_;  // the priority in the top byte of the queue's order key
    std::uint32_t heap_index_ = kNotScheduled;
    Time when_ = 0;
    std::uint64_t order_ = 0;  // priority and insertion sequence, packed for one compare
    EventQueue* queue_ = nullptr;
};

// An event that calls a callable; for owners with several events of one kind.
template <class F>
class EventFunction final : public Event {
public:
    EventFunction(const char* description, Priority priority, F f)
        : Event(description, priority), f_(std::move(f)) {}
    void process() override { f_(); }

private:
    F f_;
};

// An event that calls a member function of its owner: `MemberEvent<&Uart::rx_timeout>`.
template <auto Method>
class MemberEvent;

template <class Owner, void (Owner::*Method)()>
class MemberEvent<Method> final : public Event {
public:
    MemberEvent(Owner* owner, const char* description, Priority priority = Priority::Device)
        : Event(description, priority), owner_(owner) {}
    void process() override { (owner_->*Method)(); }

private:
    Owner* owner_;
};

}  // namespace irqlab::sim
