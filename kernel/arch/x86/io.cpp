// Register access (arch/x86/include/asm/io.h, lib/devres.c). Every access reaches the
// machine's bus, which decodes it to the owning device's registers, and costs the CPU
// time: a port access most (an ISA bus cycle), an MMIO read a round trip across the bus,
// an MMIO write is posted.
//
// ioremap() returns a cookie in the vmalloc area (ffffc90000000000 + the physical
// address); drivers add offsets to it and hand it back to readl()/writel(), which turn it
// back into a bus address. Nothing ever dereferences it.
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ioport.h>

#include <cstdint>

#include "kernel/arch/x86/iobus.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/spend.hpp"

namespace irqlab::kernel {
namespace {

constexpr std::uint64_t kIoremapBase = 0xffffc90000000000ULL;

// A bus with nothing on it reads as all ones, as a PC's floating bus does.
std::uint64_t floating(int size) { return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1; }

std::uint64_t port_in(unsigned long port, int size) {
    Kernel& k = Kernel::get();
    spend(Cost::port_read);
    IoBus* bus = k.iobus();
    return bus ? bus->port_read(static_cast<std::uint16_t>(port), size) : floating(size);
}

void port_out(std::uint64_t v, unsigned long port, int size) {
    Kernel& k = Kernel::get();
    spend(Cost::port_write);
    if (IoBus* bus = k.iobus()) bus->port_write(static_cast<std::uint16_t>(port), v, size);
}

std::uint64_t phys(const volatile void* addr) { return reinterpret_cast<std::uintptr_t>(addr) - kIoremapBase; }

std::uint64_t mmio_in(const volatile void* addr, int size) {
    Kernel& k = Kernel::get();
    spend(Cost::mmio_read);
    IoBus* bus = k.iobus();
    return bus ? bus->mmio_read(phys(addr), size) : floating(size);
}

void mmio_out(std::uint64_t v, volatile void* addr, int size) {
    Kernel& k = Kernel::get();
    spend(Cost::mmio_write);
    if (IoBus* bus = k.iobus()) bus->mmio_write(phys(addr), v, size);
}

const char kIomap = 0;  // the devres kind of devm_ioremap()

}  // namespace
}  // namespace irqlab::kernel

namespace ik = irqlab::kernel;

extern "C" {

u8 inb(unsigned long port) { return static_cast<u8>(ik::port_in(port, 1)); }
u16 inw(unsigned long port) { return static_cast<u16>(ik::port_in(port, 2)); }
u32 inl(unsigned long port) { return static_cast<u32>(ik::port_in(port, 4)); }
void outb(u8 value, unsigned long port) { ik::port_out(value, port, 1); }
void outw(u16 value, unsigned long port) { ik::port_out(value, port, 2); }
void outl(u32 value, unsigned long port) { ik::port_out(value, port, 4); }

u8 readb(const volatile void __iomem* addr) { return static_cast<u8>(ik::mmio_in(addr, 1)); }
u16 readw(const volatile void __iomem* addr) { return static_cast<u16>(ik::mmio_in(addr, 2)); }
u32 readl(const volatile void __iomem* addr) { return static_cast<u32>(ik::mmio_in(addr, 4)); }
u64 readq(const volatile void __iomem* addr) { return ik::mmio_in(addr, 8); }
void writeb(u8 value, volatile void __iomem* addr) { ik::mmio_out(value, addr, 1); }
void writew(u16 value, volatile void __iomem* addr) { ik::mmio_out(value, addr, 2); }
void writel(u32 value, volatile void __iomem* addr) { ik::mmio_out(value, addr, 4); }
void writeq(u64 value, volatile void __iomem* addr) { ik::mmio_out(value, addr, 8); }

void __iomem* ioremap(resource_size_t offset, unsigned long) {
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(ik::kIoremapBase + offset));
}

void iounmap(volatile void __iomem*) {}

void __iomem* devm_ioremap(struct device* dev, resource_size_t offset, resource_size_t size) {
    void __iomem* p = ioremap(offset, static_cast<unsigned long>(size));
    ik::Kernel::get().drivers().devres_add(dev, ik::Devres{[p] { iounmap(p); }, p, &ik::kIomap});
    return p;
}

// __devm_ioremap_resource() (lib/devres.c), with its messages.
void __iomem* devm_ioremap_resource(struct device* dev, const struct resource* res) {
    if (!res || resource_type(res) != IORESOURCE_MEM) {
        int ret = dev_err_probe(dev, -EINVAL, "invalid resource %pR\n", static_cast<const void*>(res));
        return static_cast<void __iomem*>(ERR_PTR(ret));
    }
    return devm_ioremap(dev, res->start, resource_size(res));
}

}  // extern "C"
