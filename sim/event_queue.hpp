// The pending events, as a binary heap ordered by (time, priority, insertion sequence).
//
// Each event knows its slot in the heap, so cancelling is a real O(log n) removal: the
// queue never holds stale entries, and an event may be destroyed right after it is
// descheduled.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/event.hpp"

namespace irqlab::sim {

class EventQueue {
public:
    EventQueue() = default;
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;
    ~EventQueue();

    void push(Event& e, Time when);
    void remove(Event& e);
    Event* top() const { return heap_.empty() ? nullptr : heap_.front().event; }
    Time top_time() const { return heap_.empty() ? kNever : heap_.front().when; }
    Event& pop();
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    // Every pending event in the order it will run (a copy; for dumps and the stepper).
    std::vector<const Event*> in_order() const;

private:
    struct Slot {
        Time when;
        std::uint64_t order;
        Event* event;
    };
    static bool before(const Slot& a, const Slot& b) {
        return a.when < b.when || (a.when == b.when && a.order < b.order);
    }
    void place(std::uint32_t i, const Slot& s) {
        heap_[i] = s;
        s.event->heap_index_ = i;
    }
    void sift_up(std::uint32_t i);
    void sift_down(std::uint32_t i);

    std::vector<Slot> heap_;
    std::uint64_t next_sequence_ = 1;
};

}  // namespace irqlab::sim
