// The pending events, as a binary heap ordered by (time, priority, insertion sequence).
//
// Each event knows its slot in the heap, so cancelling is a real O(log n) removal: the
// queue never holds stale entries, and an event may be destroyed right after it is
// descheduled.
//
// Beside the heap runs a lane: a FIFO of events due at the instant of the last pop, for the
// commonest push of all, "now" (a CPU woken by an interrupt, a fiber handed off). An event
// joins the lane only if it sorts after the lane's tail, so the lane stays in order and
// pop() takes the first of two heads: events run in exactly the heap's order, but at O(1)
// instead of two walks through the heap.
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
    Event* top() const {
        if (lane_first()) return lane_[lane_head_].event;
        return heap_.empty() ? nullptr : heap_.front().event;
    }
    // Lane entries are due at the last pop's instant, which nothing in the heap precedes.
    Time top_time() const { return lane_live_ ? lane_time_ : heap_.empty() ? kNever : heap_.front().when; }
    Event& pop();
    bool empty() const { return heap_.empty() && !lane_live_; }
    std::size_t size() const { return heap_.size() + lane_live_; }
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
    bool lane_first() const { return lane_live_ && (heap_.empty() || before(lane_[lane_head_], heap_.front())); }
    Event& pop_lane();
    // Past removed entries (tombstones) to the next live one; an emptied lane starts over.
    void skip_lane_tombstones() {
        while (lane_head_ < lane_.size() && !lane_[lane_head_].event) ++lane_head_;
        if (lane_head_ == lane_.size()) {
            lane_.clear();
            lane_head_ = 0;
        }
    }
    // An event in the lane has this bit in its heap_index_, with its lane index below it.
    static constexpr std::uint32_t kInLane = 1u << 31;

    std::vector<Slot> heap_;
    std::vector<Slot> lane_;       // from lane_head_ on: live entries and tombstones (no event)
    std::uint32_t lane_head_ = 0;  // the first live entry, or 0 when the lane is empty
    std::uint32_t lane_live_ = 0;
    Time lane_time_ = -1;  // the instant of the last pop: the lane's events are due then
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
    if (when == lane_time_ && (lane_.empty() || lane_.back().order < e.order_)) {
        e.heap_index_ = kInLane | static_cast<std::uint32_t>(lane_.size());
        lane_.push_back(Slot{when, e.order_, &e});
        ++lane_live_;
        return;
    }
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

inline Event& EventQueue::pop_lane() {
    Event& e = *lane_[lane_head_++].event;
    e.heap_index_ = Event::kNotScheduled;
    --lane_live_;
    skip_lane_tombstones();
    return e;
}

inline Event& EventQueue::pop() {
    if (lane_first()) return pop_lane();
    assert(!heap_.empty());
    Event& e = *heap_.front().event;
    assert(!lane_live_ || e.when_ == lane_time_);
    lane_time_ = e.when_;
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
