// The driver core: platform binding, probe failure, managed resources, dev_printk,
// modules (drivers/base/dd.c, platform.c, devres.c, core.c; kernel/module/main.c).
#include <catch2/catch.hpp>

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/platform_device.h>
#include <linux/property.h>

#include "devices/bus/bus.hpp"
#include "devices/irqgen/irqgen.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/irq/irq.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::test::Machine;

namespace {

// What the test driver saw, for the assertions after the run.
struct Seen {
    std::vector<std::string> events;
    int probe_result = 0;
    std::string probe_task;
};
Seen seen;

void release_a(void*) { seen.events.push_back("release a"); }
void release_b(void*) { seen.events.push_back("release b"); }

int test_probe(struct platform_device* pdev) {
    seen.events.push_back(std::string("probe ") + dev_name(&pdev->dev));
    seen.probe_task = get_current()->comm;
    devm_add_action(&pdev->dev, release_a, nullptr);
    devm_add_action(&pdev->dev, release_b, nullptr);
    dev_info(&pdev->dev, "bound\n");
    return seen.probe_result;
}

void test_remove(struct platform_device* pdev) { seen.events.push_back(std::string("remove ") + dev_name(&pdev->dev)); }

struct platform_driver test_driver = {};

void init_driver(const char* name) {
    seen = Seen{};
    test_driver = {};
    test_driver.probe = test_probe;
    test_driver.remove = test_remove;
    test_driver.driver.name = name;
}

}  // namespace

TEST_CASE("a platform driver binds to the device of its name; probe runs in the registering task") {
    // drivers/base/platform.c platform_match(), dd.c driver_attach()
    Machine m;
    init_driver("widget");
    m.k.drivers().add_platform_device("widget", 0, {}, {});
    m.k.drivers().add_platform_device("gadget", 0, {}, {});
    m.kthread("modprobe", [&] { return platform_driver_register(&test_driver); });
    m.run_until(1'000'000);
    REQUIRE(seen.events.size() == 1);
    CHECK(seen.events[0] == "probe widget.0");
    CHECK(seen.probe_task == "modprobe");
    CHECK(m.dmesg().find("] widget widget.0: bound") != std::string::npos);
}

TEST_CASE("unbinding runs remove, then releases managed resources newest first") {
    // drivers/base/dd.c device_remove(), devres.c release_nodes()
    Machine m;
    init_driver("widget");
    m.k.drivers().add_platform_device("widget", PLATFORM_DEVID_NONE, {}, {});
    m.kthread("modprobe", [&] {
        platform_driver_register(&test_driver);
        platform_driver_unregister(&test_driver);
        return 0;
    });
    m.run_until(1'000'000);
    CHECK(seen.events == std::vector<std::string>{"probe widget", "remove widget", "release b", "release a"});
}

TEST_CASE("a failed probe is reported as dd.c does and its managed resources are released") {
    // drivers/base/dd.c call_driver_probe(), really_probe()
    Machine m;
    init_driver("widget");
    seen.probe_result = -ENOMEM;
    auto& pdev = m.k.drivers().add_platform_device("widget", 3, {}, {});
    m.kthread("modprobe", [&] { return platform_driver_register(&test_driver); });
    m.run_until(1'000'000);
    CHECK(seen.events == std::vector<std::string>{"probe widget.3", "release b", "release a"});
    CHECK(m.dmesg().find("] widget widget.3: probe with driver widget failed with error -12") != std::string::npos);
    CHECK(pdev.dev.driver == nullptr);
}

TEST_CASE("a probe returning -ENODEV or -ENXIO rejects the match silently") {
    // drivers/base/dd.c call_driver_probe(): only dev_dbg for these
    Machine m;
    init_driver("widget");
    seen.probe_result = -ENODEV;
    m.k.drivers().add_platform_device("widget", 0, {}, {});
    m.kthread("modprobe", [&] { return platform_driver_register(&test_driver); });
    m.run_until(1'000'000);
    CHECK(m.dmesg().find("failed with error") == std::string::npos);
}

TEST_CASE("dev_printk names the bus before a driver binds, the driver after") {
    // drivers/base/core.c dev_driver_string()
    Machine m;
    init_driver("widget");
    auto& pdev = m.k.drivers().add_platform_device("widget", 0, {}, {});
    m.kthread("t", [&] {
        dev_warn(&pdev.dev, "unbound %d\n", 1);
        return 0;
    });
    m.run_until(1'000'000);
    CHECK(m.dmesg().find("] platform widget.0: unbound 1") != std::string::npos);
}

TEST_CASE("platform_get_irq of a missing index fails with -ENXIO and dev_err_probe's message") {
    // drivers/base/platform.c platform_get_irq(), core.c __dev_probe_failed()
    Machine m;
    struct resource irq {};
    irq.start = irq.end = 17;
    irq.flags = IORESOURCE_IRQ;
    auto& pdev = m.k.drivers().add_platform_device("widget", 0, {irq}, {});
    int first = 0, second = 0;
    m.kthread("t", [&] {
        first = platform_get_irq(&pdev, 0);
        second = platform_get_irq(&pdev, 1);
        return 0;
    });
    m.run_until(1'000'000);
    CHECK(first == 17);
    CHECK(second == -ENXIO);
    CHECK(m.dmesg().find("] platform widget.0: error -ENXIO: IRQ index 1 not found") != std::string::npos);
}

TEST_CASE("device properties read as numbers, strings and flags, with fwnode's error codes") {
    // drivers/base/property.c device_property_read_u32()
    Machine m;
    kernel::Properties props;
    props["cost"].number = 250;
    props["mode"].is_string = true;
    props["mode"].text = "fast";
    props["huge"].number = 1ULL << 40;
    auto& pdev = m.k.drivers().add_platform_device("widget", 0, {}, props);
    u32 cost = 0, huge = 0, missing = 0;
    const char* mode = nullptr;
    CHECK(device_property_read_u32(&pdev.dev, "cost", &cost) == 0);
    CHECK(cost == 250);
    CHECK(device_property_read_string(&pdev.dev, "mode", &mode) == 0);
    CHECK(std::string(mode) == "fast");
    CHECK(device_property_read_u32(&pdev.dev, "mode", &missing) == -EPROTO);
    CHECK(device_property_read_u32(&pdev.dev, "huge", &huge) == -EOVERFLOW);
    CHECK(device_property_read_u32(&pdev.dev, "absent", &missing) == -EINVAL);
    CHECK(device_property_read_bool(&pdev.dev, "cost"));
    CHECK_FALSE(device_property_read_bool(&pdev.dev, "absent"));
}

TEST_CASE("readl and writel reach the device's registers through ioremap, and cost bus time") {
    // arch/x86/include/asm/io.h; lib/devres.c devm_ioremap_resource()
    Machine m;
    dev::Bus bus(m.k, m.k.ioapic());
    m.k.attach_bus(&bus);
    dev::Irqgen::Config c;
    c.line = 17;
    c.level = true;
    c.at = {1000};
    dev::Irqgen g(bus, c, "irqgen.0");
    g.start();
    auto& pdev = m.k.drivers().add_platform_device("gen", 0, g.resources(), {});
    u32 status = 0;
    sim::Time spent = 0;
    m.kthread("t", [&] {
        msleep(1);
        void __iomem* base = devm_platform_ioremap_resource(&pdev, 0);
        sim::Time t0 = m.now();
        status = readl(static_cast<char __iomem*>(base) + dev::Irqgen::STATUS);
        writel(1, static_cast<char __iomem*>(base) + dev::Irqgen::ACK);
        spent = m.now() - t0;
        return 0;
    });
    m.run_until(10'000'000);
    m.k.attach_bus(nullptr);
    CHECK(status == dev::Irqgen::STATUS_PENDING);
    CHECK(bus.mmio_read(g.resources()[0].start + dev::Irqgen::STATUS, 4) == 0);
    const kernel::Config& cfg = m.k.config;
    CHECK(spent == cfg.costs[kernel::Cost::mmio_read] + cfg.costs[kernel::Cost::mmio_write]);
}

TEST_CASE("devm_request_irq's IRQ is freed when the driver unbinds") {
    // kernel/irq/devres.c devm_irq_release()
    Machine m;
    init_driver("widget");
    struct resource irq {};
    irq.start = irq.end = 17;
    irq.flags = IORESOURCE_IRQ;
    auto& pdev = m.k.drivers().add_platform_device("widget", 0, {irq}, {});
    static irqreturn_t (*handler)(int, void*) = [](int, void*) { return IRQ_NONE; };
    test_driver.probe = [](struct platform_device* p) {
        return devm_request_irq(&p->dev, static_cast<unsigned>(platform_get_irq(p, 0)), handler, IRQF_SHARED,
                                dev_name(&p->dev), p);
    };
    bool had_action = false, has_action = true;
    m.kthread("modprobe", [&] {
        platform_driver_register(&test_driver);
        had_action = m.k.irqs().desc(17)->action != nullptr;
        platform_driver_unregister(&test_driver);
        has_action = m.k.irqs().desc(17)->action != nullptr;
        return 0;
    });
    m.run_until(1'000'000);
    CHECK(had_action);
    CHECK_FALSE(has_action);
    (void)pdev;
}

TEST_CASE("a module loads by name, its init runs; unload runs its exit; unknown names are -ENOENT") {
    // kernel/module/main.c do_init_module(), delete_module()
    Machine m;
    int load = 1, again = 1, unknown = 1, unload = 1, unload_again = 1;
    std::string linked;
    m.kthread("insmod", [&] {
        load = m.k.drivers().load_module("irqgen");
        again = m.k.drivers().load_module("irqgen");
        linked = m.k.modules_linked_in();
        unknown = m.k.drivers().load_module("nosuch");
        unload = m.k.drivers().unload_module("irqgen");
        unload_again = m.k.drivers().unload_module("irqgen");
        return 0;
    });
    m.run_until(1'000'000);
    CHECK(load == 0);
    CHECK(again == -EEXIST);
    CHECK(linked == " irqgen");
    CHECK(unknown == -ENOENT);
    CHECK(unload == 0);
    CHECK(unload_again == -ENOENT);
    CHECK(m.k.drivers().drivers().empty());  // the exit unregistered the platform driver
}

TEST_CASE("inb and outb reach the device owning the port, and a port access costs the port cost") {
    // arch/x86/include/asm/io.h inb()/outb(): slow ISA-style cycles
    struct Latch final : dev::RegisterWindow {
        std::uint64_t value = 0x5a, last_offset = 99;
        std::uint64_t read(std::uint64_t offset, int) override {
            last_offset = offset;
            return value;
        }
        void write(std::uint64_t offset, std::uint64_t v, int) override {
            last_offset = offset;
            value = v;
        }
    };
    Machine m;
    dev::Bus bus(m.k, m.k.ioapic());
    Latch latch;
    bus.map_ports(0x60, 5, &latch, "latch");
    m.k.attach_bus(&bus);
    u8 first = 0, second = 0, nobody = 0;
    sim::Time spent = 0;
    m.kthread("t", [&] {
        sim::Time t0 = m.now();
        first = inb(0x64);
        spent = m.now() - t0;
        outb(0x21, 0x60);
        second = inb(0x60);
        nobody = inb(0x70);  // no device: the floating bus
        return 0;
    });
    m.run_until(1'000'000);
    m.k.attach_bus(nullptr);
    CHECK(first == 0x5a);
    CHECK(second == 0x21);
    CHECK(latch.last_offset == 0);
    CHECK(nobody == 0xff);
    CHECK(spent == m.k.config.costs[kernel::Cost::port_read]);
    CHECK(m.k.config.costs[kernel::Cost::port_read] > m.k.config.costs[kernel::Cost::mmio_read]);
}
