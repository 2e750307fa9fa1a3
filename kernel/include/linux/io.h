/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register access (include/linux/io.h, arch/x86/include/asm/io.h). Port I/O and MMIO go
 * to the owning device model's registers on the virtual bus, and cost simulated time
 * (a port access is slow). An ioremap()ed address is a cookie: offsets added to it reach
 * the registers; it is never dereferenced.
 */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H

#include <linux/types.h>
#include <linux/err.h>

struct device;
struct resource;

__IRQLAB_EXTERN_C_BEGIN
u8 inb(unsigned long port);
u16 inw(unsigned long port);
u32 inl(unsigned long port);
void outb(u8 value, unsigned long port);
void outw(u16 value, unsigned long port);
void outl(u32 value, unsigned long port);

u8 readb(const volatile void __iomem *addr);
u16 readw(const volatile void __iomem *addr);
u32 readl(const volatile void __iomem *addr);
u64 readq(const volatile void __iomem *addr);
void writeb(u8 value, volatile void __iomem *addr);
void writew(u16 value, volatile void __iomem *addr);
void writel(u32 value, volatile void __iomem *addr);
void writeq(u64 value, volatile void __iomem *addr);

void __iomem *ioremap(resource_size_t offset, unsigned long size);
void iounmap(volatile void __iomem *addr);
void __iomem *devm_ioremap(struct device *dev, resource_size_t offset, resource_size_t size);
void __iomem *devm_ioremap_resource(struct device *dev, const struct resource *res);
__IRQLAB_EXTERN_C_END

#define inb_p inb
#define outb_p outb
#define readb_relaxed readb
#define readw_relaxed readw
#define readl_relaxed readl
#define writeb_relaxed writeb
#define writew_relaxed writew
#define writel_relaxed writel
#define ioread8 readb
#define ioread16 readw
#define ioread32 readl
#define iowrite8(v, a) writeb((v), (a))
#define iowrite16(v, a) writew((v), (a))
#define iowrite32(v, a) writel((v), (a))

#endif /* _LINUX_IO_H */
