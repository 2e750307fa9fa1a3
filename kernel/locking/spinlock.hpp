// Spinlock state the simulator keeps beside the lock words: who is spinning on what, in
// arrival order, so an unlock hands the lock to the longest waiter (a ticket lock's FIFO).
#pragma once

#include <cstdint>
#include <vector>

struct raw_spinlock;

namespace irqlab::kernel {

struct SpinWaiter {
    const struct raw_spinlock* lock;
    std::uint64_t ticket;
    int cpu;
    bool granted;
};

struct Locking {
    std::vector<SpinWaiter*> waiters;  // in arrival order
    std::uint64_t next_ticket = 1;
    bool debug_locks = true;  // turned off by the first lock bug report, as in Linux
};

}  // namespace irqlab::kernel
