// The cost model: what each modelled operation costs in simulated time.
//
// One versioned table. Every entry has a unit (ns) and the source of its default; lessons
// and golden traces pin the version, so a retune is a visible change. A scenario may
// override any entry by name (machine.costs).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace irqlab::kernel {

enum class Cost : int {
    irq_entry,        // vector entry to the flow handler: IDT, irq stack switch, irq_enter
    irq_exit,         // irq_exit to iret, softirq check included
    port_read,        // one inb/inw/inl
    port_write,       // one outb/outw/outl
    mmio_read,        // one readl (a non-posted read crosses the bus)
    mmio_write,       // one writel (posted)
    context_switch,   // __schedule: pick, switch_to, finish_task_switch
    ipi_latency,      // ICR write to the target's IRR
    apic_delivery,    // IO-APIC message to the local APIC's IRR
    spinlock_handover,// a released lock reaching the next spinner (cache-line transfer)
    wakeup,           // try_to_wake_up: enqueue and preemption check
    tick,             // the local timer interrupt's handler work (update_process_times)
    syscall,          // user to kernel and back
    softirq_entry,    // one pass of __do_softirq's bookkeeping
    api_call,         // a small kernel API call (tasklet_schedule, raise_softirq, queue_work)
    kmalloc,          // one slab allocation
    kthread_create,   // kthreadd forking a kernel thread (a new kworker)
    net_stack,        // one received packet through the protocol stack to its socket
    count_
};

struct CostEntry {
    std::string_view name;
    sim::Time default_ns;
    std::string_view source;
};

// The defaults, version kCostModelVersion.
inline constexpr int kCostModelVersion = 1;
const std::array<CostEntry, static_cast<int>(Cost::count_)>& cost_table();

class CostModel {
public:
    CostModel();
    sim::Time operator[](Cost c) const { return ns_[static_cast<int>(c)]; }
    // Returns false for an unknown name.
    bool set(std::string_view name, sim::Time ns);
    static std::optional<Cost> find(std::string_view name);
    int version() const { return kCostModelVersion; }

private:
    std::array<sim::Time, static_cast<int>(Cost::count_)> ns_;
};

}  // namespace irqlab::kernel
