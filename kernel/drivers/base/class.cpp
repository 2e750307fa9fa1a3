// Device classes (drivers/base/class.c) and device_create() (drivers/base/core.c): a class
// groups devices; a class device with a device number gets its /dev node, as devtmpfs
// makes it. Kept by the Vfs, which serves the nodes.
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "kernel/drivers/base/base.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel {

struct class_* Vfs::class_create(const char* name) {
    std::string n = name ? name : "";
    if (std::any_of(classes_.begin(), classes_.end(), [&](const ClassRecord& c) { return c.name == n; })) {
        pr_err("sysfs: cannot create duplicate filename '/class/%s'\n", n.c_str());
        return static_cast<struct class_*>(ERR_PTR(-EEXIST));
    }
    ClassRecord rec{std::make_unique<struct class_>(), n};
    rec.cls->name = name;
    classes_.push_back(std::move(rec));
    return classes_.back().cls.get();
}

void Vfs::class_destroy(const struct class_* cls) {
    if (!cls || IS_ERR(cls)) return;
    std::erase_if(classes_, [&](const ClassRecord& c) { return c.cls.get() == cls; });
}

struct device* Vfs::device_create(const struct class_* cls, struct device* parent, dev_t devt, void* drvdata,
                                  const std::string& name) {
    if (!cls || IS_ERR(cls)) return static_cast<struct device*>(ERR_PTR(-EINVAL));
    if (devt && add_node(name, devt) < 0) {
        pr_err("sysfs: cannot create duplicate filename '/devices/virtual/%s/%s'\n", cls->name, name.c_str());
        return static_cast<struct device*>(ERR_PTR(-EEXIST));
    }
    ClassDevice cd{cls, std::make_unique<struct device>(), std::make_unique<DeviceRecord>()};
    cd.record->name = name;
    cd.dev->parent = parent;
    cd.dev->devt = devt;
    cd.dev->driver_data = drvdata;
    cd.dev->__irqlab = cd.record.get();
    class_devices_.push_back(std::move(cd));
    return class_devices_.back().dev.get();
}

// device_destroy(): the class's device with that number, and its node.
void Vfs::device_destroy(const struct class_* cls, dev_t devt) {
    auto it = std::find_if(class_devices_.begin(), class_devices_.end(),
                           [&](const ClassDevice& d) { return d.cls == cls && d.dev->devt == devt; });
    if (it == class_devices_.end()) return;
    remove_node(devt);
    class_devices_.erase(it);
}

}  // namespace irqlab::kernel

using irqlab::kernel::Kernel;

extern "C" {

struct class_* __irqlab_class_create(const char* name) { return Kernel::get().vfs().class_create(name); }

void class_destroy(const struct class_* cls) { Kernel::get().vfs().class_destroy(cls); }

struct device* device_create(const struct class_* cls, struct device* parent, dev_t devt, void* drvdata,
                             const char* fmt, ...) {
    char name[64];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    return Kernel::get().vfs().device_create(cls, parent, devt, drvdata, name);
}

void device_destroy(const struct class_* cls, dev_t devt) { Kernel::get().vfs().device_destroy(cls, devt); }

}  // extern "C"
