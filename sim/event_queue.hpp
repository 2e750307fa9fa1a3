// The pending events, as a binary heap ordered by (time, priority, insertion sequence).
//
// Each event knows its slot in the heap, so cancelling is a real O(log n) removal: the
// queue never holds stale entries, and an event may be destroyed right after it is
// descheduled.
#pragma once

#include <cassert>
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

// The hot path, inline: every event goes through these.

inline void EventQueue::push(Event& e, Time when) {
    assert(!e.scheduled());
    // Priority in the top byte, then a 56-bit insertion sequence: one integer compare
    // breaks ties by priority first and FIFO second.
    e.when_ = when;
    e.order_ = e.priority_key_ | next_sequence_++;
    e.queue_ = this;
    heap_.push_back(Slot{when, e.order_, &e});
    e.heap_index_ = static_cast<std::uint32_t>(heap_.size() - 1);
    sift_up(e.heap_index_);
}

inline void EventQueue::sift_up(std::uint32_t i) {
    Slot s = heap_[i];
    while (i > 0) {
        std::uint32_t parent = (i - 1) / 2;
        if (!before(s, heap_[parent])) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, s);
}

inline Event& EventQueue::pop() {
    assert(!heap_.empty());
    Event& e = *heap_.front().event;
    e.heap_index_ = Event::kNotScheduled;
    Slot last = heap_.back();
    heap_.pop_back();
    auto n = static_cast<std::uint32_t>(heap_.size());
    if (n == 0) return e;
    // Floyd's pop: walk the hole at the top down along the smaller children to a leaf
    // without comparing against `last` (which belongs near the bottom anyway), then sift
    // `last` up from there. About half the comparisons of the textbook sift-down.
    std::uint32_t hole = 0;
    for (;;) {
        std::uint32_t child = 2 * hole + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        place(hole, heap_[child]);
        hole = child;
    }
    place(hole, last);
    sift_up(hole);
    return e;
}

}  // namespace irqlab::sim
