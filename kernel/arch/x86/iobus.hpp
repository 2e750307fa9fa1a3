// What a CPU reaches through its bus: port I/O, MMIO and the bus addresses devices use
// for DMA. The kernel calls this interface; devices/bus implements it, so the simulated
// kernel never depends on any particular device.
#pragma once

#include <cstddef>
#include <cstdint>

namespace irqlab::kernel {

class IoBus {
public:
    virtual ~IoBus() = default;
    virtual std::uint64_t port_read(std::uint16_t port, int size) = 0;
    virtual void port_write(std::uint16_t port, std::uint64_t value, int size) = 0;
    virtual std::uint64_t mmio_read(std::uint64_t addr, int size) = 0;
    virtual void mmio_write(std::uint64_t addr, std::uint64_t value, int size) = 0;
    // DMA: makes `size` bytes at `cpu` reachable by devices; returns the bus address.
    virtual std::uint64_t dma_map(void* cpu, std::size_t size) = 0;
    virtual void dma_unmap(std::uint64_t bus_addr) = 0;
};

}  // namespace irqlab::kernel
