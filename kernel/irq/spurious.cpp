// Spurious and unhandled interrupts (kernel/irq/spurious.c, 6.12): the "nobody cared"
// detector, the poller for lines it disabled, and the irqfixup/irqpoll options.
#include <linux/interrupt.h>
#include <linux/irqflags.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/tick.hpp"

namespace irqlab::kernel {

namespace {

constexpr unsigned SPURIOUS_DEFERRED = 0x80000000u;

unsigned long now_jiffies(Kernel& k) { return jiffies_at(k, k.now()); }
unsigned long poll_interval(Kernel& k) { return k.config.hz / 10; }  // POLL_SPURIOUS_IRQ_INTERVAL

// try_one_irq(): run the handlers of a shared line to see whether one of them claims it.
bool try_one_irq(IrqDesc& desc, bool force) {
    irqreturn_t ret = IRQ_NONE;
    raw_spin_lock(&desc.lock);
    IrqAction* action = desc.action;
    if ((desc.disabled() && !force) || !action || !(action->flags & IRQF_SHARED) || (action->flags & __IRQF_TIMER)) {
        raw_spin_unlock(&desc.lock);
        return false;
    }
    if (desc.inprogress()) {
        // Running on another CPU: let it look for our interrupt too.
        desc.istate |= IRQS_PENDING;
        raw_spin_unlock(&desc.lock);
        return false;
    }
    desc.istate |= IRQS_POLL_INPROGRESS;
    do {
        if (handle_irq_event(desc) == IRQ_HANDLED) ret = IRQ_HANDLED;
        action = desc.action;
    } while ((desc.istate & IRQS_PENDING) && action);
    desc.istate &= ~IRQS_POLL_INPROGRESS;
    raw_spin_unlock(&desc.lock);
    return ret == IRQ_HANDLED;
}

// misrouted_irq(): try every other line's handlers.
bool misrouted_irq(Irqs& irqs, unsigned irq) {
    if (irqs.poll_active++) {
        irqs.poll_active--;
        return false;
    }
    irqs.poll_cpu = Kernel::get().this_cpu().id;
    bool ok = false;
    for (const auto& [i, desc] : irqs.all()) {
        if (!i || i == irq) continue;
        if (try_one_irq(*desc, false)) ok = true;
    }
    irqs.poll_active--;
    return ok;
}

bool try_misrouted_irq(Irqs& irqs, unsigned irq, IrqDesc& desc, irqreturn_t ret) {
    if (!irqs.irqfixup) return false;
    if (ret == IRQ_NONE) return true;
    if (irqs.irqfixup < 2) return false;
    if (!irq) return true;
    return desc.action && (desc.action->flags & IRQF_IRQPOLL);
}

bool bad_action_ret(irqreturn_t r) { return static_cast<unsigned>(r) > (IRQ_HANDLED | IRQ_WAKE_THREAD); }

void report_handler(Kernel& k, const void* fn, std::string& line) {
    line += kformat(k, "[<%p>] %ps", fn, fn);
}

// __report_bad_irq().
void report_bad_irq_now(IrqDesc& desc, irqreturn_t action_ret) {
    Kernel& k = Kernel::get();
    char buf[128];
    if (bad_action_ret(action_ret)) {
        std::snprintf(buf, sizeof buf, "irq event %u: bogus return value %x", desc.irq, static_cast<unsigned>(action_ret));
        k.bugs().record(k, "bogus return value", buf);
    } else {
        std::snprintf(buf, sizeof buf, "irq %u: nobody cared (try booting with the \"irqpoll\" option)", desc.irq);
        k.bugs().record(k, "nobody cared", buf);
    }
    printk_emit(k, LOGLEVEL_ERR, buf);
    dump_stack(k, {"__report_bad_irq"});
    printk_emit(k, LOGLEVEL_ERR, "handlers:");
    unsigned long flags;
    raw_spin_lock_irqsave(&desc.lock, flags);
    for (IrqAction* a = desc.action; a; a = a->next) {
        std::string line;
        report_handler(k, reinterpret_cast<const void*>(a->handler), line);
        if (a->thread_fn) {
            line += " threaded ";
            report_handler(k, reinterpret_cast<const void*>(a->thread_fn), line);
        }
        printk_emit(k, LOGLEVEL_ERR, line);
    }
    raw_spin_unlock_irqrestore(&desc.lock, flags);
}

void poll_spurious_irqs(struct timer_list*) {
    Kernel& k = Kernel::get();
    Irqs& irqs = k.irqs();
    FrameScope f("poll_spurious_irqs");
    if (!irqs.poll_active++) {
        irqs.poll_cpu = k.this_cpu().id;
        for (const auto& [i, desc] : irqs.all()) {
            if (!i || !(desc->istate & IRQS_SPURIOUS_DISABLED)) continue;
            local_irq_disable();
            try_one_irq(*desc, true);
            local_irq_enable();
        }
    }
    irqs.poll_active--;
    mod_timer(irqs.poll_timer(), now_jiffies(k) + poll_interval(k));
}

}  // namespace

struct timer_list* Irqs::poll_timer() {
    if (!poll_timer_) {
        poll_timer_ = std::make_unique<struct timer_list>();
        __init_timer(poll_timer_.get(), poll_spurious_irqs, 0);
        k_.symbols().name(reinterpret_cast<const void*>(&poll_spurious_irqs), "poll_spurious_irqs", nullptr);
    }
    return poll_timer_.get();
}

void Irqs::boot_messages() {
    if (irqfixup == 1) {
        printk_emit(k_, LOGLEVEL_WARNING, "Misrouted IRQ fixup support enabled.");
        printk_emit(k_, LOGLEVEL_WARNING, "This may impact system performance.");
    } else if (irqfixup == 2) {
        printk_emit(k_, LOGLEVEL_WARNING, "Misrouted IRQ fixup and polling support enabled");
        printk_emit(k_, LOGLEVEL_WARNING, "This may significantly impact system performance");
    }
}

// irq_wait_for_poll(): the poller runs this line's handlers on another CPU.
bool irq_wait_for_poll(IrqDesc& desc) {
    Kernel& k = Kernel::get();
    Irqs& irqs = k.irqs();
    int cpu = k.this_cpu().id;
    if (irqs.poll_cpu == cpu) {
        if (!irqs.warned_poll_on_cpu) {
            irqs.warned_poll_on_cpu = true;
            char msg[96];
            std::snprintf(msg, sizeof msg, "irq poll in progress on cpu %d for irq %u", cpu, desc.irq);
            warn_report(k, bug::kWarning, "kernel/irq/spurious.c", 39, "irq_wait_for_poll", msg);
        }
        return false;
    }
    do {
        raw_spin_unlock(&desc.lock);
        spin_until([&desc] { return !desc.inprogress(); });
        raw_spin_lock(&desc.lock);
    } while (desc.inprogress());
    return !desc.disabled() && desc.action;  // it may have been disabled meanwhile
}

void note_interrupt(IrqDesc& desc, irqreturn_t action_ret) {
    Kernel& k = Kernel::get();
    if (desc.istate & IRQS_POLL_INPROGRESS) return;
    FrameScope f("note_interrupt");  // the reports' call trace shows it, as Linux's does
    if (bad_action_ret(action_ret)) {
        // report_bad_irq(): at most 100 reports in a boot.
        if (k.irqs().bad_irq_reports > 0) {
            k.irqs().bad_irq_reports--;
            report_bad_irq_now(desc, action_ret);
        }
        return;
    }
    // A woken thread decides later: judge this interrupt by whether a threaded handler
    // returned IRQ_HANDLED since the previous one.
    if (action_ret & IRQ_WAKE_THREAD) {
        if (action_ret == IRQ_WAKE_THREAD) {
            if (!(desc.threads_handled_last & SPURIOUS_DEFERRED)) {
                desc.threads_handled_last |= SPURIOUS_DEFERRED;
                return;
            }
            unsigned handled = desc.threads_handled | SPURIOUS_DEFERRED;
            if (handled != desc.threads_handled_last) {
                action_ret = IRQ_HANDLED;
                desc.threads_handled_last = handled;
            } else {
                action_ret = IRQ_NONE;
            }
        } else {
            desc.threads_handled_last &= ~SPURIOUS_DEFERRED;
        }
    }
    if (action_ret == IRQ_NONE) {
        unsigned long j = now_jiffies(k);
        // time_after(jiffies, last_unhandled + HZ/10): an odd one restarts the count.
        if (static_cast<long>(desc.last_unhandled + k.config.hz / 10 - j) < 0)
            desc.irqs_unhandled = 1;
        else
            desc.irqs_unhandled++;
        desc.last_unhandled = j;
    }
    if (try_misrouted_irq(k.irqs(), desc.irq, desc, action_ret)) {
        bool ok = misrouted_irq(k.irqs(), desc.irq);
        if (action_ret == IRQ_NONE) desc.irqs_unhandled -= ok ? 1 : 0;
    }
    if (!desc.irqs_unhandled) return;
    if (++desc.irq_count < 100000) return;
    desc.irq_count = 0;
    if (desc.irqs_unhandled > 99900) {
        // The line is stuck: report it and turn it off.
        report_bad_irq_now(desc, action_ret);
        printk_emit(k, LOGLEVEL_EMERG, "Disabling IRQ #" + std::to_string(desc.irq));
        desc.istate |= IRQS_SPURIOUS_DISABLED;
        desc.depth++;
        irq_disable(desc);
        mod_timer(k.irqs().poll_timer(), now_jiffies(k) + poll_interval(k));
    }
    desc.irqs_unhandled = 0;
}

}  // namespace irqlab::kernel
