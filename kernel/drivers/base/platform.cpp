// The platform bus (drivers/base/platform.c, dd.c): devices the firmware describes, bound
// to drivers by name.
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/platform_device.h>

#include <cstring>
#include <utility>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"

extern "C" const struct bus_type platform_bus_type = {"platform"};

namespace irqlab::kernel {

DriverCore::DriverCore(Kernel& k) : k_(k) {}
DriverCore::~DriverCore() = default;

struct platform_device& DriverCore::add_platform_device(const std::string& name, int id,
                                                        std::vector<struct resource> res, Properties props) {
    auto rec = std::make_unique<DeviceRecord>();
    // dev_set_name(): "name.id", or the bare name for PLATFORM_DEVID_NONE.
    rec->name = id == PLATFORM_DEVID_NONE ? name : name + "." + std::to_string(id);
    rec->props = std::move(props);
    auto r = std::make_unique<std::vector<struct resource>>(std::move(res));
    auto pdev = std::make_unique<struct platform_device>();
    std::memset(pdev.get(), 0, sizeof(struct platform_device));
    pdev->name = k_.symbols().intern(name);
    pdev->id = id;
    pdev->num_resources = static_cast<u32>(r->size());
    pdev->resource = r->data();
    pdev->dev.bus = &platform_bus_type;
    pdev->dev.__irqlab = rec.get();
    pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
    records_.push_back(std::move(rec));
    resources_.push_back(std::move(r));
    pdevs_.push_back(std::move(pdev));
    struct platform_device* p = pdevs_.back().get();
    // Binding runs probe(), which needs a task; at machine setup no driver is loaded yet.
    if (k_.running())
        for (struct platform_driver* drv : drivers_)
            if (!p->dev.driver && match(drv, p)) probe(drv, p);
    return *p;
}

struct platform_device* DriverCore::find_platform_device(std::string_view dev_name) const {
    for (const auto& p : pdevs_)
        if (record(&p->dev).name == dev_name) return p.get();
    return nullptr;
}

// platform_match(): the id table if the driver has one, else the driver's name.
bool DriverCore::match(const struct platform_driver* drv, struct platform_device* pdev) const {
    if (drv->id_table) {
        for (const struct platform_device_id* id = drv->id_table; id->name[0]; ++id) {
            if (std::strcmp(pdev->name, id->name) == 0) {
                pdev->id_entry = id;
                return true;
            }
        }
        return false;
    }
    return drv->driver.name && std::strcmp(pdev->name, drv->driver.name) == 0;
}

// really_probe() and call_driver_probe(): on failure the device's managed resources go.
void DriverCore::probe(struct platform_driver* drv, struct platform_device* pdev) {
    struct device* dev = &pdev->dev;
    dev->driver = &drv->driver;
    struct device* outer = std::exchange(probing_, dev);
    int ret = drv->probe ? drv->probe(pdev) : 0;
    probing_ = outer;
    if (ret == 0) return;
    record(dev).objects.clear();
    if (ret != -EPROBE_DEFER && ret != -ENODEV && ret != -ENXIO)
        dev_err(dev, "probe with driver %s failed with error %d\n", drv->driver.name, ret);
    devres_release_all(dev);
    dev->driver = nullptr;
    dev_set_drvdata(dev, nullptr);
}

// device_release_driver(): remove(), then the managed resources.
void DriverCore::unbind(struct platform_device* pdev) {
    struct device* dev = &pdev->dev;
    auto* drv = container_of(dev->driver, struct platform_driver, driver);
    if (drv->remove)
        drv->remove(pdev);
    else if (drv->remove_new)
        drv->remove_new(pdev);
    devres_release_all(dev);
    record(dev).objects.clear();
    dev->driver = nullptr;
    dev_set_drvdata(dev, nullptr);
}

void DriverCore::note_probe_object(ProbeObject kind, void* object) {
    if (probing_) record(probing_).objects.emplace_back(kind, object);
}

void* DriverCore::probe_object(std::string_view dev_name, ProbeObject kind) const {
    struct platform_device* pdev = find_platform_device(dev_name);
    if (!pdev || !pdev->dev.driver) return nullptr;
    for (const auto& [k, object] : record(&pdev->dev).objects)
        if (k == kind) return object;
    return nullptr;
}

int DriverCore::register_driver(struct platform_driver* drv, struct module* owner) {
    drv->driver.bus = &platform_bus_type;
    drv->driver.owner = owner;
    drivers_.push_back(drv);
    owners_[drv] = owner;
    for (const auto& p : pdevs_)
        if (!p->dev.driver && match(drv, p.get())) probe(drv, p.get());
    return 0;
}

void DriverCore::unregister_driver(struct platform_driver* drv) {
    for (const auto& p : pdevs_)
        if (p->dev.driver == &drv->driver) unbind(p.get());
    std::erase(drivers_, drv);
    owners_.erase(drv);
}

}  // namespace irqlab::kernel

using irqlab::kernel::Kernel;

extern "C" {

int __platform_driver_register(struct platform_driver* drv, struct module* owner) {
    return Kernel::get().drivers().register_driver(drv, owner);
}

void platform_driver_unregister(struct platform_driver* drv) { Kernel::get().drivers().unregister_driver(drv); }

struct resource* platform_get_resource(struct platform_device* dev, unsigned int type, unsigned int num) {
    for (u32 i = 0; i < dev->num_resources; ++i) {
        struct resource* r = &dev->resource[i];
        if (resource_type(r) == type && num-- == 0) return r;
    }
    return nullptr;
}

int platform_get_irq_optional(struct platform_device* dev, unsigned int num) {
    struct resource* r = platform_get_resource(dev, IORESOURCE_IRQ, num);
    if (!r) return -ENXIO;
    return static_cast<int>(r->start);
}

int platform_get_irq(struct platform_device* dev, unsigned int num) {
    int ret = platform_get_irq_optional(dev, num);
    if (ret < 0) return dev_err_probe(&dev->dev, ret, "IRQ index %u not found\n", num);
    return ret;
}

void __iomem* devm_platform_ioremap_resource(struct platform_device* pdev, unsigned int index) {
    return devm_ioremap_resource(&pdev->dev, platform_get_resource(pdev, IORESOURCE_MEM, index));
}

}  // extern "C"
