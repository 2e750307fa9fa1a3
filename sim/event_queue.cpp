#include "sim/event_queue.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace irqlab::sim {

const char* priority_name(Priority p) {
    switch (p) {
        case Priority::Stimulus: return "stimulus";
        case Priority::Device: return "device";
        case Priority::Delivery: return "delivery";
        case Priority::Cpu: return "cpu";
        case Priority::Observer: return "observer";
        case Priority::Stop: return "stop";
    }
    return "?";
}

Event::~Event() {
    // An owner must not die with its event pending; take it out rather than leave a
    // dangling slot behind (the simulator tears down in order, so this is a safety net).
    if (scheduled() && queue_) queue_->remove(*this);
}

EventQueue::~EventQueue() {
    for (auto* v : {&heap_, &lane_})
        for (Slot& s : *v)
            if (s.event) {
                s.event->heap_index_ = Event::kNotScheduled;
                s.event->queue_ = nullptr;
            }
}


void EventQueue::remove(Event& e) {
    assert(e.scheduled() && e.queue_ == this);
    std::uint32_t i = e.heap_index_;
    e.heap_index_ = Event::kNotScheduled;
    if (i & kInLane) {
        lane_[i & ~kInLane].event = nullptr;  // a tombstone; pop() never sees it
        --lane_live_;
        skip_lane_tombstones();
        return;
    }
    Slot last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    place(i, last);
    if (i > 0 && before(heap_[i], heap_[(i - 1) / 2]))
        sift_up(i);
    else
        sift_down(i);
}



void EventQueue::sift_down(std::uint32_t i) {
    Slot s = heap_[i];
    auto n = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
        std::uint32_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        if (!before(heap_[child], s)) break;
        place(i, heap_[child]);
        i = child;
    }
    place(i, s);
}

std::vector<const Event*> EventQueue::in_order() const {
    std::vector<Slot> copy = heap_;
    for (std::size_t i = lane_head_; i < lane_.size(); ++i)
        if (lane_[i].event) copy.push_back(lane_[i]);
    std::sort(copy.begin(), copy.end(), before);
    std::vector<const Event*> out;
    out.reserve(copy.size());
    for (const Slot& s : copy) out.push_back(s.event);
    return out;
}

}  // namespace irqlab::sim
