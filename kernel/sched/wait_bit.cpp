// wait_var_event() / wake_up_var() (kernel/sched/wait_bit.c), on one shared queue.
#include <linux/wait_bit.h>

#include "kernel/kernel.hpp"
#include "kernel/locking/spinlock.hpp"

extern "C" {

wait_queue_head_t* __var_waitqueue(void*) {
    auto& wq = irqlab::kernel::Kernel::get().locking().var_waitqueue;
    if (!wq) {
        wq = std::make_unique<wait_queue_head_t>();
        static struct lock_class_key key;
        __init_waitqueue_head(wq.get(), "bit_wait_table", &key);
    }
    return wq.get();
}

// __wake_up_bit(): the queue's lock is taken only when someone waits on it.
void wake_up_var(void* var) {
    wait_queue_head_t* wq = __var_waitqueue(var);
    if (waitqueue_active(wq)) __wake_up(wq, TASK_NORMAL, 0, nullptr);
}

}  // extern "C"
