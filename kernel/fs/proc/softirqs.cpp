// /proc/softirqs (fs/proc/softirqs.c): each vector's count per CPU.
#include <linux/interrupt.h>

#include <cstdio>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel::procfs {

std::string show_softirqs(Kernel& k) {
    std::string out = "                    ";
    char buf[32];
    for (int c = 0; c < k.nr_cpus(); ++c) {
        std::snprintf(buf, sizeof buf, "CPU%-8d", c);
        out += buf;
    }
    out += '\n';
    for (unsigned nr = 0; nr < NR_SOFTIRQS; ++nr) {
        std::snprintf(buf, sizeof buf, "%12s:", softirq_to_name[nr]);
        out += buf;
        for (int c = 0; c < k.nr_cpus(); ++c) {
            std::snprintf(buf, sizeof buf, " %10u", static_cast<unsigned>(k.cpu(c).softirq_count[nr]));
            out += buf;
        }
        out += '\n';
    }
    return out;
}

}  // namespace irqlab::kernel::procfs
