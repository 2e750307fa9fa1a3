// Sleeping: schedule_timeout() and its users (kernel/time/timer.c), usleep_range()
// (hrtimer based), as in 6.12.
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/timer.h>

#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/tick.hpp"
#include "kernel/time/timer.hpp"

using irqlab::kernel::Kernel;

namespace {

using process_timer = irqlab::kernel::Task::ProcessTimer;

void process_timeout(struct timer_list* t) {
    process_timer* timeout = from_timer(timeout, t, timer);
    wake_up_process(timeout->task);
}

bool atomic_context(Kernel& k) { return k.this_cpu().preempt_count != 0; }

}  // namespace

extern "C" {

long schedule_timeout(long timeout) {
    irqlab::kernel::FrameScope frame_("schedule_timeout");
    Kernel& k = Kernel::get();
    if (timeout == MAX_SCHEDULE_TIMEOUT) {
        schedule();
        return timeout;
    }
    if (timeout < 0) {
        printk(KERN_ERR "schedule_timeout: wrong timeout value %lx\n", static_cast<unsigned long>(timeout));
        dump_stack();
        __set_current_state(TASK_RUNNING);
        return 0;
    }
    unsigned long expire = static_cast<unsigned long>(timeout) + irqlab_jiffies();
    if (atomic_context(k)) {
        // "scheduling while atomic": spend the sleep busy, until the time the timer would
        // have fired (its wheel bucket), or an earlier wakeup.
        unsigned long bucket = irqlab::kernel::Timers::bucket_expiry(expire, irqlab_jiffies(), k.config.hz);
        irqlab::sim::Time until = irqlab::kernel::jiffies_time(k, bucket);
        k.sched().schedule(until, until);
    } else {
        process_timer& timer = irqlab::kernel::Task::of(get_current()).timeout_timer;
        timer.task = get_current();
        __init_timer(&timer.timer, irqlab_symbol(process_timeout), 0);
        timer.timer.expires = expire;
        mod_timer(&timer.timer, expire);
        schedule();
        del_timer_sync(&timer.timer);
    }
    long left = static_cast<long>(expire - irqlab_jiffies());
    return left < 0 ? 0 : left;
}

long schedule_timeout_interruptible(long timeout) {
    __set_current_state(TASK_INTERRUPTIBLE);
    return schedule_timeout(timeout);
}

long schedule_timeout_killable(long timeout) {
    __set_current_state(TASK_KILLABLE);
    return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout) {
    __set_current_state(TASK_UNINTERRUPTIBLE);
    return schedule_timeout(timeout);
}

long schedule_timeout_idle(long timeout) {
    __set_current_state(TASK_IDLE);
    return schedule_timeout(timeout);
}

void io_schedule(void) { schedule(); }

void msleep(unsigned int msecs) {
    irqlab::kernel::FrameScope frame_("msleep");
    unsigned long timeout = msecs_to_jiffies(msecs);
    while (timeout) timeout = static_cast<unsigned long>(schedule_timeout_uninterruptible(static_cast<long>(timeout)));
}

unsigned long msleep_interruptible(unsigned int msecs) {
    irqlab::kernel::FrameScope frame_("msleep_interruptible");
    unsigned long timeout = msecs_to_jiffies(msecs);
    while (timeout && !signal_pending(get_current()))
        timeout = static_cast<unsigned long>(schedule_timeout_interruptible(static_cast<long>(timeout)));
    return jiffies_to_msecs(timeout);
}

// usleep_range_state(): an hrtimer sleep that may end anywhere in [min, max].
void usleep_range_state(unsigned long min, unsigned long max, unsigned int state) {
    irqlab::kernel::FrameScope frame_("usleep_range_state");
    Kernel& k = Kernel::get();
    irqlab::sim::Time soft = k.now() + static_cast<irqlab::sim::Time>(min) * 1000;
    irqlab::sim::Time hard = k.now() + static_cast<irqlab::sim::Time>(max < min ? min : max) * 1000;
    for (;;) {
        __set_current_state(state);
        k.sched().schedule(soft, hard);
        if (k.now() >= soft) break;  // a spurious wakeup sleeps again
    }
    __set_current_state(TASK_RUNNING);
}

void usleep_range(unsigned long min, unsigned long max) { usleep_range_state(min, max, TASK_UNINTERRUPTIBLE); }

void fsleep(unsigned long usecs) {
    if (usecs <= 10)
        udelay(usecs);
    else if (usecs <= 20000)
        usleep_range(usecs, 2 * usecs);
    else
        msleep(static_cast<unsigned int>((usecs + 999) / 1000));
}

}  // extern "C"
