// Running the actions of an interrupt (kernel/irq/handle.c, 6.12).
#include <linux/irqflags.h>
#include <linux/spinlock.h>

#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {

void warn_no_thread(unsigned irq, IrqAction& action) {
    if (action.thread_flags & (1UL << IRQTF_WARNED)) return;
    action.thread_flags |= 1UL << IRQTF_WARNED;
    // (The source's format has no trailing newline.)
    printk_emit(Kernel::get(), LOGLEVEL_WARNING,
                "IRQ " + std::to_string(irq) + " device " + action.name +
                    " returned IRQ_WAKE_THREAD but no thread function available.");
}

void trace_entry(Kernel& k, unsigned irq, const IrqAction& a) {
    if (!k.tracing()) return;
    sim::TraceRecord r;
    r.arg[0] = irq;
    r.str[0] = a.name;
    k.current_cause() = k.emit(trace::Ev::irq_handler_entry, r);
}

void trace_exit(Kernel& k, unsigned irq, irqreturn_t res) {
    if (!k.tracing()) return;
    sim::TraceRecord r;
    r.arg[0] = irq;
    r.arg[1] = res;
    k.emit(trace::Ev::irq_handler_exit, r);
}

// __handle_irq_event_percpu(): every action, in order, results OR-ed; a shared line calls
// them all even after one returns IRQ_HANDLED.
irqreturn_t handle_irq_event_percpu(IrqDesc& desc) {
    Kernel& k = Kernel::get();
    unsigned retval = IRQ_NONE;
    std::uint64_t cause = k.current_cause();
    FrameScope f("__handle_irq_event_percpu");
    for (IrqAction* action = desc.action; action; action = action->next) {
        trace_entry(k, desc.irq, *action);
        irqreturn_t res;
        {
            FrameScope h(k.symbols().name_of(reinterpret_cast<const void*>(action->handler)));
            res = action->handler(static_cast<int>(desc.irq), action->dev_id);
        }
        trace_exit(k, desc.irq, res);
        if (!k.this_cpu().irqs_on) {
            // fine: handlers run with interrupts off
        } else {
            char msg[200];
            std::snprintf(msg, sizeof msg, "irq %u handler %s enabled interrupts", desc.irq,
                          k.symbols().symbolize(reinterpret_cast<const void*>(action->handler), true).c_str());
            if (!k.irqs().warned_enabled_irqs) {  // WARN_ONCE
                k.irqs().warned_enabled_irqs = true;
                warn_report(k, bug::kWarning, "kernel/irq/handle.c", 161, "__handle_irq_event_percpu", msg);
            }
            local_irq_disable();
        }
        if (res == IRQ_WAKE_THREAD) {
            if (!action->thread_fn)
                warn_no_thread(desc.irq, *action);
            else
                irq_wake_thread_of(desc, *action);
        }
        retval |= res;
        k.current_cause() = cause;
    }
    return static_cast<irqreturn_t>(retval);
}

}  // namespace

// __irq_wake_thread(): wakeups coalesce while IRQTF_RUNTHREAD is set.
void irq_wake_thread_of(IrqDesc& desc, IrqAction& action) {
    Task* t = action.thread;
    if (!t || (t->ts.flags & PF_EXITING)) return;
    if (action.thread_flags & (1UL << IRQTF_RUNTHREAD)) return;
    action.thread_flags |= 1UL << IRQTF_RUNTHREAD;
    desc.threads_oneshot |= action.thread_mask;
    desc.threads_active++;
    action.woken_at = Kernel::get().now();
    wake_up_process(&t->ts);
}

irqreturn_t handle_irq_event(IrqDesc& desc) {
    desc.istate &= ~IRQS_PENDING;
    desc.state |= IRQD_IRQ_INPROGRESS;
    raw_spin_unlock(&desc.lock);
    irqreturn_t ret;
    {
        FrameScope f("handle_irq_event");
        ret = handle_irq_event_percpu(desc);
        note_interrupt(desc, ret);
    }
    raw_spin_lock(&desc.lock);
    desc.state &= ~IRQD_IRQ_INPROGRESS;
    Kernel::get().wake_spinners();  // synchronize_irq() and the spurious poller wait for this
    return ret;
}

}  // namespace irqlab::kernel
