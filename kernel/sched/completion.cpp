// Completions (kernel/sched/completion.c, 6.12).
#include <linux/completion.h>
#include <linux/jiffies.h>

#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/panic.hpp"

namespace {

// __wait_for_common(): `timeout` in jiffies (MAX_SCHEDULE_TIMEOUT: forever).
long wait_for_common(struct completion* x, long timeout, unsigned int state) {
    irqlab::kernel::FrameScope frame_("wait_for_common");
    // might_sleep() at kernel/sched/completion.c:111 in 6.12.
    irqlab::kernel::might_sleep_report(irqlab::kernel::Kernel::get(), "kernel/sched/completion.c", 111);
    spin_lock_irq(&x->wait.lock);
    if (!x->done) {
        struct wait_queue_entry wait;
        init_wait_entry(&wait, WQ_FLAG_EXCLUSIVE);
        list_add_tail(&wait.entry, &x->wait.head);
        do {
            if ((state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)) && signal_pending(get_current())) {
                timeout = -ERESTARTSYS;
                break;
            }
            __set_current_state(state);
            spin_unlock_irq(&x->wait.lock);
            timeout = schedule_timeout(timeout);
            spin_lock_irq(&x->wait.lock);
        } while (!x->done && timeout);
        if (!list_empty(&wait.entry)) list_del_init(&wait.entry);
        __set_current_state(TASK_RUNNING);
        if (!x->done) {
            spin_unlock_irq(&x->wait.lock);
            return timeout;
        }
    }
    if (x->done != UINT_MAX_DONE) x->done--;
    spin_unlock_irq(&x->wait.lock);
    return timeout ? timeout : 1;
}

}  // namespace

extern "C" {

void complete(struct completion* x) {
    unsigned long flags;
    spin_lock_irqsave(&x->wait.lock, flags);
    if (x->done != UINT_MAX_DONE) x->done++;
    {
        // swake_up_locked(): the first waiter only.
        if (!list_empty(&x->wait.head)) {
            struct wait_queue_entry* w = list_first_entry(&x->wait.head, struct wait_queue_entry, entry);
            list_del_init(&w->entry);
            wake_up_process(static_cast<struct task_struct*>(w->private_));
        }
    }
    spin_unlock_irqrestore(&x->wait.lock, flags);
}

void complete_all(struct completion* x) {
    unsigned long flags;
    spin_lock_irqsave(&x->wait.lock, flags);
    x->done = UINT_MAX_DONE;
    while (!list_empty(&x->wait.head)) {
        struct wait_queue_entry* w = list_first_entry(&x->wait.head, struct wait_queue_entry, entry);
        list_del_init(&w->entry);
        wake_up_process(static_cast<struct task_struct*>(w->private_));
    }
    spin_unlock_irqrestore(&x->wait.lock, flags);
}

void wait_for_completion(struct completion* x) { wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE); }
void wait_for_completion_io(struct completion* x) { wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE); }

unsigned long wait_for_completion_timeout(struct completion* x, unsigned long timeout) {
    return static_cast<unsigned long>(wait_for_common(x, static_cast<long>(timeout), TASK_UNINTERRUPTIBLE));
}

int wait_for_completion_interruptible(struct completion* x) {
    long t = wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_INTERRUPTIBLE);
    return t == -ERESTARTSYS ? static_cast<int>(t) : 0;
}

long wait_for_completion_interruptible_timeout(struct completion* x, unsigned long timeout) {
    return wait_for_common(x, static_cast<long>(timeout), TASK_INTERRUPTIBLE);
}

int wait_for_completion_killable(struct completion* x) {
    long t = wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_KILLABLE);
    return t == -ERESTARTSYS ? static_cast<int>(t) : 0;
}

bool try_wait_for_completion(struct completion* x) {
    unsigned long flags;
    bool ret = true;
    if (!READ_ONCE(x->done)) return false;
    spin_lock_irqsave(&x->wait.lock, flags);
    if (!x->done)
        ret = false;
    else if (x->done != UINT_MAX_DONE)
        x->done--;
    spin_unlock_irqrestore(&x->wait.lock, flags);
    return ret;
}

bool completion_done(struct completion* x) { return READ_ONCE(x->done) != 0; }

}  // extern "C"
