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

void wake_up_var(void* var) { __wake_up(__var_waitqueue(var), TASK_NORMAL, 0, nullptr); }

}  // extern "C"
