// /proc/stat (fs/proc/stat.c show_stat(), 6.12): CPU time in USER_HZ ticks, the interrupt
// totals, context switches, tasks and softirqs.
#include <linux/interrupt.h>

#include <cstdio>

#include "kernel/arch/x86/irq.hpp"
#include "kernel/fs/proc/proc.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel::procfs {

namespace {

constexpr std::uint64_t kUserHz = 100;

std::uint64_t nsec_to_clock_t(sim::Time ns) { return static_cast<std::uint64_t>(ns) / (1'000'000'000 / kUserHz); }

// The ten columns irqlab has: user nice system idle iowait irq softirq steal guest
// guest_nice (nice, iowait, steal and the guest ones are never accounted here).
void cpu_columns(std::string& out, const std::array<sim::Time, static_cast<int>(CpuTime::count_)>& t) {
    auto at = [&t](CpuTime c) { return t[static_cast<int>(c)]; };
    const sim::Time cols[] = {at(CpuTime::User), 0, at(CpuTime::System), at(CpuTime::Idle), 0,
                              at(CpuTime::Irq),  at(CpuTime::Softirq), 0, 0, 0};
    for (sim::Time v : cols) out += " " + std::to_string(nsec_to_clock_t(v));
    out += '\n';
}

}  // namespace

std::string show_stat(Kernel& k) {
    std::array<sim::Time, static_cast<int>(CpuTime::count_)> total{};
    std::uint64_t sum = 0, ctxt = 0, sum_softirq = 0;
    std::array<std::uint64_t, NR_SOFTIRQS> per_softirq{};
    unsigned running = 0;
    for (int c = 0; c < k.nr_cpus(); ++c) {
        Cpu& cpu = k.cpu(c);
        cpu.flush_accounting();
        for (std::size_t i = 0; i < total.size(); ++i) total[i] += cpu.time[i];
        for (const auto& [irq, desc] : k.irqs().all()) sum += desc->kstat[static_cast<std::size_t>(c)];
        sum += x86::arch_irq_stat_cpu(cpu);
        for (std::size_t v = 0; v < per_softirq.size(); ++v) {
            per_softirq[v] += cpu.softirq_count[v];
            sum_softirq += cpu.softirq_count[v];
        }
        ctxt += cpu.nr_switches;
        running += static_cast<unsigned>(cpu.rq.nr_running()) + (cpu.curr != cpu.idle ? 1 : 0);
    }
    sum += x86::arch_irq_stat(k);

    std::string out = "cpu ";
    cpu_columns(out, total);
    for (int c = 0; c < k.nr_cpus(); ++c) {
        out += "cpu" + std::to_string(c);
        cpu_columns(out, k.cpu(c).time);
    }
    // intr: the total, then one count per IRQ number up to nr_irqs (show_all_irqs()).
    out += "intr " + std::to_string(sum);
    unsigned next = 0;
    for (const auto& [irq, desc] : k.irqs().all()) {
        for (; next < irq; ++next) out += " 0";
        std::uint64_t n = 0;
        for (std::uint64_t v : desc->kstat) n += v;
        out += " " + std::to_string(n);
        next = irq + 1;
    }
    for (; next < k.irqs().nr_irqs(); ++next) out += " 0";
    char buf[256];
    std::snprintf(buf, sizeof buf, "\nctxt %llu\nbtime %llu\nprocesses %lu\nprocs_running %u\nprocs_blocked %u\n",
                  static_cast<unsigned long long>(ctxt), static_cast<unsigned long long>(k.config.boot_epoch),
                  static_cast<unsigned long>(k.tasks().size()), running, 0u);
    out += buf;
    out += "softirq " + std::to_string(sum_softirq);
    for (std::uint64_t v : per_softirq) out += " " + std::to_string(v);
    out += '\n';
    return out;
}

}  // namespace irqlab::kernel::procfs
