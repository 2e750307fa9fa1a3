#include "kernel/arch/x86/irq.hpp"

#include <cstdio>

#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel::x86 {

namespace {

// The rows of a Debian amd64 6.12 kernel (CONFIG_X86_LOCAL_APIC, SMP, X86_THERMAL_VECTOR,
// X86_MCE_THRESHOLD, X86_MCE_AMD, X86_MCE, KVM; no platform IPI callback, no Hyper-V
// vectors in use). Counters irqlab does not model stay 0.
struct Row {
    const char* name;
    const char* text;
    std::uint64_t (*count)(const Cpu&);
    bool in_stat;  // summed by arch_irq_stat_cpu() (TLB, DFR and the KVM rows are not)
};

std::uint64_t zero(const Cpu&) { return 0; }
std::uint64_t loc(const Cpu& c) { return c.lapic.loc_count; }
std::uint64_t spu(const Cpu& c) { return c.lapic.spu_count; }
std::uint64_t res(const Cpu& c) { return c.lapic.res_count; }
std::uint64_t cal(const Cpu& c) { return c.lapic.cal_count; }

constexpr Row kBefore[] = {
    {"NMI", "  Non-maskable interrupts\n", zero, true},
    {"LOC", "  Local timer interrupts\n", loc, true},
    {"SPU", "  Spurious interrupts\n", spu, true},
    {"PMI", "  Performance monitoring interrupts\n", zero, true},
    {"IWI", "  IRQ work interrupts\n", zero, true},
    {"RTR", "  APIC ICR read retries\n", zero, true},
    {"RES", "  Rescheduling interrupts\n", res, true},
    {"CAL", "  Function call interrupts\n", cal, true},
    {"TLB", "  TLB shootdowns\n", zero, false},
    {"TRM", "  Thermal event interrupts\n", zero, true},
    {"THR", "  Threshold APIC interrupts\n", zero, true},
    {"DFR", "  Deferred Error APIC interrupts\n", zero, false},
    {"MCE", "  Machine check exceptions\n", zero, true},
    {"MCP", "  Machine check polls\n", zero, true},
};
constexpr Row kAfter[] = {
    {"PIN", "  Posted-interrupt notification event\n", zero, false},
    {"NPI", "  Nested posted-interrupt event\n", zero, false},
    {"PIW", "  Posted-interrupt wakeup event\n", zero, false},
};

void rows(Kernel& k, int prec, const Row* begin, const Row* end, std::string& out) {
    char buf[64];
    for (const Row* r = begin; r != end; ++r) {
        std::snprintf(buf, sizeof buf, "%*s: ", prec, r->name);
        out += buf;
        for (int c = 0; c < k.nr_cpus(); ++c) {
            std::snprintf(buf, sizeof buf, "%10u ", static_cast<unsigned>(r->count(k.cpu(c))));
            out += buf;
        }
        out += r->text;
    }
}

}  // namespace

std::string arch_show_interrupts(Kernel& k, int prec) {
    std::string out;
    rows(k, prec, std::begin(kBefore), std::end(kBefore), out);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%*s: %10u\n", prec, "ERR", static_cast<unsigned>(k.irqs().irq_err_count));
    out += buf;
    std::snprintf(buf, sizeof buf, "%*s: %10u\n", prec, "MIS", static_cast<unsigned>(k.irqs().irq_mis_count));
    out += buf;
    rows(k, prec, std::begin(kAfter), std::end(kAfter), out);
    return out;
}

std::uint64_t arch_irq_stat_cpu(Cpu& cpu) {
    std::uint64_t sum = 0;
    for (const Row& r : kBefore)
        if (r.in_stat) sum += r.count(cpu);
    return sum;
}

std::uint64_t arch_irq_stat(Kernel& k) { return k.irqs().irq_err_count; }

}  // namespace irqlab::kernel::x86
