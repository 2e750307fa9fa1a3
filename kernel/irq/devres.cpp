// Managed IRQs (kernel/irq/devres.c): an IRQ requested with devm_ is freed when the
// driver unbinds.
#include <linux/device.h>
#include <linux/interrupt.h>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"

// The API macros name the handlers; the functions themselves take them as given.
#undef devm_request_threaded_irq
#undef request_threaded_irq

namespace {
const char kIrq = 0;  // the devres kind (Linux: devm_irq_release)
}  // namespace

using irqlab::kernel::Devres;
using irqlab::kernel::Kernel;

extern "C" {

int devm_request_threaded_irq(struct device* dev, unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
                              unsigned long irqflags, const char* devname, void* dev_id) {
    if (!devname) devname = dev_name(dev);
    int rc = request_threaded_irq(irq, handler, thread_fn, irqflags, devname, dev_id);
    if (rc) return rc;
    // devm_irq_match() matches on (irq, dev_id).
    Kernel::get().drivers().devres_add(dev, Devres{[irq, dev_id] { free_irq(irq, dev_id); }, dev_id, &kIrq, irq});
    return 0;
}

void devm_free_irq(struct device* dev, unsigned int irq, void* dev_id) {
    Kernel& k = Kernel::get();
    // devres_destroy() finds it (a miss is the driver's bug: WARN_ON), then free_irq().
    if (!k.drivers().devres_remove(dev, &kIrq, dev_id, irq))
        irqlab::kernel::warn_report(k, irqlab::kernel::bug::kWarning, "kernel/irq/devres.c", 144, "devm_free_irq", "");
    free_irq(irq, dev_id);
}

}  // extern "C"
