// The kinds of trace record the simulated machine emits, and how their fields are used.
//
// The Linux tracepoints keep Linux's names and fields (the ftrace writer prints them with
// TP_printk's formats). Records that have no Linux tracepoint (line levels, controller
// steps, user-visible milestones) are named irqlab_*.
#pragma once

#include <cstdint>

namespace irqlab::kernel::trace {

enum class Ev : std::uint16_t {
    // arg[0] prev_pid, arg[1] prev_prio, arg[2] prev_state (TASK_REPORT bits; TASK_REPORT_MAX
    // when preempted), arg[3] next_pid, arg[4] next_prio; str[0] prev_comm, str[1] next_comm
    sched_switch,
    // arg[0] pid, arg[1] prio, arg[2] target_cpu; str[0] comm
    sched_waking,
    sched_wakeup,
    sched_wakeup_new,
    // arg[0] pid, arg[1] prio; str[0] comm
    sched_process_exit,
    // arg[0] irq; str[0] action name
    irq_handler_entry,
    // arg[0] irq, arg[1] ret
    irq_handler_exit,
    // arg[0] vec
    softirq_raise,
    softirq_entry,
    softirq_exit,
    // ptr tasklet; str[0] function
    tasklet_entry,
    tasklet_exit,
    // ptr work; str[0] function, str[1] workqueue; arg[0] req_cpu, arg[1] cpu
    workqueue_queue_work,
    // ptr work; str[0] function
    workqueue_activate_work,
    workqueue_execute_start,
    workqueue_execute_end,
    // ptr napi; str[0] device; arg[0] work, arg[1] budget
    napi_poll,
    // arg[0] vector (x86 system vector tracepoints, arch/x86/include/asm/trace/irq_vectors.h)
    local_timer_entry,
    local_timer_exit,
    reschedule_entry,
    reschedule_exit,
    call_function_entry,
    call_function_exit,
    call_function_single_entry,
    call_function_single_exit,
    // ptr timer; str[0] function; arg[0] expires, arg[1] timeout, arg[2] cpu
    timer_start,
    // ptr timer; str[0] function; arg[0] now (jiffies)
    timer_expire_entry,
    timer_expire_exit,
    timer_cancel,
    // ptr hrtimer; str[0] function; arg[0] expires, arg[1] softexpires (ns), arg[2] mode,
    // arg[3] was_armed
    hrtimer_start,
    // ptr hrtimer; str[0] function; arg[0] now (ns)
    hrtimer_expire_entry,
    // ptr hrtimer
    hrtimer_expire_exit,
    hrtimer_cancel,
    // --- irqlab's own records (no Linux tracepoint) ---
    // str[0] source (device), str[1] line name; arg[0] level (0/1) or 2 for an edge pulse
    irqlab_line,
    // arg[0] pin, arg[1] vector, arg[2] destination cpu
    irqlab_ioapic_send,
    // arg[0] vector, arg[1] 1 if it entered IRR, 0 if merged into a pending one
    irqlab_lapic_irr,
    // arg[0] vector (the CPU accepts the vector: IRR -> ISR, interrupt entry begins)
    irqlab_lapic_accept,
    // arg[0] vector
    irqlab_lapic_eoi,
    // str[0] the first line of a BUG/WARNING report
    irqlab_bug,
    // str[0] what: a milestone of a simulated process (read returned, ...); arg[0..] details
    irqlab_user,
    count_
};

// The tracepoint's name as ftrace prints it ("irq_handler_entry").
const char* name(Ev kind);

}  // namespace irqlab::kernel::trace
