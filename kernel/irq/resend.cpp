// Re-sending an edge interrupt that was lost while the line was disabled or busy
// (kernel/irq/resend.c, 6.12). Level lines need none: the line is still asserted.
#include "kernel/irq/irq.hpp"

#include <linux/errno.h>

namespace irqlab::kernel {

// check_irq_resend(): called with desc->lock held and interrupts off. The x86 chips all
// retrigger in hardware (a self-IPI of the vector), so the software resend tasklet of
// CONFIG_HARDIRQS_SW_RESEND is never needed here.
int check_irq_resend(IrqDesc& desc, bool inject) {
    if (desc.level()) {
        desc.istate &= ~IRQS_PENDING;
        return -EINVAL;
    }
    if (desc.istate & IRQS_REPLAY) return -EBUSY;
    if (!(desc.istate & IRQS_PENDING) && !inject) return 0;
    desc.istate &= ~IRQS_PENDING;
    int err = 0;
    if (!desc.chip->irq_retrigger || !desc.chip->irq_retrigger(desc)) err = -EINVAL;
    if (!err) desc.istate |= IRQS_REPLAY;
    return err;
}

}  // namespace irqlab::kernel
