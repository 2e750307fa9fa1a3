// Spinlock state the simulator keeps beside the lock words: who is spinning on what, in
// arrival order, so an unlock hands the lock to the longest waiter (a ticket lock's FIFO).
#pragma once

#include <linux/wait.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "kernel/locking/lockdep.hpp"

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
    Lockdep lockdep;
    // wait_var_event()'s queue (kernel/sched/wait_bit.c), made at first use.
    std::unique_ptr<wait_queue_head_t> var_waitqueue;
};

}  // namespace irqlab::kernel
