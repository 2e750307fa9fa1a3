#include "kernel/cost_model.hpp"

namespace irqlab::kernel {

// Sources: research/linux-semantics.md section 14 (measured on a 2-vCPU Firecracker guest
// with ftrace on, and literature values); bare-metal figures are a few times lower, and the
// defaults sit between the two.
const std::array<CostEntry, static_cast<int>(Cost::count_)>& cost_table() {
    static const std::array<CostEntry, static_cast<int>(Cost::count_)> table{{
        {"irq_entry", 400, "§14.2: hardirq entry+exit 0.5-1.5 us; entry half"},
        {"irq_exit", 300, "§14.2: hardirq entry+exit 0.5-1.5 us; exit half"},
        {"port_read", 1000, "ISA port I/O is ~1 us per access (8-bit bus timing)"},
        {"port_write", 1000, "ISA port I/O is ~1 us per access"},
        {"mmio_read", 500, "a non-posted PCIe read round trip, 0.3-1 us"},
        {"mmio_write", 50, "a posted write leaves the CPU at once"},
        {"context_switch", 1500, "§14.2: 1-3 us direct cost (Bendersky 2018, pinned ~1.2-1.5 us)"},
        {"ipi_latency", 1000, "IPI send to IRR of the target, ~1 us on x86"},
        {"apic_delivery", 100, "IO-APIC message to a local APIC, ~0.1 us"},
        {"spinlock_handover", 50, "a contended cache line moving between cores, ~50 ns"},
        {"wakeup", 300, "try_to_wake_up bookkeeping, a few hundred ns"},
        {"tick", 1000, "update_process_times + scheduler_tick, ~1 us"},
        {"syscall", 100, "§14.1: 50-100 ns on bare metal (the VM measured ~1 us with PTI)"},
        {"softirq_entry", 200, "§14.2: softirq dispatch overhead per pass < 1 us"},
        {"api_call", 20, "a short kernel function with a lock or an atomic, tens of ns"},
        {"kmalloc", 100, "a slab fast-path allocation, ~100 ns"},
        {"kthread_create", 30000, "kthread_create_on_node: kthreadd forks, the thread first runs; tens of us"},
        {"net_stack", 1500, "IP + UDP receive to the socket queue, ~1-2 us per packet (Mogul & Ramakrishnan's IP input)"},
    }};
    return table;
}

CostModel::CostModel() {
    for (std::size_t i = 0; i < ns_.size(); ++i) ns_[i] = cost_table()[i].default_ns;
}

std::optional<Cost> CostModel::find(std::string_view name) {
    for (std::size_t i = 0; i < cost_table().size(); ++i)
        if (cost_table()[i].name == name) return static_cast<Cost>(i);
    return std::nullopt;
}

bool CostModel::set(std::string_view name, sim::Time ns) {
    auto c = find(name);
    if (!c) return false;
    ns_[static_cast<int>(*c)] = ns;
    return true;
}

}  // namespace irqlab::kernel
