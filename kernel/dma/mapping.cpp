// DMA (kernel/dma/mapping.c): memory a device reaches by bus address. A coherent buffer
// is kernel memory mapped on the bus for its lifetime; a streaming mapping lasts until
// it is unmapped. With no bus on the machine nothing can be mapped.
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>

#include "kernel/arch/x86/iobus.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/kernel.hpp"

namespace ik = irqlab::kernel;

namespace {
const char kDmam = 0;  // the devres kind of dmam_alloc_coherent()

dma_addr_t map(void* p, size_t size) {
    ik::IoBus* bus = ik::Kernel::get().iobus();
    return bus ? bus->dma_map(p, size) : DMA_MAPPING_ERROR;
}
}  // namespace

extern "C" {

void* dma_alloc_coherent(struct device*, size_t size, dma_addr_t* dma_handle, gfp_t gfp) {
    void* p = kmalloc(size, gfp | __GFP_ZERO);
    if (!p) return nullptr;
    dma_addr_t a = map(p, size);
    if (a == DMA_MAPPING_ERROR) {
        kfree(p);
        return nullptr;
    }
    *dma_handle = a;
    return p;
}

void dma_free_coherent(struct device*, size_t, void* cpu_addr, dma_addr_t dma_handle) {
    if (!cpu_addr) return;
    if (ik::IoBus* bus = ik::Kernel::get().iobus()) bus->dma_unmap(dma_handle);
    kfree(cpu_addr);
}

void* dmam_alloc_coherent(struct device* dev, size_t size, dma_addr_t* dma_handle, gfp_t gfp) {
    void* p = dma_alloc_coherent(dev, size, dma_handle, gfp);
    if (!p) return nullptr;
    dma_addr_t a = *dma_handle;
    ik::Kernel::get().drivers().devres_add(
        dev, ik::Devres{[dev, size, p, a] { dma_free_coherent(dev, size, p, a); }, p, &kDmam});
    return p;
}

dma_addr_t dma_map_single(struct device*, void* ptr, size_t size, enum dma_data_direction) { return map(ptr, size); }

void dma_unmap_single(struct device*, dma_addr_t addr, size_t, enum dma_data_direction) {
    if (ik::IoBus* bus = ik::Kernel::get().iobus()) bus->dma_unmap(addr);
}

int dma_set_mask_and_coherent(struct device* dev, u64 mask) {
    if (dev->dma_mask) *dev->dma_mask = mask;
    dev->coherent_dma_mask = mask;
    return 0;
}

}  // extern "C"
