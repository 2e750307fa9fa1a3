// /proc/interrupts and /proc/irq/N/ (kernel/irq/proc.c, 6.12 formats).
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/jiffies.h>

#include <cstdio>

#include "kernel/arch/x86/irq.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel {

namespace {

// "%*pb": hex, in comma-separated 32-bit chunks, the first one as wide as it needs to be
// for nr_cpu_ids bits (lib/vsprintf.c bitmap_string()).
std::string mask_hex(const struct cpumask& m, int nbits) {
    std::string out;
    int chunksz = nbits & 31;
    if (chunksz == 0) chunksz = 32;
    for (int i = ((nbits + 31) & ~31) - 32; i >= 0; i -= 32) {
        std::uint64_t val = 0;
        for (int b = 0; b < chunksz; ++b)
            if (cpumask_test_cpu(i + b, &m)) val |= std::uint64_t{1} << b;
        if (!out.empty()) out += ',';
        char buf[16];
        std::snprintf(buf, sizeof buf, "%0*llx", (chunksz + 3) / 4, static_cast<unsigned long long>(val));
        out += buf;
        chunksz = 32;
    }
    return out;
}

// "%*pbl": ranges, "0-1,3" (bitmap_list_string()).
std::string mask_list(const struct cpumask& m, int nbits) {
    std::string out;
    for (int i = 0; i < nbits; ++i) {
        if (!cpumask_test_cpu(i, &m)) continue;
        int j = i;
        while (j + 1 < nbits && cpumask_test_cpu(j + 1, &m)) ++j;
        if (!out.empty()) out += ',';
        out += std::to_string(i);
        if (j > i) out += "-" + std::to_string(j);
        i = j;
    }
    return out;
}

struct cpumask effective_mask(const IrqDesc& desc) {
    struct cpumask m;
    cpumask_clear(&m);
    if (desc.effective_cpu >= 0) cpumask_set_cpu(static_cast<unsigned>(desc.effective_cpu), &m);
    return m;
}

// cpumask_parse_user() / cpumask_parselist_user(), enough for what a user writes: hex
// chunks separated by commas, or a list of numbers and ranges; a trailing newline is fine.
int parse_mask(std::string_view s, bool list, int nbits, struct cpumask& out) {
    cpumask_clear(&out);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    if (list) {
        std::size_t pos = 0;
        while (pos < s.size()) {
            std::size_t end = s.find(',', pos);
            if (end == std::string_view::npos) end = s.size();
            std::string_view item = s.substr(pos, end - pos);
            std::size_t dash = item.find('-');
            auto num = [](std::string_view t, long& v) {
                if (t.empty() || t.size() > 9) return false;
                v = 0;
                for (char c : t) {
                    if (c < '0' || c > '9') return false;
                    v = v * 10 + (c - '0');
                }
                return true;
            };
            long a = 0, b = 0;
            if (!num(item.substr(0, dash), a)) return -EINVAL;
            b = a;
            if (dash != std::string_view::npos && !num(item.substr(dash + 1), b)) return -EINVAL;
            if (b < a) return -EINVAL;
            if (b >= nbits) return -ERANGE;
            for (long c = a; c <= b; ++c) cpumask_set_cpu(static_cast<unsigned>(c), &out);
            pos = end + 1;
        }
        return 0;
    }
    // Hex: the rightmost digit is CPUs 0-3; commas only separate 32-bit chunks.
    int bit = 0;
    if (s.empty()) return -EINVAL;
    for (std::size_t i = s.size(); i-- > 0;) {
        char c = s[i];
        if (c == ',') continue;
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else return -EINVAL;
        for (int b = 0; b < 4; ++b, ++bit)
            if ((v >> b) & 1) {
                if (bit >= nbits) return -EOVERFLOW;
                cpumask_set_cpu(static_cast<unsigned>(bit), &out);
            }
    }
    return 0;
}

}  // namespace

// show_interrupts() for every line, then arch_show_interrupts().
std::string show_interrupts(Kernel& k) {
    Irqs& irqs = k.irqs();
    int prec = 3;
    for (unsigned j = 1000; prec < 10 && j <= irqs.nr_irqs(); ++prec) j *= 10;
    std::string out;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%*s", prec + 8, "");
    out += buf;
    for (int c = 0; c < k.nr_cpus(); ++c) {
        std::snprintf(buf, sizeof buf, "CPU%-8d", c);
        out += buf;
    }
    out += '\n';
    for (const auto& [irq, d] : irqs.all()) {
        const IrqDesc& desc = *d;
        if (!desc.action) continue;
        std::snprintf(buf, sizeof buf, "%*d: ", prec, static_cast<int>(irq));
        out += buf;
        for (int c = 0; c < k.nr_cpus(); ++c) {
            std::snprintf(buf, sizeof buf, "%10u ", static_cast<unsigned>(desc.kstat[static_cast<std::size_t>(c)]));
            out += buf;
        }
        out += ' ';
        std::snprintf(buf, sizeof buf, "%8s", desc.chip_name.c_str());
        out += buf;
        std::snprintf(buf, sizeof buf, " %*lu", prec, desc.hwirq);
        out += buf;
        if (desc.name) {
            std::snprintf(buf, sizeof buf, "-%-8s", desc.name);
            out += buf;
        }
        const char* sep = "  ";
        for (const IrqAction* a = desc.action; a; a = a->next) {
            out += sep;
            out += a->name;
            sep = ", ";
        }
        out += '\n';
    }
    out += x86::arch_show_interrupts(k, prec);
    return out;
}

const std::vector<std::string>& irq_proc_files() {
    static const std::vector<std::string> files = {"affinity_hint",           "effective_affinity",
                                                   "effective_affinity_list", "node",
                                                   "smp_affinity",            "smp_affinity_list",
                                                   "spurious"};
    return files;
}

std::optional<std::string> irq_proc_read(Kernel& k, unsigned irq, std::string_view file) {
    IrqDesc* desc = k.irqs().desc(irq);
    if (!desc) return std::nullopt;
    int n = k.nr_cpus();
    const struct cpumask& affinity = (desc->state & IRQD_SETAFFINITY_PENDING) ? desc->pending_mask : desc->affinity;
    if (file == "smp_affinity") return mask_hex(affinity, n) + "\n";
    if (file == "smp_affinity_list") return mask_list(affinity, n) + "\n";
    if (file == "effective_affinity") return mask_hex(effective_mask(*desc), n) + "\n";
    if (file == "effective_affinity_list") return mask_list(effective_mask(*desc), n) + "\n";
    if (file == "affinity_hint") {
        struct cpumask none;
        cpumask_clear(&none);
        return mask_hex(none, n) + "\n";
    }
    if (file == "node") return std::string("0\n");
    if (file == "spurious") {
        char buf[128];
        std::snprintf(buf, sizeof buf, "count %u\nunhandled %u\nlast_unhandled %u ms\n", desc->irq_count,
                      desc->irqs_unhandled, jiffies_to_msecs(desc->last_unhandled));
        return std::string(buf);
    }
    return std::nullopt;
}

std::string default_smp_affinity(Kernel& k) {
    struct cpumask all;
    cpumask_clear(&all);
    for (int c = 0; c < k.nr_cpus(); ++c) cpumask_set_cpu(static_cast<unsigned>(c), &all);
    return mask_hex(all, k.nr_cpus()) + "\n";
}

// write_irq_affinity(): a mask with no online CPU asks for the default affinity.
long irq_proc_write(Kernel& k, unsigned irq, std::string_view file, std::string_view data) {
    IrqDesc* desc = k.irqs().desc(irq);
    if (!desc) return -ENOENT;
    bool list = file == "smp_affinity_list";
    if (!list && file != "smp_affinity") return -EACCES;  // the other files are 0444
    struct cpumask mask;
    if (int err = parse_mask(data, list, k.nr_cpus(), mask)) return err;
    bool any = false;
    for (int c = 0; c < k.nr_cpus(); ++c) any = any || cpumask_test_cpu(c, &mask);
    if (!any)
        for (int c = 0; c < k.nr_cpus(); ++c) cpumask_set_cpu(static_cast<unsigned>(c), &mask);
    if (int err = k.irqs().set_affinity(*desc, mask)) return err;
    return static_cast<long>(data.size());
}

}  // namespace irqlab::kernel
