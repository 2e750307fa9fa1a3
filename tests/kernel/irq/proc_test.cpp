// /proc/interrupts, /proc/irq/N/ and /proc/stat's intr line (kernel/irq/proc.c,
// arch/x86/kernel/irq.c, fs/proc/stat.c), against the real layouts of research §13.
#include <catch2/catch.hpp>

#include <linux/cpumask.h>
#include <linux/delay.h>

#include <sstream>

#include "irq_test.hpp"
#include "kernel/fs/proc/proc.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;
using test::other_handler;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string row_named(const std::vector<std::string>& lines, const std::string& prefix) {
    for (const std::string& l : lines)
        if (l.rfind(prefix, 0) == 0) return l;
    return "";
}

// A row's per-CPU fields: "%10u " each after the "%*d: " / "%*s: " label of width 3.
bool counts_right_aligned(const std::string& row, int cpus) {
    for (int c = 0; c < cpus; ++c) {
        std::string f = row.substr(5 + static_cast<std::size_t>(c) * 11, 11);
        if (f.back() != ' ' || f[9] < '0' || f[9] > '9') return false;
        std::size_t first = f.find_first_not_of(' ');
        if (f.find_first_not_of("0123456789", first) != 10) return false;
    }
    return true;
}

}  // namespace

// kernel/irq/proc.c show_interrupts() (6.12: "%*d: ", "%10u " per online CPU, " %8s" chip,
// " %*lu" hwirq, "-%-8s" flow, "  %s" / ", %s" actions) and arch/x86/kernel/irq.c
// arch_show_interrupts(). The expected rows are research §13.1's live sample with the
// one space more before the chip name that 6.12 prints (6.13 dropped it).
TEST_CASE("/proc/interrupts has Linux 6.12's column layout") {
    test::Machine m(test::config(2));
    test::Dev ser(m, 4), a(m, 16), b(m, 16);
    m.kthread("driver", [&] {
        // Affinity set before the request: the vector is allocated on CPU1 at startup.
        struct cpumask cpu1;
        cpumask_clear(&cpu1);
        cpumask_set_cpu(1, &cpu1);
        irq_set_affinity(4, &cpu1);
        request_irq(4, dev_handler, 0, "ttyS0", &ser);
        request_irq(16, dev_handler, IRQF_SHARED, "vmwgfx", &a);
        request_irq(16, other_handler, IRQF_SHARED, "snd_ens1371", &b);
        return 0;
    });
    for (int i = 0; i < 8; ++i) ser.pulse_at(1_ms + i * 100_us);
    a.assert_at(3_ms);
    m.run_until(10_ms);
    std::vector<std::string> l = lines_of(kernel::show_interrupts(m.k));
    REQUIRE(l.size() > 3);
    // Header: "%*s" of width prec + 8, then "CPU%-8d" per CPU (trailing spaces kept).
    CHECK(l[0] == "           CPU0       CPU1       ");
    // Sample: " 26:          0          8  IO-APIC   4-edge      ttyS0" (6.18).
    CHECK(row_named(l, "  4:") == "  4:          0          8   IO-APIC   4-edge      ttyS0");
    // Sample (§13.2): " 16: ... IO-APIC  16-fasteoi  vmwgfx, snd_ens1371" on 6.18.
    CHECK(row_named(l, " 16:") == " 16:          1          0   IO-APIC  16-fasteoi   vmwgfx, snd_ens1371");
    CHECK(row_named(l, "  1:").empty());  // lines without an action are not shown
    // The x86 rows: "%*s: " + "%10u " per CPU + the text; ERR and MIS one total each.
    CHECK(row_named(l, "NMI:") == "NMI:          0          0   Non-maskable interrupts");
    CHECK(row_named(l, "SPU:") == "SPU:          0          0   Spurious interrupts");
    std::string loc = row_named(l, "LOC:");
    CHECK(counts_right_aligned(loc, 2));
    CHECK(loc.substr(27) == "  Local timer interrupts");
    CHECK(row_named(l, "ERR:") == "ERR:          0");
    CHECK(row_named(l, "MIS:") == "MIS:          0");
    std::vector<std::string> names;
    for (std::size_t i = 1; i < l.size(); ++i)
        if (l[i][3] == ':' && l[i][0] != ' ') names.push_back(l[i].substr(0, 3));
    // Research §13.1's order (a Debian kernel adds THR, DFR, MCE and MCP, which the
    // sample's kernel lacks).
    CHECK(names == std::vector<std::string>{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM",
                                            "THR", "DFR", "MCE", "MCP", "ERR", "MIS", "PIN", "NPI", "PIW"});
}

// arch/x86/kernel/apic/apic.c handle_spurious_interrupt(): the spurious vector counts in
// SPU; it is not acknowledged (it never set an ISR bit), so later interrupts still come.
TEST_CASE("the spurious APIC vector is counted in the SPU row and blocks nothing") {
    test::Machine m;
    test::Dev dev(m, 1);
    m.kthread("driver", [&] { return request_irq(1, dev_handler, 0, "kbd", &dev); });
    m.at(1_ms, [&] { m.k.cpu(0).lapic.accept_message(0xff, false, 0); });
    dev.pulse_at(2_ms);
    m.run_until(5_ms);
    std::vector<std::string> l = lines_of(kernel::show_interrupts(m.k));
    CHECK(row_named(l, "SPU:") == "SPU:          1   Spurious interrupts");
    CHECK(dev.calls == 1);
    CHECK(m.k.cpu(0).lapic.highest_isr() == -1);
    CHECK(test::contains(m.dmesg(), "] Spurious APIC interrupt (vector 0xFF) on CPU#0, should never happen.\n"));
}

// arch/x86/kernel/apic/io_apic.c ioapic_ack_level(): a level IRQ's vector that arrived as
// an edge (TMR clear) counts in MIS and its pin is EOId by hand (eoi_ioapic_pin()).
TEST_CASE("a level interrupt that arrives as an edge counts in the MIS row") {
    test::Machine m;
    test::Dev dev(m, 16);
    m.kthread("driver", [&] { return request_irq(16, dev_handler, 0, "nic", &dev); });
    m.at(1_ms, [&] {
        int vector = test::desc_of(m, 16).vector;
        m.k.cpu(0).lapic.accept_message(vector, false, 0);  // as a retrigger IPI would
    });
    m.run_until(5_ms);
    CHECK(dev.calls == 1);
    std::vector<std::string> l = lines_of(kernel::show_interrupts(m.k));
    CHECK(row_named(l, "MIS:") == "MIS:          1");
    CHECK(row_named(l, "ERR:") == "ERR:          0");
}

// kernel/irq/proc.c irq_affinity_proc_show()/write_irq_affinity(): "%*pb" and "%*pbl"
// of the affinity (the pending mask while a move waits); a mask with no online CPU asks
// for the default affinity; garbage is -EINVAL.
TEST_CASE("/proc/irq/N/smp_affinity and smp_affinity_list read and write") {
    test::Machine m(test::config(2));
    test::Dev dev(m, 16);
    std::vector<std::string> seen;
    std::vector<long> wrote;
    m.kthread("driver", [&] {
        request_irq(16, dev_handler, 0, "nic", &dev);
        auto rd = [&](const char* f) { seen.push_back(kernel::procfs::read(m.k, f).value_or("<none>")); };
        rd("/proc/irq/16/smp_affinity");
        rd("/proc/irq/16/smp_affinity_list");
        rd("/proc/irq/16/effective_affinity_list");
        wrote.push_back(kernel::procfs::write(m.k, "/proc/irq/16/smp_affinity", "2\n"));
        rd("/proc/irq/16/smp_affinity");
        rd("/proc/irq/16/smp_affinity_list");
        wrote.push_back(kernel::procfs::write(m.k, "/proc/irq/16/smp_affinity_list", "0-1\n"));
        rd("/proc/irq/16/smp_affinity");
        wrote.push_back(kernel::procfs::write(m.k, "/proc/irq/16/smp_affinity", "zz\n"));
        wrote.push_back(kernel::procfs::write(m.k, "/proc/irq/16/smp_affinity_list", "0\n"));
        rd("/proc/irq/16/smp_affinity_list");
        return 0;
    });
    m.run_until(5_ms);
    CHECK(seen == std::vector<std::string>{"3\n", "0-1\n", "0\n", "2\n", "1\n", "3\n", "0\n"});
    CHECK(wrote == std::vector<long>{2, 4, -EINVAL, 2});
    CHECK(kernel::procfs::read(m.k, "/proc/irq/default_smp_affinity") == std::string("3\n"));
}

// fs/proc/stat.c show_stat(): "intr" is the sum of every IRQ's and every arch counter
// (arch_irq_stat_cpu(), arch_irq_stat()), then one count per IRQ number up to nr_irqs.
TEST_CASE("/proc/stat intr: the total, then each IRQ's count in IRQ-number order") {
    test::Machine m(test::config(2));
    test::Dev kbd(m, 1), nic(m, 16);
    m.kthread("driver", [&] {
        request_irq(1, dev_handler, 0, "kbd", &kbd);
        request_irq(16, dev_handler, 0, "nic", &nic);
        udelay(20000);  // busy: the tick runs (LOC)
        return 0;
    });
    for (int i = 0; i < 3; ++i) kbd.pulse_at(1_ms + i * 100_us);
    for (int i = 0; i < 5; ++i) nic.assert_at(2_ms + i * 100_us);
    m.run_until(30_ms);
    std::string stat = kernel::procfs::show_stat(m.k);
    std::size_t at = stat.find("\nintr ");
    REQUIRE(at != std::string::npos);
    std::istringstream in(stat.substr(at + 6, stat.find('\n', at + 1) - at - 6));
    std::vector<std::uint64_t> v;
    for (std::uint64_t x; in >> x;) v.push_back(x);
    REQUIRE(v.size() == 1 + m.k.irqs().nr_irqs());
    CHECK(v[1 + 1] == 3);
    CHECK(v[1 + 16] == 5);
    CHECK(v[1 + 0] == 0);
    std::uint64_t arch = 0;
    for (int c = 0; c < 2; ++c) {
        const kernel::Lapic& l = m.k.cpu(c).lapic;
        arch += l.loc_count + l.res_count + l.cal_count + l.spu_count;
    }
    CHECK(arch > 0);
    CHECK(v[0] == 3 + 5 + arch);
}

namespace {
std::size_t intr_fields(int cpus) {
    test::Machine m(test::config(cpus));
    std::string stat = kernel::procfs::show_stat(m.k);
    std::size_t at = stat.find("\nintr ");
    std::istringstream in(stat.substr(at + 6, stat.find('\n', at + 1) - at - 6));
    std::size_t n = 0;
    for (std::string x; in >> x;) ++n;
    return n - 1;
}
}  // namespace

// arch/x86/kernel/apic/vector.c arch_probe_nr_irqs(): nr_irqs = min(NR_VECTORS * nr_cpu_ids,
// (gsi_top + 16) + 8 * nr_cpu_ids + gsi_top * 16); /proc/stat's intr line has one count
// per IRQ number below it.
TEST_CASE("nr_irqs is arch_probe_nr_irqs(): at most 256 per CPU") {
    CHECK(intr_fields(1) == 256);
    CHECK(intr_fields(2) == 440);
    CHECK(intr_fields(4) == 456);
}
