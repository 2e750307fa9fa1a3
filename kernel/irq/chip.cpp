// Flow handlers and line control (kernel/irq/chip.c, 6.12).
//
// The order of ack, mask, handlers and EOI is the point of each flow:
//   edge:    ack (the local APIC's EOI) first, then the handlers, looping while an edge
//            that came meanwhile left IRQS_PENDING;
//   level:   mask and ack first, handlers, then unmask (unless a ONESHOT thread runs);
//   fasteoi: handlers first, EOI after (an x86 IO-APIC level line), masking before the
//            handlers only for ONESHOT.
#include <linux/spinlock.h>

#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {

void kstat_incr_irqs_this_cpu(IrqDesc& desc) {
    desc.kstat[static_cast<std::size_t>(Kernel::get().this_cpu().id)]++;
    desc.tot_count++;
}

void mask_ack_irq(IrqDesc& desc) {
    mask_irq(desc);
    if (desc.chip->irq_ack) desc.chip->irq_ack(desc);
}

void cond_unmask_irq(IrqDesc& desc) {
    if (!desc.disabled() && desc.masked() && !desc.threads_oneshot) unmask_irq(desc);
}

void cond_unmask_eoi_irq(IrqDesc& desc) {
    const IrqChip& chip = *desc.chip;
    if (!(desc.istate & IRQS_ONESHOT)) {
        chip.irq_eoi(desc);
        return;
    }
    // A ONESHOT thread was not woken: unmask now. Otherwise EOI but stay masked until
    // irq_finalize_oneshot() (unless the chip wants the EOI from the thread).
    if (!desc.disabled() && desc.masked() && !desc.threads_oneshot) {
        chip.irq_eoi(desc);
        unmask_irq(desc);
    } else if (!(chip.flags & IRQCHIP_EOI_THREADED)) {
        chip.irq_eoi(desc);
    }
}

}  // namespace

void mask_irq(IrqDesc& desc) {
    if (desc.masked()) return;
    if (desc.chip->irq_mask) {
        desc.chip->irq_mask(desc);
        desc.state |= IRQD_IRQ_MASKED;
    }
}

void unmask_irq(IrqDesc& desc) {
    if (!desc.masked()) return;
    if (desc.chip->irq_unmask) {
        desc.chip->irq_unmask(desc);
        desc.state &= ~IRQD_IRQ_MASKED;
    }
}

// irq_disable(): lazy unless IRQ_DISABLE_UNLAZY: only mark it disabled, leave the line
// unmasked; the flow handler masks it if an interrupt comes.
void irq_disable(IrqDesc& desc) {
    if (desc.disabled()) return;
    desc.state |= IRQD_IRQ_DISABLED;
    if (desc.settings & IRQ_DISABLE_UNLAZY) mask_irq(desc);
}

void irq_enable(IrqDesc& desc) {
    if (!desc.disabled()) {
        unmask_irq(desc);
    } else {
        desc.state &= ~IRQD_IRQ_DISABLED;
        unmask_irq(desc);
    }
}

// irq_may_run(): false while another CPU runs this IRQ's handlers.
bool irq_may_run(IrqDesc& desc) {
    if (!desc.inprogress()) return true;
    // irq_check_poll(): the spurious poller runs it; wait for that.
    return (desc.istate & IRQS_POLL_INPROGRESS) && irq_wait_for_poll(desc);
}

void handle_edge_irq(IrqDesc& desc) {
    FrameScope f("handle_edge_irq");
    raw_spin_lock(&desc.lock);
    desc.istate &= ~(IRQS_REPLAY | IRQS_WAITING);
    if (!irq_may_run(desc)) {
        // Running on another CPU: remember the edge; that CPU loops once more.
        desc.istate |= IRQS_PENDING;
        mask_ack_irq(desc);
        raw_spin_unlock(&desc.lock);
        return;
    }
    if (desc.disabled() || !desc.action) {
        desc.istate |= IRQS_PENDING;
        mask_ack_irq(desc);
        raw_spin_unlock(&desc.lock);
        return;
    }
    kstat_incr_irqs_this_cpu(desc);
    desc.chip->irq_ack(desc);  // ack first: a new edge may arrive while the handlers run
    do {
        if (!desc.action) {
            mask_irq(desc);
            break;
        }
        if ((desc.istate & IRQS_PENDING) && !desc.disabled() && desc.masked()) unmask_irq(desc);
        handle_irq_event(desc);
    } while ((desc.istate & IRQS_PENDING) && !desc.disabled());
    raw_spin_unlock(&desc.lock);
}

void handle_level_irq(IrqDesc& desc) {
    FrameScope f("handle_level_irq");
    raw_spin_lock(&desc.lock);
    mask_ack_irq(desc);
    if (!irq_may_run(desc)) {
        raw_spin_unlock(&desc.lock);
        return;
    }
    desc.istate &= ~(IRQS_REPLAY | IRQS_WAITING);
    if (!desc.action || desc.disabled()) {
        desc.istate |= IRQS_PENDING;
        raw_spin_unlock(&desc.lock);
        return;
    }
    kstat_incr_irqs_this_cpu(desc);
    handle_irq_event(desc);
    cond_unmask_irq(desc);
    raw_spin_unlock(&desc.lock);
}

void handle_fasteoi_irq(IrqDesc& desc) {
    FrameScope f("handle_fasteoi_irq");
    const IrqChip& chip = *desc.chip;
    raw_spin_lock(&desc.lock);
    if (!irq_may_run(desc)) {
        if (!(chip.flags & IRQCHIP_EOI_IF_HANDLED)) chip.irq_eoi(desc);
        raw_spin_unlock(&desc.lock);
        return;
    }
    desc.istate &= ~(IRQS_REPLAY | IRQS_WAITING);
    if (!desc.action || desc.disabled()) {
        desc.istate |= IRQS_PENDING;
        mask_irq(desc);
        if (!(chip.flags & IRQCHIP_EOI_IF_HANDLED)) chip.irq_eoi(desc);
        raw_spin_unlock(&desc.lock);
        return;
    }
    kstat_incr_irqs_this_cpu(desc);
    if (desc.istate & IRQS_ONESHOT) mask_irq(desc);
    handle_irq_event(desc);
    cond_unmask_eoi_irq(desc);
    if (desc.istate & IRQS_PENDING) check_irq_resend(desc, false);
    raw_spin_unlock(&desc.lock);
}

}  // namespace irqlab::kernel
