// The trace bus: every state change of the simulated machine is one typed record.
//
// Records are small PODs (time, cpu, task, kind, a few fields); the kernel defines the
// kinds and their meaning (kernel/trace/events.hpp), the bus only numbers and delivers
// them. Every record gets a global sequence number and names the record that caused it,
// so a consumer can follow a chain from a line assertion to the process it woke.
// When nobody subscribes, emitters skip building records at all (active() is inline).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace irqlab::sim {

struct TraceRecord {
    std::uint64_t seq = 0;    // global sequence number, from 1 (assigned by the bus)
    std::uint64_t cause = 0;  // seq of the record that caused this one; 0 for none
    Time time = 0;
    std::int32_t cpu = -1;  // -1: not on a CPU (a device model, the scenario)
    std::int32_t pid = 0;   // the task current on `cpu`
    const char* comm = "";  // its name
    std::uint32_t preempt_count = 0;
    std::uint16_t kind = 0;
    std::uint8_t flags = 0;  // kTraceIrqsOff | kTraceNeedResched
    std::int64_t arg[6] = {};
    const char* str[2] = {nullptr, nullptr};  // stable strings (interned names)
    const void* ptr = nullptr;                // an object, shown as a stable fake address
};

inline constexpr std::uint8_t kTraceIrqsOff = 1;
inline constexpr std::uint8_t kTraceNeedResched = 2;

class TraceSubscriber {
public:
    virtual ~TraceSubscriber() = default;
    virtual void on_record(const TraceRecord& r) = 0;
};

class TraceBus {
public:
    bool active() const { return !subscribers_.empty(); }
    // Numbers the record and hands it to every subscriber, in subscription order.
    std::uint64_t emit(TraceRecord& r) {
        r.seq = ++last_seq_;
        for (TraceSubscriber* s : subscribers_) s->on_record(r);
        return r.seq;
    }
    void subscribe(TraceSubscriber* s) { subscribers_.push_back(s); }
    void unsubscribe(TraceSubscriber* s);
    std::uint64_t last_seq() const { return last_seq_; }

private:
    std::vector<TraceSubscriber*> subscribers_;
    std::uint64_t last_seq_ = 0;
};

}  // namespace irqlab::sim
