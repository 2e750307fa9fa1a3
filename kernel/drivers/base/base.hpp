// The driver core (drivers/base/): devices with their properties and managed resources,
// the platform bus that binds drivers to devices by name, and loadable modules.
//
// A machine's devices come from its "firmware" (the scenario): each device model is
// registered as a platform device with its resources (MMIO window, ports, IRQ) and
// properties. A driver's module registers a platform_driver from its init; a driver and
// a device whose names match are bound and probe() runs, in the registering task, as
// Linux's driver_attach() does. Unbinding runs remove() and then releases the device's
// managed (devm_) resources, newest first.
#pragma once

#include <linux/ioport.h>
#include <linux/platform_device.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace irqlab::kernel {

class Kernel;

// A device property, as a device tree or ACPI table gives it: a number or a string.
struct Property {
    bool is_string = false;
    std::uint64_t number = 0;
    std::string text;
};
using Properties = std::map<std::string, Property, std::less<>>;

// One managed resource (drivers/base/devres.c): released when the driver unbinds.
struct Devres {
    std::function<void()> release;
    const void* tag = nullptr;   // what devm_*_free() finds it by (memory, a dev_id, ...)
    const void* kind = nullptr;  // which API made it (its release function's address)
    std::uint64_t key = 0;       // more to match on (devm_free_irq: the irq)
};

// What a driver's probe initialized that a scenario may name by the device (irqlab's own:
// Linux has no such list). A kthread step like "tasklet_disable: irqgen.0" reaches the
// tasklet irqgen.0's driver set up, as the driver's own code would.
enum class ProbeObject { Tasklet, Spinlock };

// What struct device's __irqlab points at.
struct DeviceRecord {
    std::string name;  // dev_name(): "irqgen.0"
    Properties props;
    std::vector<Devres> devres;
    std::vector<std::pair<ProbeObject, void*>> objects;  // in the order probe made them
};

class DriverCore {
public:
    explicit DriverCore(Kernel& k);
    ~DriverCore();

    // --- devices ---
    // platform_device_register_full(): a device with resources and properties; bound at
    // once if a driver for it is registered. Returns the device.
    struct platform_device& add_platform_device(const std::string& name, int id, std::vector<struct resource> res,
                                                Properties props);
    const std::vector<std::unique_ptr<struct platform_device>>& platform_devices() const { return pdevs_; }
    struct platform_device* find_platform_device(std::string_view dev_name) const;
    static DeviceRecord& record(const struct device* dev);

    // --- drivers ---
    int register_driver(struct platform_driver* drv, struct module* owner);
    void unregister_driver(struct platform_driver* drv);
    const std::vector<struct platform_driver*>& drivers() const { return drivers_; }

    // --- what probe set up ---
    // Called by tasklet_init()/tasklet_setup() and spin_lock_init(): noted under the device
    // being probed, if any. Forgotten when the driver unbinds.
    void note_probe_object(ProbeObject kind, void* object);
    // The first object of `kind` the driver of `dev_name` set up; nullptr if none (no
    // such device, no driver bound, or it set up none).
    void* probe_object(std::string_view dev_name, ProbeObject kind) const;

    // --- managed resources ---
    void devres_add(struct device* dev, Devres d);
    // Releases (and forgets) the newest resource of `kind` with `tag`; false if none.
    bool devres_release(struct device* dev, const void* kind, const void* tag, std::uint64_t key = 0);
    // Forgets it without releasing (devm_kfree frees it itself).
    bool devres_remove(struct device* dev, const void* kind, const void* tag, std::uint64_t key = 0);
    void devres_release_all(struct device* dev);

    // --- modules ---
    // Every module this program was built with (they register themselves at startup).
    static std::vector<std::string> builtin_modules();
    // Loads a module: runs its init in the calling task. 0, the init's error, or -ENOENT
    // for a module that does not exist, -EEXIST for one already loaded.
    int load_module(std::string_view name);
    // Unloads it: runs its exit. -ENOENT if not loaded.
    int unload_module(std::string_view name);
    bool loaded(std::string_view name) const;

private:
    bool match(const struct platform_driver* drv, struct platform_device* pdev) const;
    void probe(struct platform_driver* drv, struct platform_device* pdev);
    void unbind(struct platform_device* pdev);
    struct device* probing_ = nullptr;  // the device whose probe() runs now

    Kernel& k_;
    std::vector<std::unique_ptr<struct platform_device>> pdevs_;
    std::vector<std::unique_ptr<DeviceRecord>> records_;
    std::vector<std::unique_ptr<std::vector<struct resource>>> resources_;
    std::vector<struct platform_driver*> drivers_;
    std::map<const struct platform_driver*, struct module*> owners_;
    std::vector<struct module*> loaded_;
};

}  // namespace irqlab::kernel
