#include "devices/bus/bus.hpp"

#include <algorithm>
#include <cstring>

#include "devices/bus/line_fault.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::dev {

Bus::Bus(kernel::Kernel& k, kernel::IoApic& ioapic) : k_(k), engine_(k.engine), ioapic_(ioapic) {}
Bus::~Bus() = default;

// --- register windows ----------------------------------------------------------------

void Bus::map(Windows& v, Window w) {
    auto it = std::lower_bound(v.begin(), v.end(), w.base, [](const Window& a, std::uint64_t b) { return a.base < b; });
    if (it != v.end() && it->base == w.base)
        *it = std::move(w);
    else
        v.insert(it, std::move(w));
    last_port_ = last_mmio_ = nullptr;
}

void Bus::map_ports(std::uint16_t base, std::uint16_t size, RegisterWindow* w, std::string owner) {
    map(ports_, Window{base, size, w, std::move(owner)});
}

void Bus::map_mmio(std::uint64_t base, std::uint64_t size, RegisterWindow* w, std::string owner) {
    map(mmio_, Window{base, size, w, std::move(owner)});
}

void Bus::unmap(RegisterWindow* w) {
    for (auto* v : {&ports_, &mmio_}) std::erase_if(*v, [w](const Window& x) { return x.w == w; });
    last_port_ = last_mmio_ = nullptr;
}

std::uint64_t Bus::allocate_mmio(std::uint64_t size) {
    std::uint64_t base = next_mmio_;
    next_mmio_ += (size + 0xfff) & ~std::uint64_t{0xfff};
    return base;
}

const Bus::Window* Bus::find(const Windows& v, std::uint64_t addr, const Window*& last) {
    if (last && addr - last->base < last->size) return last;
    auto it = std::upper_bound(v.begin(), v.end(), addr, [](std::uint64_t a, const Window& b) { return a < b.base; });
    if (it == v.begin()) return nullptr;
    --it;
    if (addr >= it->base + it->size) return nullptr;
    return last = &*it;
}

// An access nothing answers reads all ones (a floating bus) and writes go nowhere.
std::uint64_t Bus::port_read(std::uint16_t port, int size) {
    const Window* w = find(ports_, port, last_port_);
    if (!w) return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffULL;
    return w->w->read(port - w->base, size);
}

void Bus::port_write(std::uint16_t port, std::uint64_t value, int size) {
    if (const Window* w = find(ports_, port, last_port_)) w->w->write(port - w->base, value, size);
}

std::uint64_t Bus::mmio_read(std::uint64_t addr, int size) {
    const Window* w = find(mmio_, addr, last_mmio_);
    if (!w) return size == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * size)) - 1;
    return w->w->read(addr - w->base, size);
}

void Bus::mmio_write(std::uint64_t addr, std::uint64_t value, int size) {
    if (const Window* w = find(mmio_, addr, last_mmio_)) w->w->write(addr - w->base, value, size);
}

// --- interrupt lines -----------------------------------------------------------------

IrqOutput& Bus::connect_irq(int gsi, const std::string& device) {
    outputs_.push_back(std::make_unique<IrqOutput>(*this, gsi, device));
    return *outputs_.back();
}

bool Bus::line_asserted(int gsi) const {
    return gsi >= 0 && static_cast<std::size_t>(gsi) < holders_.size() && holders_[static_cast<std::size_t>(gsi)] > 0;
}

void IrqOutput::set(bool asserted) {
    if (asserted == asserted_) return;
    asserted_ = asserted;
    bus_.output_changed(*this);
}

void IrqOutput::pulse() { bus_.output_pulsed(*this); }

std::uint64_t Bus::trace_line(const IrqOutput& out, int level) {
    if (!k_.tracing()) return k_.current_cause();
    sim::TraceRecord r;
    r.str[0] = k_.symbols().intern(out.device());
    r.str[1] = k_.symbols().intern("gsi" + std::to_string(out.gsi()));
    r.arg[0] = level;
    r.arg[1] = out.gsi();
    return k_.emit(kernel::trace::Ev::irqlab_line, r);
}

void Bus::output_changed(IrqOutput& out) {
    // Wired-OR: the line follows the OR of its outputs, counted as they change.
    auto gsi = static_cast<std::size_t>(out.gsi());
    if (gsi >= holders_.size()) holders_.resize(gsi + 1, 0);
    holders_[gsi] += out.asserted() ? 1 : -1;
    bool level = holders_[gsi] > 0;
    std::uint64_t cause = trace_line(out, out.asserted() ? 1 : 0);
    ioapic_.set_input(out.gsi(), level, cause);
}

void Bus::output_pulsed(IrqOutput& out) {
    if (!edge_filters_.empty())
        if (auto it = edge_filters_.find(out.gsi()); it != edge_filters_.end() && !it->second->admit_edge(out)) return;
    deliver_edge(out);
}

void Bus::deliver_edge(IrqOutput& out) {
    std::uint64_t cause = trace_line(out, 2);
    // A line already held high has no rising edge to give.
    if (!line_asserted(out.gsi())) ioapic_.pulse_input(out.gsi(), cause);
}

void Bus::set_edge_filter(int gsi, LineFault* f) {
    if (f)
        edge_filters_[gsi] = f;
    else
        edge_filters_.erase(gsi);
}

// --- MSI -----------------------------------------------------------------------------

void Bus::msi_send(const MsiMessage& msg, const std::string& device) {
    if (!msg.enabled) return;
    int dest = static_cast<int>((msg.address >> 12) & 0xff);
    int vector = static_cast<int>(msg.data & 0xff);
    std::uint64_t cause = k_.current_cause();
    if (k_.tracing()) {
        sim::TraceRecord r;
        r.str[0] = k_.symbols().intern(device);
        r.str[1] = k_.symbols().intern("msi");
        r.arg[0] = 2;
        r.arg[1] = -1;
        cause = k_.emit(kernel::trace::Ev::irqlab_line, r);
    }
    if (dest < k_.nr_cpus())
        k_.cpu(dest).apic_message(vector, false, k_.now() + k_.config.costs[kernel::Cost::apic_delivery], cause);
}

void Bus::msi_signal(MsiMessage& m, const std::string& device) {
    if (!m.enabled) {
        m.pending = true;
        return;
    }
    msi_send(m, device);
}

void Bus::msi_unmasked(MsiMessage& m, const std::string& device) {
    if (m.enabled && m.pending) {
        m.pending = false;
        msi_send(m, device);
    }
}

// --- DMA -----------------------------------------------------------------------------

std::uint64_t Bus::dma_map(void* cpu, std::size_t size) {
    std::uint64_t addr = next_dma_;
    next_dma_ += (size + 0xfff) & ~std::uint64_t{0xfff};
    if (size == 0) next_dma_ += 0x1000;
    dma_[addr] = DmaRegion{size, static_cast<unsigned char*>(cpu)};
    return addr;
}

void Bus::dma_unmap(std::uint64_t bus_addr) { dma_.erase(bus_addr); }

unsigned char* Bus::dma_translate(std::uint64_t bus_addr, std::size_t len) {
    auto it = dma_.upper_bound(bus_addr);
    if (it == dma_.begin()) return nullptr;
    --it;
    if (bus_addr + len > it->first + it->second.size) return nullptr;
    return it->second.cpu + (bus_addr - it->first);
}

bool Bus::dma_read(std::uint64_t bus_addr, void* out, std::size_t len) {
    unsigned char* p = dma_translate(bus_addr, len);
    if (!p) {
        ++dma_faults_;
        return false;
    }
    std::memcpy(out, p, len);
    return true;
}

bool Bus::dma_write(std::uint64_t bus_addr, const void* in, std::size_t len) {
    unsigned char* p = dma_translate(bus_addr, len);
    if (!p) {
        ++dma_faults_;
        return false;
    }
    std::memcpy(p, in, len);
    return true;
}

}  // namespace irqlab::dev
