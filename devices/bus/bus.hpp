// The virtual device bus: the motherboard the device models sit on.
//
//  - register windows: a device maps port ranges or MMIO windows; a CPU's access is
//    decoded to the owner's read/write handler (QEMU's MemoryRegionOps in miniature);
//  - interrupt lines: each device output drives a line; several outputs on one level line
//    form a wired-OR (the line is asserted while any output is), which is what makes
//    IRQF_SHARED real. Lines end at IO-APIC pins;
//  - MSI: a device writes a message that goes straight to a local APIC;
//  - DMA: devices read and write memory by bus address, where drivers mapped it.
//
// Device models use only this. They never call kernel code.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel/arch/x86/iobus.hpp"
#include "sim/engine.hpp"
#include "sim/time.hpp"

namespace irqlab::kernel {
class Kernel;
class IoApic;
}  // namespace irqlab::kernel

namespace irqlab::dev {

// A device's register window: offsets are from the window's base.
class RegisterWindow {
public:
    virtual ~RegisterWindow() = default;
    virtual std::uint64_t read(std::uint64_t offset, int size) = 0;
    virtual void write(std::uint64_t offset, std::uint64_t value, int size) = 0;
};

class Bus;
class LineFault;

// One device's connection to an interrupt line.
class IrqOutput {
public:
    IrqOutput(Bus& bus, int gsi, std::string device) : bus_(bus), gsi_(gsi), device_(std::move(device)) {}
    // Level: drive the line (it stays asserted while any output on it is).
    void set(bool asserted);
    // Edge: one rising edge.
    void pulse();
    bool asserted() const { return asserted_; }
    int gsi() const { return gsi_; }
    const std::string& device() const { return device_; }

private:
    Bus& bus_;
    int gsi_;
    std::string device_;
    bool asserted_ = false;
};

// An MSI-capable device's message slots, written by the kernel when it sets the device up
// (the MSI capability's address/data registers).
struct MsiMessage {
    std::uint64_t address = 0;  // 0xfee00000 | (destination APIC id << 12)
    std::uint32_t data = 0;     // the vector
    bool enabled = false;
    bool pending = false;  // the Pending bit: signalled while the kernel had it masked
};

class Bus final : public kernel::IoBus {
public:
    Bus(kernel::Kernel& k, kernel::IoApic& ioapic);
    ~Bus() override;

    // --- register windows ---
    void map_ports(std::uint16_t base, std::uint16_t size, RegisterWindow* w, std::string owner);
    void map_mmio(std::uint64_t base, std::uint64_t size, RegisterWindow* w, std::string owner);
    void unmap(RegisterWindow* w);
    // A free MMIO window for a device that has no fixed address.
    std::uint64_t allocate_mmio(std::uint64_t size);

    std::uint64_t port_read(std::uint16_t port, int size) override;
    void port_write(std::uint16_t port, std::uint64_t value, int size) override;
    std::uint64_t mmio_read(std::uint64_t addr, int size) override;
    void mmio_write(std::uint64_t addr, std::uint64_t value, int size) override;

    // --- interrupt lines ---
    IrqOutput& connect_irq(int gsi, const std::string& device);
    bool line_asserted(int gsi) const;
    void output_changed(IrqOutput& out);
    void output_pulsed(IrqOutput& out);
    // A scenario's fault on an edge line sees each edge first (lost, jittered edges).
    void set_edge_filter(int gsi, LineFault* f);
    // An edge reaches the IO-APIC pin, unless another output holds the line high.
    void deliver_edge(IrqOutput& out);

    // --- MSI ---
    void msi_send(const MsiMessage& msg, const std::string& device);
    // The device signals an interrupt: the message goes out, or, while the kernel has it
    // masked (PCI's per-vector masking), its Pending bit is set instead.
    void msi_signal(MsiMessage& m, const std::string& device);
    // The kernel rewrote the message: a pending one goes out at the unmask.
    void msi_unmasked(MsiMessage& m, const std::string& device);

    // --- DMA ---
    std::uint64_t dma_map(void* cpu, std::size_t size) override;
    void dma_unmap(std::uint64_t bus_addr) override;
    // A device's access by bus address; false when nothing is mapped there (the access is
    // dropped and counted, as an IOMMU would fault it).
    bool dma_read(std::uint64_t bus_addr, void* out, std::size_t len);
    bool dma_write(std::uint64_t bus_addr, const void* in, std::size_t len);
    std::uint64_t dma_faults() const { return dma_faults_; }

    kernel::Kernel& kernel() { return k_; }
    sim::Engine& engine() { return engine_; }
    sim::Time now() const { return engine_.now(); }

private:
    struct Window {
        std::uint64_t base, size;
        RegisterWindow* w;
        std::string owner;
    };
    struct DmaRegion {
        std::uint64_t size;
        unsigned char* cpu;
    };
    // Sorted by base: a binary search over a few contiguous windows, no tree to chase.
    using Windows = std::vector<Window>;
    void map(Windows& v, Window w);
    // The window holding `addr`; `last` remembers the previous hit (drivers touch the same
    // window again and again), reset whenever the windows change.
    static const Window* find(const Windows& v, std::uint64_t addr, const Window*& last);
    unsigned char* dma_translate(std::uint64_t bus_addr, std::size_t len);
    // Traces the line change; returns the record that later steps name as their cause.
    std::uint64_t trace_line(const IrqOutput& out, int level);

    kernel::Kernel& k_;
    sim::Engine& engine_;
    kernel::IoApic& ioapic_;
    Windows ports_;
    Windows mmio_;
    const Window* last_port_ = nullptr;
    const Window* last_mmio_ = nullptr;
    std::uint64_t next_mmio_ = 0xfe000000;
    std::vector<std::unique_ptr<IrqOutput>> outputs_;
    std::map<int, LineFault*> edge_filters_;  // by GSI; empty unless a scenario injects faults
    std::vector<int> holders_;                 // by GSI: how many outputs hold the line (wired-OR)
    std::map<std::uint64_t, DmaRegion> dma_;
    std::uint64_t next_dma_ = 0x100000000ULL;
    std::uint64_t dma_faults_ = 0;
};

}  // namespace irqlab::dev
