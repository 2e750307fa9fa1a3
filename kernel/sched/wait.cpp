// Wait queues (kernel/sched/wait.c, 6.12). The wait_event*() loops live in the header;
// these are the functions they call.
#include <linux/sched.h>
#include <linux/wait.h>

#include "kernel/kernel.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"

namespace {

// __add_wait_queue(): at the head, after any priority waiters.
void add_head(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry) {
    struct list_head* head = &wq_head->head;
    struct wait_queue_entry* wq;
    list_for_each_entry(wq, &wq_head->head, entry) {
        if (!(wq->flags & WQ_FLAG_PRIORITY)) break;
        head = &wq->entry;
    }
    list_add(&wq_entry->entry, head);
}

// __wake_up_common(): every non-exclusive waiter, and up to nr_exclusive exclusive ones.
int wake_up_common(struct wait_queue_head* wq_head, unsigned int mode, int nr_exclusive, int wake_flags, void* key) {
    struct wait_queue_entry *curr, *next;
    list_for_each_entry_safe(curr, next, &wq_head->head, entry) {
        unsigned flags = curr->flags;
        int ret = curr->func(curr, mode, wake_flags, key);
        if (ret < 0) break;
        if (ret && (flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive) break;
    }
    return nr_exclusive;
}

}  // namespace

extern "C" {

void __init_waitqueue_head(struct wait_queue_head* wq_head, const char* name, struct lock_class_key* key) {
    __raw_spin_lock_init(&wq_head->lock.rlock, name, key);
    INIT_LIST_HEAD(&wq_head->head);
}

int default_wake_function(struct wait_queue_entry* wq_entry, unsigned mode, int, void*) {
    return wake_up_state(static_cast<struct task_struct*>(wq_entry->private_), mode);
}

int autoremove_wake_function(struct wait_queue_entry* wq_entry, unsigned mode, int sync, void* key) {
    int ret = default_wake_function(wq_entry, mode, sync, key);
    if (ret) list_del_init(&wq_entry->entry);
    return ret;
}

void add_wait_queue(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry) {
    unsigned long flags;
    wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
    spin_lock_irqsave(&wq_head->lock, flags);
    add_head(wq_head, wq_entry);
    spin_unlock_irqrestore(&wq_head->lock, flags);
}

void add_wait_queue_exclusive(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry) {
    unsigned long flags;
    wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
    spin_lock_irqsave(&wq_head->lock, flags);
    list_add_tail(&wq_entry->entry, &wq_head->head);
    spin_unlock_irqrestore(&wq_head->lock, flags);
}

void remove_wait_queue(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry) {
    unsigned long flags;
    spin_lock_irqsave(&wq_head->lock, flags);
    list_del(&wq_entry->entry);
    spin_unlock_irqrestore(&wq_head->lock, flags);
}

void __wake_up(struct wait_queue_head* wq_head, unsigned int mode, int nr_exclusive, void* key) {
    unsigned long flags;
    spin_lock_irqsave(&wq_head->lock, flags);
    wake_up_common(wq_head, mode, nr_exclusive, 0, key);
    spin_unlock_irqrestore(&wq_head->lock, flags);
}

void __wake_up_sync(struct wait_queue_head* wq_head, unsigned int mode) { __wake_up(wq_head, mode, 1, nullptr); }

void init_wait_entry(struct wait_queue_entry* wq_entry, int flags) {
    wq_entry->flags = static_cast<unsigned>(flags);
    wq_entry->private_ = get_current();
    wq_entry->func = autoremove_wake_function;
    INIT_LIST_HEAD(&wq_entry->entry);
}

long prepare_to_wait_event(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, int state) {
    unsigned long flags;
    long ret = 0;
    spin_lock_irqsave(&wq_head->lock, flags);
    struct task_struct* self = get_current();
    if ((state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)) && signal_pending(self)) {
        // signal_pending_state(): the waiter leaves the queue and reports the signal.
        list_del_init(&wq_entry->entry);
        ret = -ERESTARTSYS;
    } else {
        if (list_empty(&wq_entry->entry)) {
            if (wq_entry->flags & WQ_FLAG_EXCLUSIVE)
                list_add_tail(&wq_entry->entry, &wq_head->head);
            else
                add_head(wq_head, wq_entry);
        }
        set_current_state(static_cast<unsigned>(state));
    }
    spin_unlock_irqrestore(&wq_head->lock, flags);
    return ret;
}

void prepare_to_wait(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, int state) {
    unsigned long flags;
    wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
    spin_lock_irqsave(&wq_head->lock, flags);
    if (list_empty(&wq_entry->entry)) add_head(wq_head, wq_entry);
    set_current_state(static_cast<unsigned>(state));
    spin_unlock_irqrestore(&wq_head->lock, flags);
}

bool prepare_to_wait_exclusive(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry, int state) {
    unsigned long flags;
    bool was_empty = false;
    wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
    spin_lock_irqsave(&wq_head->lock, flags);
    if (list_empty(&wq_entry->entry)) {
        was_empty = list_empty(&wq_head->head);
        list_add_tail(&wq_entry->entry, &wq_head->head);
    }
    set_current_state(static_cast<unsigned>(state));
    spin_unlock_irqrestore(&wq_head->lock, flags);
    return was_empty;
}

void finish_wait(struct wait_queue_head* wq_head, struct wait_queue_entry* wq_entry) {
    unsigned long flags;
    __set_current_state(TASK_RUNNING);
    if (!list_empty(&wq_entry->entry)) {
        spin_lock_irqsave(&wq_head->lock, flags);
        list_del_init(&wq_entry->entry);
        spin_unlock_irqrestore(&wq_head->lock, flags);
    }
}

}  // extern "C"
