#include "kernel/trace/events.hpp"

namespace irqlab::kernel::trace {

const char* name(Ev kind) {
    switch (kind) {
        case Ev::sched_switch: return "sched_switch";
        case Ev::sched_waking: return "sched_waking";
        case Ev::sched_wakeup: return "sched_wakeup";
        case Ev::sched_wakeup_new: return "sched_wakeup_new";
        case Ev::sched_process_exit: return "sched_process_exit";
        case Ev::irq_handler_entry: return "irq_handler_entry";
        case Ev::irq_handler_exit: return "irq_handler_exit";
        case Ev::softirq_raise: return "softirq_raise";
        case Ev::softirq_entry: return "softirq_entry";
        case Ev::softirq_exit: return "softirq_exit";
        case Ev::tasklet_entry: return "tasklet_entry";
        case Ev::tasklet_exit: return "tasklet_exit";
        case Ev::workqueue_queue_work: return "workqueue_queue_work";
        case Ev::workqueue_activate_work: return "workqueue_activate_work";
        case Ev::workqueue_execute_start: return "workqueue_execute_start";
        case Ev::workqueue_execute_end: return "workqueue_execute_end";
        case Ev::napi_poll: return "napi_poll";
        case Ev::local_timer_entry: return "local_timer_entry";
        case Ev::local_timer_exit: return "local_timer_exit";
        case Ev::reschedule_entry: return "reschedule_entry";
        case Ev::reschedule_exit: return "reschedule_exit";
        case Ev::call_function_entry: return "call_function_entry";
        case Ev::call_function_exit: return "call_function_exit";
        case Ev::call_function_single_entry: return "call_function_single_entry";
        case Ev::call_function_single_exit: return "call_function_single_exit";
        case Ev::timer_start: return "timer_start";
        case Ev::timer_expire_entry: return "timer_expire_entry";
        case Ev::timer_expire_exit: return "timer_expire_exit";
        case Ev::timer_cancel: return "timer_cancel";
        case Ev::hrtimer_start: return "hrtimer_start";
        case Ev::hrtimer_expire_entry: return "hrtimer_expire_entry";
        case Ev::hrtimer_expire_exit: return "hrtimer_expire_exit";
        case Ev::hrtimer_cancel: return "hrtimer_cancel";
        case Ev::irqlab_line: return "irqlab_line";
        case Ev::irqlab_ioapic_send: return "irqlab_ioapic_send";
        case Ev::irqlab_lapic_irr: return "irqlab_lapic_irr";
        case Ev::irqlab_lapic_accept: return "irqlab_lapic_accept";
        case Ev::irqlab_lapic_eoi: return "irqlab_lapic_eoi";
        case Ev::irqlab_bug: return "irqlab_bug";
        case Ev::irqlab_user: return "irqlab_user";
        case Ev::count_: break;
    }
    return "?";
}

}  // namespace irqlab::kernel::trace
