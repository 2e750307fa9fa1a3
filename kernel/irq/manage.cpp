// Requesting, freeing, enabling and disabling interrupts; IRQ threads (kernel/irq/manage.c,
// 6.12). Every check and message is Linux's, in Linux's order.
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/trace/latency.hpp"

namespace irqlab::kernel {

namespace {

// kernel/irq/manage.c's pr_fmt: its pr_err/pr_warn lines start with "genirq: " (its WARNs
// do not: WARN() does not use pr_fmt).
#define GENIRQ_PR_FMT "genirq: "

bool test_bit_ul(unsigned bit, const unsigned long& word) { return (word >> bit) & 1; }
void set_bit_ul(unsigned bit, unsigned long& word) { word |= 1UL << bit; }
bool test_and_clear_bit_ul(unsigned bit, unsigned long& word) {
    bool was = test_bit_ul(bit, word);
    word &= ~(1UL << bit);
    return was;
}

// The primary handler of a threaded IRQ requested with handler == NULL.
irqreturn_t irq_default_primary_handler(int, void*) { return IRQ_WAKE_THREAD; }
// Forced threading's secondary: the original thread function runs in its own thread.
irqreturn_t irq_forced_secondary_handler(int, void*) { return IRQ_WAKE_THREAD; }

// irq_thread_fn(): the thread function, then the ONESHOT unmask.
irqreturn_t irq_thread_fn(IrqDesc& desc, IrqAction& action) {
    Kernel& k = Kernel::get();
    irqreturn_t ret;
    {
        FrameScope f(k.symbols().name_of(reinterpret_cast<const void*>(action.thread_fn)));
        k.latency().thread(reinterpret_cast<const void*>(action.thread_fn), k.now() - action.woken_at);
        ret = action.thread_fn(static_cast<int>(action.irq), action.dev_id);
    }
    k.running()->origin = -1;  // this interrupt is served
    if (ret == IRQ_HANDLED) desc.threads_handled++;
    irq_finalize_oneshot(desc, action);
    return ret;
}

// irq_forced_thread_fn(): a handler forced into a thread still runs with BH and IRQs off.
irqreturn_t irq_forced_thread_fn(IrqDesc& desc, IrqAction& action) {
    local_bh_disable();
    local_irq_disable();
    irqreturn_t ret;
    {
        Kernel& k = Kernel::get();
        FrameScope f(k.symbols().name_of(reinterpret_cast<const void*>(action.thread_fn)));
        k.latency().thread(reinterpret_cast<const void*>(action.thread_fn), k.now() - action.woken_at);
        ret = action.thread_fn(static_cast<int>(action.irq), action.dev_id);
    }
    if (ret == IRQ_HANDLED) desc.threads_handled++;
    irq_finalize_oneshot(desc, action);
    local_irq_enable();
    local_bh_enable();
    return ret;
}

// irq_thread_check_affinity(): follow the interrupt to the CPU its vector moved to.
void irq_thread_check_affinity(IrqDesc& desc, IrqAction& action) {
    if (!test_and_clear_bit_ul(IRQTF_AFFINITY, action.thread_flags)) return;
    struct cpumask mask;
    cpumask_clear(&mask);
    if (desc.effective_cpu >= 0)
        cpumask_set_cpu(static_cast<unsigned>(desc.effective_cpu), &mask);
    else
        mask = desc.affinity;
    Kernel::get().sched().set_affinity(*Kernel::get().running(), mask);
}

// irq_wait_for_interrupt(): sleep until the primary handler sets IRQTF_RUNTHREAD.
int irq_wait_for_interrupt(IrqDesc& desc, IrqAction& action) {
    for (;;) {
        set_current_state(TASK_INTERRUPTIBLE);
        irq_thread_check_affinity(desc, action);
        if (kthread_should_stop()) {
            if (test_and_clear_bit_ul(IRQTF_RUNTHREAD, action.thread_flags)) {
                __set_current_state(TASK_RUNNING);
                return 0;
            }
            __set_current_state(TASK_RUNNING);
            return -1;
        }
        if (test_and_clear_bit_ul(IRQTF_RUNTHREAD, action.thread_flags)) {
            __set_current_state(TASK_RUNNING);
            return 0;
        }
        schedule();
    }
}

int irq_thread(void* data) {
    auto* action = static_cast<IrqAction*>(data);
    Kernel& k = Kernel::get();
    IrqDesc& desc = *k.irqs().desc(action->irq);
    set_bit_ul(IRQTF_READY, action->thread_flags);  // irq_thread_set_ready()
    wake_up(&desc.wait_for_threads);
    sched_set_fifo(get_current());
    bool forced = k.irqs().force_threads && test_bit_ul(IRQTF_FORCED_THREAD, action->thread_flags);
    while (!irq_wait_for_interrupt(desc, *action)) {
        irqreturn_t ret = forced ? irq_forced_thread_fn(desc, *action) : irq_thread_fn(desc, *action);
        if (ret == IRQ_WAKE_THREAD && action->secondary) irq_wake_thread_of(desc, *action->secondary);
        // wake_threads_waitq(): synchronize_irq() waits for threads_active to drain.
        if (--desc.threads_active == 0) wake_up(&desc.wait_for_threads);
    }
    return 0;
}

// setup_irq_thread(): "irq/%d-%s", or "irq/%d-s-%s" for a forced secondary.
int setup_irq_thread(IrqAction& action, unsigned irq, bool secondary) {
    struct task_struct* t = secondary ? kthread_create(irq_thread, &action, "irq/%u-s-%s", irq, action.name)
                                      : kthread_create(irq_thread, &action, "irq/%u-%s", irq, action.name);
    if (IS_ERR(t)) return static_cast<int>(PTR_ERR(t));
    action.thread = &Task::of(t);
    set_bit_ul(IRQTF_AFFINITY, action.thread_flags);
    return 0;
}

// irq_setup_forced_threading() (threadirqs): the hard handler becomes a thread function.
int irq_setup_forced_threading(IrqAction& n) {
    Kernel& k = Kernel::get();
    if (!k.irqs().force_threads) return 0;
    if (n.flags & (IRQF_NO_THREAD | IRQF_PERCPU | IRQF_ONESHOT)) return 0;
    if (n.handler == irq_default_primary_handler) return 0;
    n.flags |= IRQF_ONESHOT;
    if (n.handler && n.thread_fn) {
        // Both a handler and a thread: the thread function moves to a secondary action.
        auto* sec = static_cast<IrqAction*>(kzalloc(sizeof(IrqAction), GFP_KERNEL));
        new (sec) IrqAction();
        sec->handler = irq_forced_secondary_handler;
        sec->thread_fn = n.thread_fn;
        sec->dev_id = n.dev_id;
        sec->irq = n.irq;
        sec->name = n.name;
        n.secondary = sec;
    }
    set_bit_ul(IRQTF_FORCED_THREAD, n.thread_flags);
    n.thread_fn = n.handler;
    n.handler = irq_default_primary_handler;
    return 0;
}

// wait_event() on desc->wait_for_threads, its might_sleep() reported at Linux's line.
template <class Cond>
void wait_for_threads(IrqDesc& desc, int line, Cond cond) {
    might_sleep_report(Kernel::get(), "kernel/irq/manage.c", line);
    if (cond()) return;
    __wait_event(desc.wait_for_threads, cond());
}

void wait_for_thread_ready(IrqDesc& desc, IrqAction* action) {
    if (!action || !action->thread) return;
    wake_up_process(&action->thread->ts);
    wait_for_threads(desc, 1299, [action] { return test_bit_ul(IRQTF_READY, action->thread_flags); });
}

// __synchronize_hardirq(): wait while a hardirq handler of this IRQ runs on any CPU.
void synchronize_hardirq_desc(IrqDesc& desc) {
    spin_until([&desc] { return !desc.inprogress(); });
}

void synchronize_irq_desc(IrqDesc& desc) {
    synchronize_hardirq_desc(desc);
    wait_for_threads(desc, 119, [&desc] { return desc.threads_active == 0; });
}

void stop_thread(IrqAction& action) {
    if (!action.thread) return;
    kthread_stop(&action.thread->ts);
    action.thread = nullptr;
}

// __setup_irq().
int setup_irq(unsigned irq, IrqDesc& desc, IrqAction* n) {
    Kernel& k = Kernel::get();
    n->irq = irq;
    if (!(n->flags & IRQF_TRIGGER_MASK)) n->flags |= desc.trigger_type();
    if (int ret = irq_setup_forced_threading(*n)) return ret;
    if (n->thread_fn) {
        if (int ret = setup_irq_thread(*n, irq, false)) return ret;
        if (n->secondary)
            if (int ret = setup_irq_thread(*n->secondary, irq, true)) {
                stop_thread(*n);
                return ret;
            }
    }
    if (desc.chip->flags & IRQCHIP_ONESHOT_SAFE) n->flags &= ~IRQF_ONESHOT;

    mutex_lock(&desc.request_mutex);
    unsigned long flags;
    raw_spin_lock_irqsave(&desc.lock, flags);
    IrqAction** old_ptr = &desc.action;
    IrqAction* old = *old_ptr;
    unsigned long thread_mask = 0;
    bool shared = false;
    int ret = 0;
    auto fail = [&](int r) {
        raw_spin_unlock_irqrestore(&desc.lock, flags);
        mutex_unlock(&desc.request_mutex);
        stop_thread(*n);
        if (n->secondary) stop_thread(*n->secondary);
        return r;
    };
    if (old) {
        unsigned oldtype;
        // irqd_trigger_type_was_set(): on an IO-APIC line (no irq_set_type) the first
        // sharer to come second sets it, so a mismatch shows from the third request on.
        if (desc.state & IRQD_DEFAULT_TRIGGER_SET) {
            oldtype = desc.trigger_type();
        } else {
            oldtype = static_cast<unsigned>(n->flags & IRQF_TRIGGER_MASK);
            desc.state = (desc.state & ~IRQD_TRIGGER_MASK) | oldtype | IRQD_DEFAULT_TRIGGER_SET;
        }
        bool mismatch = !((old->flags & n->flags) & IRQF_SHARED) || oldtype != (n->flags & IRQF_TRIGGER_MASK);
        if (!mismatch) {
            if ((old->flags & IRQF_ONESHOT) && (n->flags & IRQF_COND_ONESHOT))
                n->flags |= IRQF_ONESHOT;
            else if ((old->flags ^ n->flags) & IRQF_ONESHOT)
                mismatch = true;
        }
        if (!mismatch && ((old->flags & IRQF_PERCPU) != (n->flags & IRQF_PERCPU))) mismatch = true;
        if (mismatch) {
            if (!(n->flags & IRQF_PROBE_SHARED)) {
                char msg[256];
                std::snprintf(msg, sizeof msg, GENIRQ_PR_FMT "Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s)", irq, n->flags, n->name,
                              old->flags, old->name);
                printk_emit(k, LOGLEVEL_ERR, msg);
            }
            return fail(-EBUSY);
        }
        do {
            thread_mask |= old->thread_mask;
            old_ptr = &old->next;
            old = *old_ptr;
        } while (old);
        shared = true;
    }
    if (n->flags & IRQF_ONESHOT) {
        if (thread_mask == ~0UL) return fail(-EBUSY);
        n->thread_mask = 1UL << __builtin_ctzl(~thread_mask);  // 1UL << ffz(thread_mask)
    } else if (n->handler == irq_default_primary_handler && !(desc.chip->flags & IRQCHIP_ONESHOT_SAFE)) {
        char msg[200];
        std::snprintf(msg, sizeof msg, GENIRQ_PR_FMT "Threaded irq requested with handler=NULL and !ONESHOT for %s (irq %u)", n->name, irq);
        printk_emit(k, LOGLEVEL_ERR, msg);
        return fail(-EINVAL);
    }
    if (!shared) {
        desc.istate &= ~(IRQS_AUTODETECT | IRQS_SPURIOUS_DISABLED | IRQS_ONESHOT | IRQS_WAITING);
        desc.state &= ~IRQD_IRQ_INPROGRESS;
        if (n->flags & IRQF_ONESHOT) desc.istate |= IRQS_ONESHOT;
        if (!(n->flags & IRQF_NO_AUTOEN)) {
            k.irqs().startup(desc);
        } else {
            desc.depth = 1;
        }
    } else if (n->flags & IRQF_TRIGGER_MASK) {
        unsigned nmsk = static_cast<unsigned>(n->flags & IRQF_TRIGGER_MASK);
        if (nmsk != desc.trigger_type()) {
            char msg[100];
            std::snprintf(msg, sizeof msg, GENIRQ_PR_FMT "irq %u uses trigger mode %u; requested %u", irq, desc.trigger_type(), nmsk);
            printk_emit(k, LOGLEVEL_WARNING, msg);
        }
    }
    *old_ptr = n;
    desc.irq_count = 0;
    desc.irqs_unhandled = 0;
    if (shared && (desc.istate & IRQS_SPURIOUS_DISABLED)) {
        // A new handler on a line disabled as spurious: give it another chance.
        desc.istate &= ~IRQS_SPURIOUS_DISABLED;
        enable_irq_desc(desc);
    }
    raw_spin_unlock_irqrestore(&desc.lock, flags);
    mutex_unlock(&desc.request_mutex);
    wait_for_thread_ready(desc, n);
    wait_for_thread_ready(desc, n->secondary);
    (void)ret;
    return 0;
}

// __free_irq(): unlink the action with this dev_id, shut the line down if it was the last,
// wait for handlers and threads, stop the thread.
IrqAction* free_irq_desc(IrqDesc& desc, void* dev_id) {
    Kernel& k = Kernel::get();
    unsigned irq = desc.irq;
    if (in_interrupt()) {
        char msg[80];
        std::snprintf(msg, sizeof msg, "Trying to free IRQ %u from IRQ context!", irq);
        warn_report(k, "Trying to free IRQ from IRQ context", "kernel/irq/manage.c", 1898, "__free_irq", msg);
    }
    mutex_lock(&desc.request_mutex);
    unsigned long flags;
    raw_spin_lock_irqsave(&desc.lock, flags);
    IrqAction** action_ptr = &desc.action;
    IrqAction* action;
    for (;;) {
        action = *action_ptr;
        if (!action) {
            raw_spin_unlock_irqrestore(&desc.lock, flags);
            mutex_unlock(&desc.request_mutex);
            char msg[80];
            std::snprintf(msg, sizeof msg, "Trying to free already-free IRQ %u", irq);
            warn_report(k, "Trying to free already-free IRQ", "kernel/irq/manage.c", 1913, "__free_irq", msg);
            return nullptr;
        }
        if (action->dev_id == dev_id) break;
        action_ptr = &action->next;
    }
    *action_ptr = action->next;
    if (!desc.action) {
        // The last action takes a driver's IRQ_DISABLE_UNLAZY with it (Linux clears it here).
        desc.settings &= ~static_cast<unsigned>(IRQ_DISABLE_UNLAZY);
        k.irqs().shutdown(desc);
    }
    raw_spin_unlock_irqrestore(&desc.lock, flags);
    synchronize_irq_desc(desc);
    stop_thread(*action);
    if (action->secondary) stop_thread(*action->secondary);
    mutex_unlock(&desc.request_mutex);
    if (action->secondary) kfree(action->secondary);
    return action;
}

void disable_irq_desc(IrqDesc& desc) {
    if (!desc.depth++) irq_disable(desc);
}

}  // namespace

// irq_finalize_oneshot(): the thread is done; the line unmasks when no ONESHOT thread of it
// is still to run (on a shared line, the last one unmasks).
void irq_finalize_oneshot(IrqDesc& desc, IrqAction& action) {
    if (!(desc.istate & IRQS_ONESHOT) || action.handler == irq_forced_secondary_handler) return;
    for (;;) {
        raw_spin_lock_irq(&desc.lock);
        if (!desc.inprogress()) break;
        // The hardirq runs on another CPU: wait for it, then look again.
        raw_spin_unlock_irq(&desc.lock);
        spin_until([&desc] { return !desc.inprogress(); });
    }
    if (!test_bit_ul(IRQTF_RUNTHREAD, action.thread_flags)) {
        desc.threads_oneshot &= ~action.thread_mask;
        if (!desc.threads_oneshot && !desc.disabled() && desc.masked()) {
            // unmask_threaded_irq(): the EOI first if the chip deferred it to the thread.
            if (desc.chip->flags & IRQCHIP_EOI_THREADED) desc.chip->irq_eoi(desc);
            unmask_irq(desc);
        }
    }
    raw_spin_unlock_irq(&desc.lock);
}

// __enable_irq(): the enable that brings depth from 1 to 0 starts the line again.
void enable_irq_desc(IrqDesc& desc) {
    Kernel& k = Kernel::get();
    switch (desc.depth) {
        case 0: {
        err_out:
            char msg[64];
            std::snprintf(msg, sizeof msg, "Unbalanced enable for IRQ %u", desc.irq);
            warn_report(k, "Unbalanced enable for IRQ", "kernel/irq/manage.c", 791, "__enable_irq", msg);
            break;
        }
        case 1: {
            if (desc.istate & IRQS_SUSPENDED) goto err_out;
            // irq_startup(desc, IRQ_RESEND, IRQ_START_FORCE)
            desc.depth = 0;
            irq_enable(desc);
            check_irq_resend(desc, false);
            break;
        }
        default:
            desc.depth--;
    }
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API (include/linux/interrupt.h, irq.h). Parenthesised names keep the API macros
// (which name the handlers) from expanding here.

using irqlab::kernel::IrqAction;
using irqlab::kernel::IrqDesc;
using irqlab::kernel::Kernel;

namespace {
IrqDesc* desc_of(unsigned irq) { return Kernel::get().irqs().desc(irq); }
}  // namespace

extern "C" {

int(request_threaded_irq)(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn, unsigned long irqflags,
                          const char* devname, void* dev_id) {
    irqlab::kernel::FrameScope f("request_threaded_irq");
    if (irq == IRQ_NOTCONNECTED) return -ENOTCONN;
    if (((irqflags & IRQF_SHARED) && !dev_id) || ((irqflags & IRQF_SHARED) && (irqflags & IRQF_NO_AUTOEN)) ||
        (!(irqflags & IRQF_SHARED) && (irqflags & IRQF_COND_SUSPEND)) ||
        ((irqflags & IRQF_NO_SUSPEND) && (irqflags & IRQF_COND_SUSPEND)))
        return -EINVAL;
    IrqDesc* desc = desc_of(irq);
    if (!desc) return -EINVAL;
    if (desc->settings & IRQ_NOREQUEST) return -EINVAL;
    if (!handler) {
        if (!thread_fn) return -EINVAL;
        handler = irqlab::kernel::irq_default_primary_handler;
    }
    auto* action = static_cast<IrqAction*>(kzalloc(sizeof(IrqAction), GFP_KERNEL));
    if (!action) return -ENOMEM;
    new (action) IrqAction();
    action->handler = handler;
    action->thread_fn = thread_fn;
    action->flags = irqflags;
    action->name = devname ? Kernel::get().symbols().intern(devname) : "";
    action->dev_id = dev_id;
    int retval = irqlab::kernel::setup_irq(irq, *desc, action);
    if (retval) {
        kfree(action->secondary);
        kfree(action);
    }
    return retval;
}

int request_any_context_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char* name,
                            void* dev_id) {
    int ret = (request_threaded_irq)(irq, handler, nullptr, flags, name, dev_id);
    return ret ? ret : IRQC_IS_HARDIRQ;
}

const void* free_irq(unsigned int irq, void* dev_id) {
    irqlab::kernel::FrameScope f("free_irq");
    IrqDesc* desc = desc_of(irq);
    if (!desc) return nullptr;
    IrqAction* action = irqlab::kernel::free_irq_desc(*desc, dev_id);
    if (!action) return nullptr;
    const char* devname = action->name;
    kfree(action);
    return devname;
}

void disable_irq_nosync(unsigned int irq) {
    if (IrqDesc* desc = desc_of(irq)) {
        unsigned long flags;
        raw_spin_lock_irqsave(&desc->lock, flags);
        irqlab::kernel::disable_irq_desc(*desc);
        raw_spin_unlock_irqrestore(&desc->lock, flags);
    }
}

// disable_irq(): nests, and waits for running handlers and threads (so it may sleep;
// called from the IRQ's own handler it waits for itself forever).
void disable_irq(unsigned int irq) {
    irqlab::kernel::FrameScope f("disable_irq");
    irqlab::kernel::might_sleep_report(Kernel::get(), "kernel/irq/manage.c", 739);
    IrqDesc* desc = desc_of(irq);
    if (!desc) return;
    disable_irq_nosync(irq);
    if (desc->action) irqlab::kernel::synchronize_irq_desc(*desc);
}

bool disable_hardirq(unsigned int irq) {
    IrqDesc* desc = desc_of(irq);
    if (!desc) return false;
    disable_irq_nosync(irq);
    irqlab::kernel::synchronize_hardirq_desc(*desc);
    return desc->threads_active == 0;
}

void enable_irq(unsigned int irq) {
    IrqDesc* desc = desc_of(irq);
    if (!desc) return;
    unsigned long flags;
    raw_spin_lock_irqsave(&desc->lock, flags);
    irqlab::kernel::enable_irq_desc(*desc);
    raw_spin_unlock_irqrestore(&desc->lock, flags);
}

void synchronize_irq(unsigned int irq) {
    irqlab::kernel::FrameScope f("synchronize_irq");
    if (IrqDesc* desc = desc_of(irq)) irqlab::kernel::synchronize_irq_desc(*desc);
}

bool synchronize_hardirq(unsigned int irq) {
    IrqDesc* desc = desc_of(irq);
    if (!desc) return true;
    irqlab::kernel::synchronize_hardirq_desc(*desc);
    return desc->threads_active == 0;
}

void irq_wake_thread(unsigned int irq, void* dev_id) {
    IrqDesc* desc = desc_of(irq);
    if (!desc) return;
    for (IrqAction* a = desc->action; a; a = a->next)
        if (a->dev_id == dev_id) {
            if (a->thread) irqlab::kernel::irq_wake_thread_of(*desc, *a);
            break;
        }
}

int irq_set_affinity(unsigned int irq, const struct cpumask* cpumask) {
    IrqDesc* desc = desc_of(irq);
    if (!desc) return -EINVAL;
    return Kernel::get().irqs().set_affinity(*desc, *cpumask);
}

int irq_force_affinity(unsigned int irq, const struct cpumask* cpumask) { return irq_set_affinity(irq, cpumask); }
int irq_set_affinity_hint(unsigned int irq, const struct cpumask* m) { return m ? irq_set_affinity(irq, m) : 0; }

struct irq_data* irq_get_irq_data(unsigned int irq) {
    IrqDesc* desc = desc_of(irq);
    return desc ? &desc->irq_data : nullptr;
}

void irq_set_status_flags(unsigned int irq, unsigned long set) {
    if (IrqDesc* desc = desc_of(irq)) desc->settings |= static_cast<unsigned>(set);
}

void irq_clear_status_flags(unsigned int irq, unsigned long clr) {
    if (IrqDesc* desc = desc_of(irq)) desc->settings &= ~static_cast<unsigned>(clr);
}

namespace {
IrqDesc& of(struct irq_data* d) { return *static_cast<IrqDesc*>(d->__irqlab_desc); }
}  // namespace

u32 irqd_get_trigger_type(struct irq_data* d) { return of(d).trigger_type(); }
bool irqd_irq_disabled(struct irq_data* d) { return of(d).disabled(); }
bool irqd_irq_masked(struct irq_data* d) { return of(d).masked(); }
bool irqd_irq_inprogress(struct irq_data* d) { return of(d).inprogress(); }

}  // extern "C"
