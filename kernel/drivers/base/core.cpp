// Devices (drivers/base/core.c): names, and the dev_* log helpers.
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include <cstdarg>
#include <string>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kernel.hpp"
#include "kernel/lib/errname.hpp"
#include "kernel/printk/printk.hpp"

namespace irqlab::kernel {

namespace detail {

int level_of(const char* level) {
    if (level && level[0] == KERN_SOH_ASCII && level[1] >= '0' && level[1] <= '7') return level[1] - '0';
    return kDefaultMessageLoglevel;
}

// __dev_printk(): "driver device: message", or the bare message without a device.
void dev_vprintk(int level, const struct device* dev, const std::string& message) {
    Kernel& k = Kernel::get();
    if (!dev) {
        printk_emit(k, level, "(NULL device *): " + message);
        return;
    }
    printk_emit(k, level, std::string(dev_driver_string(dev)) + " " + dev_name(dev) + ": " + message);
}

// __dev_probe_failed(): "error -ENXIO: message"; -EPROBE_DEFER is only a debug note.
int dev_probe_failed(const struct device* dev, int err, bool fatal, const char* fmt, va_list ap) {
    Kernel& k = Kernel::get();
    std::string message = kvformat(k, fmt, ap);
    if (err == -EPROBE_DEFER) return err;
    dev_vprintk(fatal ? 3 : 4, dev, "error " + errname_signed(err) + ": " + message);
    return err;
}

}  // namespace detail

DeviceRecord& DriverCore::record(const struct device* dev) { return *static_cast<DeviceRecord*>(dev->__irqlab); }

}  // namespace irqlab::kernel

using irqlab::kernel::DriverCore;

extern "C" {

const char* dev_name(const struct device* dev) {
    if (dev->init_name) return dev->init_name;
    return dev->__irqlab ? DriverCore::record(dev).name.c_str() : "";
}

// dev_driver_string(): the bound driver's name, else the bus's.
const char* dev_driver_string(const struct device* dev) {
    if (dev->driver) return dev->driver->name;
    return dev->bus ? dev->bus->name : "";
}

void _dev_printk(const char* level, const struct device* dev, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string message = irqlab::kernel::kvformat(irqlab::kernel::Kernel::get(), fmt, ap);
    va_end(ap);
    irqlab::kernel::detail::dev_vprintk(irqlab::kernel::detail::level_of(level), dev, message);
}

int dev_err_probe(const struct device* dev, int err, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = irqlab::kernel::detail::dev_probe_failed(dev, err, true, fmt, ap);
    va_end(ap);
    return r;
}

int dev_warn_probe(const struct device* dev, int err, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = irqlab::kernel::detail::dev_probe_failed(dev, err, false, fmt, ap);
    va_end(ap);
    return r;
}

}  // extern "C"
