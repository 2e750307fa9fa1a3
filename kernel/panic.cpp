#include "kernel/panic.hpp"

#include <linux/jiffies.h>
#include <linux/kernel.h>

#include <cstdio>
#include <cstdlib>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/tick.hpp"

namespace irqlab::kernel {

namespace {
constexpr const char* kHardwareLine = "Hardware name: irqlab virtual machine";

struct TaintFlag {
    char c_true, c_false;
    const char* desc;
};
constexpr TaintFlag kTaintFlags[] = {
    {'P', 'G', "PROPRIETARY_MODULE"}, {'F', ' ', "FORCED_MODULE"}, {'S', ' ', "CPU_OUT_OF_SPEC"},
    {'R', ' ', "FORCED_RMMOD"},       {'M', ' ', "MACHINE_CHECK"}, {'B', ' ', "BAD_PAGE"},
    {'U', ' ', "USER"},               {'D', ' ', "DIE"},           {'A', ' ', "OVERRIDDEN_ACPI_TABLE"},
    {'W', ' ', "WARN"},               {'C', ' ', "CRAP"},          {'I', ' ', "FIRMWARE_WORKAROUND"},
    {'O', ' ', "OOT_MODULE"},         {'E', ' ', "UNSIGNED_MODULE"}, {'L', ' ', "SOFTLOCKUP"},
    {'K', ' ', "LIVEPATCH"},          {'X', ' ', "AUX"},           {'T', ' ', "RANDSTRUCT"},
    {'N', ' ', "TEST"},
};

void err(Kernel& k, const std::string& s) { printk_emit(k, LOGLEVEL_ERR, s); }

}  // namespace

const std::vector<std::string_view>& bug::kinds() {
    static const std::vector<std::string_view> all = {
        kSleepInAtomic, kSchedulingWhileAtomic, kSoftLockup, kHardLockup, kWarning, kKernelBug, kInvalidFree, kPanic,
        kOdebugFreeActive, kKasanUseAfterFree,
        "spinlock bad magic", "spinlock recursion", "spinlock cpu recursion", "spinlock already unlocked",
        "spinlock wrong owner", "spinlock wrong CPU", "inconsistent lock state",
        "Unbalanced enable for IRQ", "Trying to free already-free IRQ", "Trying to free IRQ from IRQ context",
        "nobody cared", "bogus return value", "workqueue leaked atomic, lock or RCU",
    };
    return all;
}

void Bugs::record(Kernel& k, std::string_view kind, std::string line, int cpu) {
    ++total_;
    auto it = counts_.find(kind);
    if (it == counts_.end()) it = counts_.emplace(std::string(kind), 0).first;
    ++it->second;
    Task* t = k.running();
    if (cpu < 0 && t) cpu = static_cast<int>(t->ts.cpu);
    if (k.tracing()) {
        sim::TraceRecord r;
        r.cpu = cpu;
        r.str[0] = k.symbols().intern(line);
        k.emit(trace::Ev::irqlab_bug, r);
    }
    if (records_.size() < kMaxRecords) records_.push_back(BugRecord{k.now(), cpu, std::string(kind), std::move(line)});
}

std::uint64_t Bugs::count(std::string_view kind) const {
    auto it = counts_.find(kind);
    return it == counts_.end() ? 0 : it->second;
}

std::string Bugs::print_tainted(bool verbose) const {
    if (!taint) return "Not tainted";
    std::string out = "Tainted: ";
    const char* sep = "";
    for (std::size_t i = 0; i < std::size(kTaintFlags); ++i) {
        bool set = (taint >> i) & 1;
        const TaintFlag& f = kTaintFlags[i];
        if (verbose) {
            if (set) {
                out += sep + std::string("[") + f.c_true + "]=" + f.desc;
                sep = ", ";
            }
        } else {
            out += set ? f.c_true : f.c_false;
        }
    }
    return out;
}

void dump_stack(Kernel& k, std::initializer_list<const char*> extra, Task* task) {
    Task* t = task ? task : k.running();
    int cpu = t ? static_cast<int>(t->ts.cpu) : 0;
    char line[256];
    std::snprintf(line, sizeof line, "CPU: %d UID: 0 PID: %d Comm: %.20s %s %s %s", cpu, t ? t->pid() : 0,
                  t ? t->comm() : "swapper", k.bugs().print_tainted(false).c_str(), kRelease, kVersion);
    printk_emit(k, LOGLEVEL_WARNING, line);
    if (k.bugs().taint) printk_emit(k, LOGLEVEL_WARNING, k.bugs().print_tainted(true));
    printk_emit(k, LOGLEVEL_WARNING, kHardwareLine);
    printk_emit(k, LOGLEVEL_WARNING, "Call Trace:");
    // Innermost first. Frames on the interrupt stack sit between <IRQ> and </IRQ>; the
    // task's own frames between <TASK> and </TASK>.
    std::vector<Frame> frames;
    frames.emplace_back("dump_stack_lvl", t && !t->frames.empty() && t->frames.back().irq);
    for (const char* fn : extra) frames.emplace_back(fn, bool{frames.back().irq});
    if (t)
        for (auto it = t->frames.rbegin(); it != t->frames.rend(); ++it) frames.push_back(*it);
    bool in_irq = false, in_task = false;
    for (const Frame& f : frames) {
        if (f.irq && !in_irq) {
            printk_emit(k, LOGLEVEL_WARNING, " <IRQ>");
            in_irq = true;
        } else if (!f.irq && in_irq) {
            printk_emit(k, LOGLEVEL_WARNING, " </IRQ>");
            in_irq = false;
        }
        if (!f.irq && !in_task) {
            printk_emit(k, LOGLEVEL_WARNING, " <TASK>");
            in_task = true;
        }
        printk_emit(k, LOGLEVEL_WARNING, std::string(" ") + f.fn);
    }
    if (in_irq) printk_emit(k, LOGLEVEL_WARNING, " </IRQ>");
    if (in_task) printk_emit(k, LOGLEVEL_WARNING, " </TASK>");
}

bool might_sleep_report(Kernel& k, const char* file, int line) {
    Task* t = k.running();
    Cpu& cpu = k.this_cpu();
    if (cpu.preempt_count == 0 && cpu.irqs_on && !t->is_idle()) {
        if (k.config.preempt == PreemptModel::Voluntary) k.sched().preempt_schedule_voluntary();
        return false;
    }
    char first[256];
    std::snprintf(first, sizeof first, "BUG: sleeping function called from invalid context at %s:%d", file, line);
    k.bugs().record(k, bug::kSleepInAtomic, first);
    // Rate limit: one report per second, system-wide (__might_resched's static prev_jiffy).
    unsigned long& prev_jiffy = k.bugs().might_sleep_prev_jiffy;
    unsigned long j = jiffies_at(k, k.now());
    if (prev_jiffy && time_before(j, prev_jiffy + k.config.hz)) return true;
    prev_jiffy = j;
    err(k, first);
    char buf[256];
    std::snprintf(buf, sizeof buf, "in_atomic(): %d, irqs_disabled(): %d, non_block: %d, pid: %d, name: %s",
                  cpu.preempt_count != 0, !cpu.irqs_on, 0, t->pid(), t->comm());
    err(k, buf);
    std::snprintf(buf, sizeof buf, "preempt_count: %x, expected: %x", cpu.preempt_count, 0);
    err(k, buf);
    err(k, "RCU nest depth: 0, expected: 0");
    dump_stack(k, {"__might_resched"});
    k.bugs().taint |= 1UL << Bugs::kTaintWarn;
    return true;
}

void schedule_bug(Kernel& k, std::uint32_t preempt_count) {
    Task* t = k.running();
    char first[160];
    std::snprintf(first, sizeof first, "BUG: scheduling while atomic: %s/%d/0x%08x", t->comm(), t->pid(), preempt_count);
    k.bugs().record(k, bug::kSchedulingWhileAtomic, first);
    err(k, first);
    printk_emit(k, LOGLEVEL_WARNING, "Modules linked in:" + k.modules_linked_in());
    dump_stack(k, {"__schedule_bug", "__schedule"});
    k.bugs().taint |= 1UL << Bugs::kTaintWarn;
}

void warn_report(Kernel& k, std::string_view kind, const char* file, int line, const char* func,
                 const std::string& message) {
    Task* t = k.running();
    printk_emit(k, LOGLEVEL_WARNING, "------------[ cut here ]------------");
    if (!message.empty()) printk_emit(k, LOGLEVEL_WARNING, message);
    char first[320];
    std::snprintf(first, sizeof first, "WARNING: CPU: %d PID: %d at %s:%d %s+0x0/0x0", t ? static_cast<int>(t->ts.cpu) : 0,
                  t ? t->pid() : 0, file, line, func);
    std::string summary = message.empty() ? first : message;
    while (!summary.empty() && summary.back() == '\n') summary.pop_back();
    k.bugs().record(k, kind, summary);
    printk_emit(k, LOGLEVEL_WARNING, first);
    printk_emit(k, LOGLEVEL_WARNING, "Modules linked in:" + k.modules_linked_in());
    k.bugs().taint |= 1UL << Bugs::kTaintWarn;
    dump_stack(k, {});
    printk_emit(k, LOGLEVEL_WARNING, "---[ end trace 0000000000000000 ]---");
}

void invalid_free_report(Kernel& k, const void* p) {
    Task* t = k.running();
    printk_emit(k, LOGLEVEL_ERR, "==================================================================");
    std::string first = "BUG: KASAN: double-free or invalid-free in kfree+0x0/0x0";
    k.bugs().record(k, bug::kInvalidFree, first);
    err(k, first);
    char buf[160];
    std::snprintf(buf, sizeof buf, "Free of addr %016llx by task %s/%d",
                  static_cast<unsigned long long>(k.symbols().fake_address(p)), t ? t->comm() : "?", t ? t->pid() : 0);
    err(k, buf);
    dump_stack(k, {"kasan_report_invalid_free", "kfree"});
    printk_emit(k, LOGLEVEL_ERR, "==================================================================");
}

void panic(Kernel& k, const std::string& message) {
    printk_emit(k, LOGLEVEL_EMERG, "Kernel panic - not syncing: " + message);
    k.bugs().record(k, bug::kPanic, "Kernel panic - not syncing: " + message);
    printk_emit(k, LOGLEVEL_EMERG, "---[ end Kernel panic - not syncing: " + message + " ]---");
    k.halt_machine("Kernel panic - not syncing: " + message);
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------

using irqlab::kernel::Kernel;

extern "C" {

void __might_sleep(const char* file, int line) { irqlab::kernel::might_sleep_report(Kernel::get(), file, line); }
void __might_fault(const char* file, int line) { irqlab::kernel::might_sleep_report(Kernel::get(), file, line); }

int __cond_resched(void) {
    Kernel& k = Kernel::get();
    // With full preemption cond_resched() is a no-op (preemption already happens at every
    // spend); with none and voluntary it is where a long kernel path lets others run.
    if (k.config.preempt == irqlab::kernel::PreemptModel::Full) return 0;
    return k.sched().preempt_schedule_voluntary() ? 1 : 0;
}

void dump_stack(void) { irqlab::kernel::dump_stack(Kernel::get(), {}); }

void __warn_printk(const char* file, int line, const char* func, const char* fmt, ...) {
    Kernel& k = Kernel::get();
    std::string message;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        message = irqlab::kernel::kvformat(k, fmt, ap);
        va_end(ap);
    }
    irqlab::kernel::warn_report(k, irqlab::kernel::bug::kWarning, file, line, func, message);
}

void __irqlab_bug(const char* file, int line, const char* func) {
    Kernel& k = Kernel::get();
    printk_emit(k, LOGLEVEL_WARNING, "------------[ cut here ]------------");
    char first[256];
    std::snprintf(first, sizeof first, "kernel BUG at %s:%d!", file, line);
    k.bugs().record(k, irqlab::kernel::bug::kKernelBug, first);
    printk_emit(k, LOGLEVEL_CRIT, first);
    printk_emit(k, LOGLEVEL_WARNING, "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI");
    k.bugs().taint |= 1UL << irqlab::kernel::Bugs::kTaintDie;
    irqlab::kernel::dump_stack(k, {func});
    printk_emit(k, LOGLEVEL_WARNING, "---[ end trace 0000000000000000 ]---");
    // irqlab treats every oops as fatal (Linux kills the task and goes on unless the oops
    // hit interrupt context or panic_on_oops is set).
    irqlab::kernel::panic(k, in_interrupt() ? "Fatal exception in interrupt" : "Fatal exception");
    std::abort();  // not reached: a panicking task never runs again
}

}  // extern "C"
