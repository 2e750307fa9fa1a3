// The stepper's inspection commands. Everything here reads the paused machine and nothing
// else: no kernel function that could change state is called (not even Symbols::name_of,
// which numbers an unknown address the first time it sees one), and no trace record is
// emitted. Lists are walked in the kernel's own order; maps are ordered by number or name.
#include "tools/step/inspect.hpp"

#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/platform_device.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "devices/device.hpp"
#include "kernel/arch/x86/cpu.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/arch/x86/irq_vectors.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/net/net.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/tick.hpp"
#include "kernel/time/timer.hpp"
#include "kernel/workqueue.hpp"
#include "sim/time.hpp"
#include "tools/scenario/world.hpp"

namespace irqlab::step {

namespace {

using kernel::Cpu;
using kernel::IrqAction;
using kernel::IrqDesc;
using kernel::Kernel;
using kernel::Task;
namespace x86 = kernel::x86;

// --- text helpers -----------------------------------------------------------------------

std::string hex(unsigned long v, int digits = 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%0*lx", digits, v);
    return buf;
}

std::string vec_hex(int v) { return hex(static_cast<unsigned long>(v), 2); }

// A table: rows of cells, columns padded to their widest cell, two spaces apart; the last
// column is not padded. `right` marks columns aligned right (numbers).
class Table {
public:
    // An all-empty header is not printed (a table of labelled lines).
    explicit Table(std::vector<std::string> header, std::string right = "") : right_(std::move(right)) {
        rows_.push_back(std::move(header));
    }
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.size() == 1; }
    void print(std::ostream& out, const std::string& indent = "") const {
        std::vector<std::size_t> width;
        for (const auto& r : rows_)
            for (std::size_t i = 0; i < r.size(); ++i) {
                if (width.size() <= i) width.push_back(0);
                width[i] = std::max(width[i], r[i].size());
            }
        bool header = std::any_of(rows_[0].begin(), rows_[0].end(), [](const std::string& c) { return !c.empty(); });
        for (const auto& r : rows_) {
            if (&r == &rows_[0] && !header) continue;
            std::string line = indent;
            for (std::size_t i = 0; i < r.size(); ++i) {
                bool last = i + 1 == r.size();
                std::string pad(width[i] - r[i].size(), ' ');
                bool right = i < right_.size() && right_[i] == 'r';
                if (right)
                    line += pad + r[i];
                else
                    line += last ? r[i] : r[i] + pad;
                if (!last) line += "  ";
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out << line << '\n';
        }
    }

private:
    std::vector<std::vector<std::string>> rows_;
    std::string right_;  // 'r' per right-aligned column
};

struct FlagName {
    unsigned long bit;
    const char* name;
};

// "A|B" for the set flags in `v` (Linux's names), "-" for none; bits not in the table are
// shown as a hex remainder.
template <std::size_t N>
std::string flags(unsigned long v, const FlagName (&names)[N]) {
    std::string out;
    unsigned long known = 0;
    for (const FlagName& f : names) {
        known |= f.bit;
        if (v & f.bit) out += (out.empty() ? "" : "|") + std::string(f.name);
    }
    if (v & ~known) out += (out.empty() ? "" : "|") + hex(v & ~known);
    return out.empty() ? "-" : out;
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

// A function's recorded name, or "?" (never a made-up address: see the file comment).
std::string sym(Kernel& k, const void* fn) {
    if (!fn) return "-";
    const char* n = k.symbols().lookup(fn);
    return n ? n : "?";
}

// "3us ago" / "in 2ms" relative to now.
std::string ago(Kernel& k, sim::Time t) {
    sim::Time d = k.now() - t;
    return d >= 0 ? sim::format_time(d) + " ago" : "in " + sim::format_time(-d);
}

std::string cpu_list(Kernel& k, const struct cpumask& m) {
    std::string out;
    int n = k.nr_cpus();
    for (int c = 0; c < n; ++c) {
        if (!cpumask_test_cpu(c, &m)) continue;
        int e = c;
        while (e + 1 < n && cpumask_test_cpu(e + 1, &m)) ++e;
        out += (out.empty() ? "" : ",") + std::to_string(c) + (e > c ? "-" + std::to_string(e) : "");
        c = e;
    }
    return out.empty() ? "-" : out;
}

// --- tasks ------------------------------------------------------------------------------

std::string task_label(const Task& t) {
    std::string s = std::string(t.comm()) + " (pid " + std::to_string(t.pid()) + ")";
    return s;
}

// ps's STAT letter (task_state_to_char(): R S D T t X Z P I).
char state_char(const Task& t) {
    if (t.exited) return 'Z';
    unsigned s = t.ts.__state;
    if (s == TASK_RUNNING) return 'R';
    if ((s & TASK_IDLE) == TASK_IDLE) return 'I';
    if (s & TASK_INTERRUPTIBLE) return 'S';
    if (s & TASK_UNINTERRUPTIBLE) return 'D';
    if (s & __TASK_STOPPED) return 'T';
    if (s & __TASK_TRACED) return 't';
    if (s & (EXIT_DEAD | TASK_DEAD)) return 'X';
    if (s & EXIT_ZOMBIE) return 'Z';
    if (s & TASK_PARKED) return 'P';
    return '?';
}

bool on_cpu(Kernel& k, const Task& t) {
    for (int c = 0; c < k.nr_cpus(); ++c)
        if (k.cpu(c).curr == &t) return true;
    return false;
}

// The irq_desc and action whose thread `t` is, if it is an IRQ thread.
const IrqAction* irq_thread_action(Kernel& k, const Task& t) {
    for (const auto& [irq, desc] : k.irqs().all())
        for (const IrqAction* a = desc->action; a; a = a->next) {
            if (a->thread == &t) return a;
            if (a->secondary && a->secondary->thread == &t) return a->secondary;
        }
    return nullptr;
}

// What a sleeping task waits in, as ps's WCHAN: its innermost frame that is not the
// scheduler's own, or its thread function.
std::string wchan(Kernel& k, const Task& t) {
    if (t.is_idle()) return "-";
    static const char* const sched_fns[] = {"schedule",       "__schedule",         "schedule_timeout",
                                            "schedule_idle",  "io_schedule",        "schedule_preempt_disabled",
                                            "kthread",        "ret_from_fork",      "ret_from_fork_asm",
                                            "default_idle",   "do_idle",            "cpu_startup_entry"};
    for (auto it = t.frames.rbegin(); it != t.frames.rend(); ++it) {
        bool skip = false;
        for (const char* s : sched_fns) skip = skip || std::strcmp(it->fn, s) == 0;
        if (!skip) return it->fn;
    }
    for (int c = 0; c < k.nr_cpus(); ++c)
        if (k.cpu(c).ksoftirqd == &t) return "smpboot_thread_fn";
    if (irq_thread_action(k, t)) return "irq_thread";
    if (std::strncmp(t.comm(), "kworker/R-", 10) == 0) return "rescuer_thread";
    // A kworker made at boot counts as asleep in worker_thread (kthread_data is its worker);
    // any other kthread not started yet waits in kthread() for its first wakeup.
    if (t.kind == kernel::TaskKind::Kthread) return t.kthread_data ? "worker_thread" : "kthread";
    return "-";
}

std::string policy_name(unsigned policy) {
    switch (policy) {
        case SCHED_NORMAL: return "TS";
        case SCHED_FIFO: return "FF";
        case SCHED_RR: return "RR";
        case SCHED_BATCH: return "B";
        case SCHED_IDLE: return "IDL";
        default: return "?";
    }
}

// Where a task is: on a CPU, on a run queue, asleep (with its timeout), exited.
std::string task_where(Kernel& k, const Task& t) {
    if (t.exited) return "exited";
    for (int c = 0; c < k.nr_cpus(); ++c)
        if (k.cpu(c).curr == &t) {
            std::string s = "on CPU" + std::to_string(c);
            if (t.in_user) s += ", user mode";
            return s;
        }
    if (t.is_idle()) return "CPU" + std::to_string(t.ts.cpu) + "'s idle task, not running";
    if (t.queued) return "runnable, on CPU" + std::to_string(t.ts.cpu) + "'s run queue";
    // Picked by schedule() and not yet switched in (paused at its sched_switch record).
    if (t.ts.__state == TASK_RUNNING) return "runnable, being switched in";
    std::string s = "asleep";
    if (t.sleep_timer.cpu >= 0) s += ", timeout " + ago(k, t.sleep_timer.expires);
    return s;
}

// --- the context stack ------------------------------------------------------------------

struct Context {
    std::string kind;  // task, hardirq, softirq, tasklet, work, timer, napi, hrtimer
    std::string what;
    std::vector<std::string> frames;
    bool irq_stack = false;  // its frames are on the interrupt stack
};

// The IRQs whose flow handler is running on `cpu` (IRQD_IRQ_INPROGRESS, vector on this CPU),
// lowest vector first: a nested interrupt always has a higher priority class.
std::vector<const IrqDesc*> hardirqs_on(Cpu& cpu) {
    std::vector<const IrqDesc*> out;
    for (int v = 0; v < x86::NR_VECTORS; ++v) {
        const Cpu::VectorSlot& slot = cpu.vectors[static_cast<std::size_t>(v)];
        if (slot.handler != &kernel::handle_device_vector || !slot.ctx) continue;
        const auto* d = static_cast<const IrqDesc*>(slot.ctx);
        if (!d->inprogress() || (d->effective_cpu != cpu.id && d->move_cpu != cpu.id)) continue;
        if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    }
    return out;
}

std::string action_names(const IrqDesc& d) {
    std::string s;
    for (const IrqAction* a = d.action; a; a = a->next)
        s += (s.empty() ? "" : ", ") + std::string(a->name ? a->name : "?");
    return s.empty() ? "no action" : s;
}

std::string irq_label(const IrqDesc& d) {
    return "irq " + std::to_string(d.irq) + " (" + action_names(d) + "), vector " + vec_hex(d.vector);
}

std::string sysvec_label(std::string_view fn) {
    if (fn == "sysvec_apic_timer_interrupt") return "local timer interrupt, vector " + vec_hex(x86::LOCAL_TIMER_VECTOR);
    if (fn == "sysvec_reschedule_ipi") return "rescheduling IPI, vector " + vec_hex(x86::RESCHEDULE_VECTOR);
    if (fn == "sysvec_call_function_single")
        return "function call IPI, vector " + vec_hex(x86::CALL_FUNCTION_SINGLE_VECTOR);
    if (fn == "sysvec_call_function") return "function call IPI, vector " + vec_hex(x86::CALL_FUNCTION_VECTOR);
    return "system vector";
}

int softirq_of_action(Kernel& k, std::string_view fn) {
    const auto& vec = k.softirqs().vec;
    for (int nr = 0; nr < NR_SOFTIRQS; ++nr) {
        const char* name = vec[static_cast<std::size_t>(nr)].name;
        if ((name && fn == name) || fn == softirq_to_name[nr]) return nr;
    }
    return -1;
}

const void* tasklet_fn(const struct tasklet_struct* t) {
    return t->use_callback ? reinterpret_cast<const void*>(t->callback) : reinterpret_cast<const void*>(t->func);
}

// The worker `task` is (a kworker), or nullptr.
const kernel::Worker* kworker_of(const Task& task) {
    if ((task.ts.flags & PF_WQ_WORKER) && task.kthread_data)
        return static_cast<const kernel::Worker*>(task.kthread_data);
    return nullptr;
}

// The busy worker of `cpu`'s BH pools (BH work runs in the tasklet softirqs), or nullptr.
const kernel::Worker* bh_worker_of(Kernel& k, int cpu) {
    if (k.workqueues().pools().size() < static_cast<std::size_t>(cpu * 4 + 2)) return nullptr;  // before init
    for (bool hi : {false, true})
        for (const auto& w : k.workqueues().bh_pool(cpu, hi).workers)
            if (w->current_work) return w.get();
    return nullptr;
}

// "irqgen_work (events)": a busy worker's item.
std::string work_label(Kernel& k, const kernel::Worker& w) {
    std::string what = sym(k, reinterpret_cast<const void*>(w.current_func));
    if (w.current_pwq && w.current_pwq->wq) what += " (" + std::string(w.current_pwq->wq->name) + ")";
    return what;
}

// The CPU's context stack, outermost first, from its current task's frames: the kernel
// pushes a frame for each function bt and the BUG reports show, and the entry points
// (common_interrupt, asm_sysvec, __do_softirq, process_one_work, a softirq's action) say
// where a new context begins.
std::vector<Context> context_stack(Kernel& k, int cpu_id) {
    Cpu& cpu = k.cpu(cpu_id);
    std::vector<Context> out;
    Task* t = cpu.curr;
    if (!t) return out;
    Context task{"task", task_label(*t), {}, false};
    if (t->is_idle()) task.what += ", idle";
    if (t->in_user) task.what += ", user mode";
    out.push_back(task);
    std::vector<const IrqDesc*> irqs = hardirqs_on(cpu);
    std::size_t next_irq = 0;
    int softirq = -1;           // the vector of the innermost softirq context
    bool want_action = false;   // the next frame is a softirq's action
    bool want_sub = false;      // the next frame starts what the action runs
    const auto& frames = t->frames;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        std::string fn = frames[i].fn;
        bool irq = frames[i].irq;
        std::string next = i + 1 < frames.size() ? frames[i + 1].fn : "";
        if (fn == "common_interrupt") {
            const IrqDesc* d = next_irq < irqs.size() ? irqs[next_irq] : nullptr;
            ++next_irq;
            out.push_back({"hardirq", d ? irq_label(*d) : "device interrupt", {}, irq});
            want_action = want_sub = false;
        } else if (fn == "asm_sysvec") {
            out.push_back({"hardirq", sysvec_label(next), {}, irq});
            want_action = want_sub = false;
        } else if (fn == "__do_softirq" || fn == "handle_softirqs") {
            // handle_softirqs is ksoftirqd's entry; __do_softirq irq_exit's and local_bh_enable's.
            out.push_back({"softirq", fn == "handle_softirqs" ? ", in ksoftirqd" : "", {}, irq});
            want_action = true;
            want_sub = false;
        } else if (want_action) {
            softirq = softirq_of_action(k, fn);
            out.back().what = (softirq >= 0 ? softirq_to_name[softirq] : fn) + out.back().what;
            want_action = false;
            want_sub = true;
        } else if (fn == "process_one_work") {
            const kernel::Worker* w = out.size() == 1 ? kworker_of(*t) : bh_worker_of(k, cpu_id);
            out.push_back({"work", w && w->current_work ? work_label(k, *w) : next, {}, irq});
            want_sub = false;
        } else if (want_sub) {
            want_sub = false;
            const char* kind = softirq == TASKLET_SOFTIRQ || softirq == HI_SOFTIRQ ? "tasklet"
                               : softirq == TIMER_SOFTIRQ                         ? "timer"
                               : softirq == NET_RX_SOFTIRQ                        ? "napi"
                               : softirq == HRTIMER_SOFTIRQ                       ? "hrtimer"
                                                                                  : nullptr;
            if (kind) {
                std::string what = fn;
                if (std::string_view(kind) == "napi") what = "poll " + fn;
                out.push_back({kind, what, {}, irq});
            }
        }
        if (out.back().frames.empty()) out.back().irq_stack = irq;
        out.back().frames.push_back(fn);
    }
    // Paused at softirq_entry: the vector's action frame is not pushed yet.
    if (want_action) out.back().what = "(entering a vector)" + out.back().what;
    // Paused at tasklet_entry or workqueue_execute_start: the tasklet or work item runs but
    // its frames are not pushed yet (or, at the exit record, popped already).
    bool in_tasklet_softirq = want_sub && (softirq == TASKLET_SOFTIRQ || softirq == HI_SOFTIRQ);
    bool irq_stack = out.back().irq_stack;
    const auto& runs = k.softirqs().tasklet_run;
    if (in_tasklet_softirq && static_cast<std::size_t>(cpu_id) < runs.size() &&
        runs[static_cast<std::size_t>(cpu_id)].running) {
        out.push_back({"tasklet", sym(k, tasklet_fn(runs[static_cast<std::size_t>(cpu_id)].running)), {}, irq_stack});
    } else if (in_tasklet_softirq || out.size() == 1) {
        const kernel::Worker* w = in_tasklet_softirq ? bh_worker_of(k, cpu_id) : kworker_of(*t);
        if (w && w->current_work) out.push_back({"work", work_label(k, *w), {}, irq_stack});
    }
    return out;
}

std::string context_line(const std::vector<Context>& cs) {
    std::string s;
    for (const Context& c : cs) s += (s.empty() ? "" : " > ") + c.kind + " " + c.what;
    return s;
}

std::string preempt_fields(std::uint32_t pc) {
    std::string s = "hardirq " + std::to_string((pc & HARDIRQ_MASK) >> HARDIRQ_SHIFT) + ", softirq " +
                    std::to_string((pc & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT) + ", preempt " +
                    std::to_string((pc & PREEMPT_MASK) >> PREEMPT_SHIFT);
    if (pc & NMI_MASK) s += ", nmi " + std::to_string((pc & NMI_MASK) >> NMI_SHIFT);
    return s;
}

// in_hardirq(), in_serving_softirq(), BH disabled: what the count means.
std::string preempt_meaning(std::uint32_t pc) {
    std::vector<std::string> parts;
    if (!(pc & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET))) parts.push_back("in_task");
    if (pc & NMI_MASK) parts.push_back("in_nmi");
    if (pc & HARDIRQ_MASK) parts.push_back("in_hardirq");
    if (pc & SOFTIRQ_OFFSET) parts.push_back("in_serving_softirq");
    if ((pc & SOFTIRQ_MASK) >= SOFTIRQ_DISABLE_OFFSET)
        parts.push_back("bh disabled x" + std::to_string(((pc & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT) / 2));
    if (pc & PREEMPT_MASK) parts.push_back("preempt disabled x" + std::to_string(pc & PREEMPT_MASK));
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
    return s;
}

std::string cpu_activity(Cpu& cpu) {
    if (cpu.hung) return "hung";
    bool idle = cpu.curr && cpu.curr->is_idle();
    switch (cpu.waiting()) {
        case Cpu::Wait::Halt: return idle ? "idle, halted" : "halted";
        case Cpu::Wait::Spend: return idle ? "idle, spending" : "busy, spending";
        case Cpu::Wait::Spin: return "busy, spinning";
        case Cpu::Wait::None: break;
    }
    return idle ? "idle, running" : "busy, running";
}

// --- vectors and the local APIC ------------------------------------------------------------

std::string vector_owner(Kernel& k, int cpu, int v) {
    switch (v) {
        case x86::LOCAL_TIMER_VECTOR: return "LOCAL_TIMER_VECTOR";
        case x86::RESCHEDULE_VECTOR: return "RESCHEDULE_VECTOR";
        case x86::CALL_FUNCTION_VECTOR: return "CALL_FUNCTION_VECTOR";
        case x86::CALL_FUNCTION_SINGLE_VECTOR: return "CALL_FUNCTION_SINGLE_VECTOR";
        case x86::IRQ_WORK_VECTOR: return "IRQ_WORK_VECTOR";
        case x86::ERROR_APIC_VECTOR: return "ERROR_APIC_VECTOR";
        case x86::SPURIOUS_APIC_VECTOR: return "SPURIOUS_APIC_VECTOR";
        default: break;
    }
    const Cpu::VectorSlot& slot = k.cpu(cpu).vectors[static_cast<std::size_t>(v)];
    if (slot.handler == &kernel::handle_device_vector && slot.ctx) {
        const auto* d = static_cast<const IrqDesc*>(slot.ctx);
        return "irq " + std::to_string(d->irq) + " " + action_names(*d);
    }
    return slot.handler ? "vector shut down" : "unassigned";
}

template <class Test>
std::string vector_set(Kernel& k, int cpu, Test test) {
    std::string s;
    for (int v = 0; v < x86::NR_VECTORS; ++v)
        if (test(v)) s += (s.empty() ? "" : ", ") + vec_hex(v) + " (" + vector_owner(k, cpu, v) + ")";
    return s.empty() ? "-" : s;
}

// --- tasklets -----------------------------------------------------------------------------

const FlagName kTaskletState[] = {{1UL << TASKLET_STATE_SCHED, "TASKLET_STATE_SCHED"},
                                  {1UL << TASKLET_STATE_RUN, "TASKLET_STATE_RUN"}};

// The device whose driver set the tasklet up in probe ("irqgen.0"), or "".
std::string probe_owner(Kernel& k, const void* obj) {
    for (const auto& pdev : k.drivers().platform_devices()) {
        const kernel::DeviceRecord& rec = kernel::DriverCore::record(&pdev->dev);
        for (const auto& [kind, o] : rec.objects)
            if (o == obj) return rec.name;
    }
    return "";
}

void tasklet_row(Table& t, Kernel& k, const std::string& cpu, const std::string& where,
                 const struct tasklet_struct* ts) {
    std::string fn = sym(k, tasklet_fn(ts));
    // The tasklet itself: its name if it is a static DECLARE_TASKLET, else its driver's device.
    const char* name = k.symbols().lookup(ts);
    std::string owner = probe_owner(k, ts);
    std::string obj = name ? name : owner.empty() ? "-" : "set up by " + owner;
    t.add({cpu, where, fn, obj, flags(ts->state, kTaskletState), std::to_string(ts->count.counter),
           ts->state & (1UL << TASKLET_STATE_SCHED) ? ago(k, static_cast<sim::Time>(ts->__sched_at)) : "-"});
}

// --- workqueues ---------------------------------------------------------------------------

const FlagName kWqFlags[] = {{WQ_BH, "WQ_BH"},
                             {WQ_UNBOUND, "WQ_UNBOUND"},
                             {WQ_FREEZABLE, "WQ_FREEZABLE"},
                             {WQ_MEM_RECLAIM, "WQ_MEM_RECLAIM"},
                             {WQ_HIGHPRI, "WQ_HIGHPRI"},
                             {WQ_CPU_INTENSIVE, "WQ_CPU_INTENSIVE"},
                             {WQ_SYSFS, "WQ_SYSFS"},
                             {WQ_POWER_EFFICIENT, "WQ_POWER_EFFICIENT"},
                             {WQ_PERCPU, "WQ_PERCPU"},
                             {__WQ_DESTROYING, "__WQ_DESTROYING"},
                             {__WQ_DRAINING, "__WQ_DRAINING"},
                             {__WQ_ORDERED, "__WQ_ORDERED"},
                             {__WQ_LEGACY, "__WQ_LEGACY"}};

const FlagName kWorkerFlags[] = {{kernel::WORKER_IDLE, "WORKER_IDLE"},
                                 {kernel::WORKER_PREP, "WORKER_PREP"},
                                 {kernel::WORKER_CPU_INTENSIVE, "WORKER_CPU_INTENSIVE"},
                                 {kernel::WORKER_UNBOUND, "WORKER_UNBOUND"},
                                 {kernel::WORKER_REBOUND, "WORKER_REBOUND"}};

constexpr unsigned long kWorkFlagBits = (1UL << WORK_STRUCT_FLAG_BITS) - 1;  // the data word's flag bits
const FlagName kWorkBits[] = {{WORK_STRUCT_PENDING, "WORK_STRUCT_PENDING"},
                              {WORK_STRUCT_INACTIVE, "WORK_STRUCT_INACTIVE"},
                              {WORK_STRUCT_PWQ, "WORK_STRUCT_PWQ"},
                              {WORK_STRUCT_LINKED, "WORK_STRUCT_LINKED"}};

std::string pool_name(const kernel::WorkerPool& p) {
    std::string s = "pool " + std::to_string(p.id);
    if (p.cpu < 0) return s + " (unbound" + std::string(p.highpri() ? ", highpri" : "") + ")";
    return s + " (cpu" + std::to_string(p.cpu) + (p.bh ? " BH" : "") + (p.highpri() ? " highpri" : "") + ")";
}

std::string worker_name(const kernel::Worker& w) {
    if (w.task) return w.task->comm();
    return "BH worker " + std::to_string(w.id);
}

// A queued work item's row: where, function, its object, its workqueue, its data bits, when.
void work_row(Table& t, Kernel& k, const std::string& where, const struct work_struct* w) {
    unsigned long data = static_cast<unsigned long>(w->data.counter);
    std::string wq = "-";
    if (const kernel::PoolWorkqueue* pwq = kernel::get_work_pwq(w))
        if (pwq->wq) wq = pwq->wq->name;
    const char* obj = k.symbols().lookup(w);
    t.add({where, sym(k, reinterpret_cast<const void*>(w->func)), obj ? obj : "-", wq,
           flags(data & kWorkFlagBits, kWorkBits), ago(k, static_cast<sim::Time>(w->__queued_at))});
}

template <class Fn>
void each_work(const struct list_head* head, Fn fn) {
    for (const struct list_head* p = head->next; p != head; p = p->next)
        fn(list_entry(p, struct work_struct, entry));
}

// --- NAPI ---------------------------------------------------------------------------------

const FlagName kNapiState[] = {{1UL << NAPI_STATE_SCHED, "NAPI_STATE_SCHED"},
                               {1UL << NAPI_STATE_MISSED, "NAPI_STATE_MISSED"},
                               {1UL << NAPI_STATE_DISABLE, "NAPI_STATE_DISABLE"},
                               {1UL << NAPI_STATE_NPSVC, "NAPI_STATE_NPSVC"},
                               {1UL << NAPI_STATE_LISTED, "NAPI_STATE_LISTED"},
                               {1UL << NAPI_STATE_NO_BUSY_POLL, "NAPI_STATE_NO_BUSY_POLL"},
                               {1UL << NAPI_STATE_IN_BUSY_POLL, "NAPI_STATE_IN_BUSY_POLL"},
                               {1UL << NAPI_STATE_PREFER_BUSY_POLL, "NAPI_STATE_PREFER_BUSY_POLL"},
                               {1UL << NAPI_STATE_THREADED, "NAPI_STATE_THREADED"},
                               {1UL << NAPI_STATE_SCHED_THREADED, "NAPI_STATE_SCHED_THREADED"}};

struct NapiEntry {
    const struct napi_struct* napi;
    std::string device;
};

// Every napi_struct: the devices' in registration order, then each CPU's backlog.
std::vector<NapiEntry> all_napis(Kernel& k) {
    std::vector<NapiEntry> out;
    for (const struct net_device* dev : k.net().devices())
        for (const struct napi_struct* n : kernel::Net::record(dev).napis) out.push_back({n, dev->name});
    for (int c = 0; c < k.nr_cpus(); ++c) out.push_back({&k.net().softnet(c).backlog, "backlog/" + std::to_string(c)});
    return out;
}

// Which list a napi_struct is on: a CPU's poll_list, or the list net_rx_action() took off
// it (on that CPU's stack); or, scheduled and on no list, being polled.
std::string napi_where(Kernel& k, const struct napi_struct* n, const std::vector<NapiEntry>& all,
                       const std::vector<std::vector<Context>>& stacks) {
    auto is_napi_node = [&](const struct list_head* p) {
        for (const NapiEntry& e : all)
            if (&e.napi->poll_list == p) return true;
        return false;
    };
    if (list_empty(&n->poll_list)) {
        if (!(n->state & (1UL << NAPI_STATE_SCHED))) return "-";
        // napi_disable() (or netif_napi_add() before napi_enable()) holds SCHED with NPSVC.
        if (n->state & ((1UL << NAPI_STATE_NPSVC) | (1UL << NAPI_STATE_DISABLE))) return "disabled";
        // Polled right now: its poll function is on some CPU's stack (any NAPI poll, when
        // the function has no recorded name to tell them apart).
        const char* name = k.symbols().lookup(reinterpret_cast<const void*>(n->poll));
        std::string poll = name ? std::string("poll ") + name : "";
        std::string cpus;
        for (std::size_t c = 0; c < stacks.size(); ++c)
            for (const Context& ctx : stacks[c])
                if (ctx.kind == "napi" && (poll.empty() || ctx.what == poll))
                    cpus += (cpus.empty() ? "CPU" : " or CPU") + std::to_string(c);
        return cpus.empty() ? "scheduled, on no list" : "being polled on " + cpus;
    }
    const struct list_head* p = n->poll_list.next;
    for (std::size_t steps = 0; steps <= all.size() && is_napi_node(p); ++steps) p = p->next;
    for (int c = 0; c < k.nr_cpus(); ++c)
        if (p == &k.net().softnet(c).poll_list) return "CPU" + std::to_string(c) + " poll_list";
    for (int c = 0; c < k.nr_cpus(); ++c) {
        const Task* t = k.cpu(c).curr;
        if (t && t->fiber && t->fiber->stack_depth(p) >= 0) return "CPU" + std::to_string(c) + " net_rx_action's list";
    }
    return "a list";
}

}  // namespace

// --- info cpus, bt ------------------------------------------------------------------------

void info_cpus(std::ostream& out, Kernel& k) {
    Table t({"CPU", "TASK", "PID", "PREEMPT_COUNT", "HARDIRQ", "SOFTIRQ", "PREEMPT", "IRQS", "NEED_RESCHED", "RQ",
             "STATE"},
            "rlrlrrrllrl");
    for (int c = 0; c < k.nr_cpus(); ++c) {
        Cpu& cpu = k.cpu(c);
        std::uint32_t pc = cpu.preempt_count;
        t.add({std::to_string(c), cpu.curr ? cpu.curr->comm() : "-", cpu.curr ? std::to_string(cpu.curr->pid()) : "-",
               hex(pc, 8), std::to_string((pc & HARDIRQ_MASK) >> HARDIRQ_SHIFT),
               std::to_string((pc & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT), std::to_string(pc & PREEMPT_MASK),
               cpu.irqs_on ? "on" : "off", yes_no(cpu.need_resched), std::to_string(cpu.rq.nr_running()),
               cpu_activity(cpu)});
    }
    t.print(out);
    for (int c = 0; c < k.nr_cpus(); ++c) {
        Cpu& cpu = k.cpu(c);
        out << "CPU" << c << ": " << preempt_meaning(cpu.preempt_count) << "; " << context_line(context_stack(k, c))
            << '\n';
    }
}

void backtrace(std::ostream& out, Kernel& k, int cpu_id) {
    if (cpu_id < 0 || cpu_id >= k.nr_cpus()) {
        out << "no CPU " << cpu_id << " (this machine has " << k.nr_cpus() << ")\n";
        return;
    }
    Cpu& cpu = k.cpu(cpu_id);
    out << "CPU" << cpu_id << ": preempt_count " << hex(cpu.preempt_count, 8) << " ("
        << preempt_fields(cpu.preempt_count) << "), interrupts " << (cpu.irqs_on ? "on" : "off") << ", "
        << cpu_activity(cpu) << '\n';
    std::vector<Context> cs = context_stack(k, cpu_id);
    Table t({"#", "CONTEXT", "", "FRAMES"}, "r");
    for (std::size_t i = 0; i < cs.size(); ++i) {
        std::string frames;
        for (const std::string& f : cs[i].frames) frames += (frames.empty() ? "" : " ") + f;
        if (cs[i].irq_stack && !frames.empty()) frames = "<IRQ> " + frames;
        t.add({"#" + std::to_string(i), cs[i].kind, cs[i].what, frames.empty() ? "-" : frames});
    }
    t.print(out);
}

// --- info irqs ----------------------------------------------------------------------------

void info_irqs(std::ostream& out, Kernel& k) {
    static const FlagName irqd[] = {{kernel::IRQD_SETAFFINITY_PENDING, "IRQD_SETAFFINITY_PENDING"},
                                    {kernel::IRQD_ACTIVATED, "IRQD_ACTIVATED"},
                                    {kernel::IRQD_AFFINITY_SET, "IRQD_AFFINITY_SET"},
                                    {kernel::IRQD_LEVEL, "IRQD_LEVEL"},
                                    {kernel::IRQD_IRQ_DISABLED, "IRQD_IRQ_DISABLED"},
                                    {kernel::IRQD_IRQ_MASKED, "IRQD_IRQ_MASKED"},
                                    {kernel::IRQD_IRQ_INPROGRESS, "IRQD_IRQ_INPROGRESS"},
                                    {kernel::IRQD_IRQ_STARTED, "IRQD_IRQ_STARTED"},
                                    {kernel::IRQD_DEFAULT_TRIGGER_SET, "IRQD_DEFAULT_TRIGGER_SET"}};
    static const FlagName irqs[] = {{kernel::IRQS_AUTODETECT, "IRQS_AUTODETECT"},
                                    {kernel::IRQS_SPURIOUS_DISABLED, "IRQS_SPURIOUS_DISABLED"},
                                    {kernel::IRQS_POLL_INPROGRESS, "IRQS_POLL_INPROGRESS"},
                                    {kernel::IRQS_ONESHOT, "IRQS_ONESHOT"},
                                    {kernel::IRQS_REPLAY, "IRQS_REPLAY"},
                                    {kernel::IRQS_WAITING, "IRQS_WAITING"},
                                    {kernel::IRQS_PENDING, "IRQS_PENDING"},
                                    {kernel::IRQS_SUSPENDED, "IRQS_SUSPENDED"}};
    static const FlagName irqf[] = {{IRQF_TRIGGER_RISING, "IRQF_TRIGGER_RISING"},
                                    {IRQF_TRIGGER_FALLING, "IRQF_TRIGGER_FALLING"},
                                    {IRQF_TRIGGER_HIGH, "IRQF_TRIGGER_HIGH"},
                                    {IRQF_TRIGGER_LOW, "IRQF_TRIGGER_LOW"},
                                    {IRQF_TRIGGER_PROBE, "IRQF_TRIGGER_PROBE"},
                                    {IRQF_SHARED, "IRQF_SHARED"},
                                    {IRQF_PROBE_SHARED, "IRQF_PROBE_SHARED"},
                                    {IRQF_PERCPU, "IRQF_PERCPU"},
                                    {IRQF_NOBALANCING, "IRQF_NOBALANCING"},
                                    {IRQF_IRQPOLL, "IRQF_IRQPOLL"},
                                    {IRQF_ONESHOT, "IRQF_ONESHOT"},
                                    {IRQF_NO_SUSPEND, "IRQF_NO_SUSPEND"},
                                    {IRQF_FORCE_RESUME, "IRQF_FORCE_RESUME"},
                                    {IRQF_NO_THREAD, "IRQF_NO_THREAD"},
                                    {IRQF_EARLY_RESUME, "IRQF_EARLY_RESUME"},
                                    {IRQF_COND_SUSPEND, "IRQF_COND_SUSPEND"},
                                    {IRQF_NO_AUTOEN, "IRQF_NO_AUTOEN"},
                                    {IRQF_NO_DEBUG, "IRQF_NO_DEBUG"},
                                    {IRQF_COND_ONESHOT, "IRQF_COND_ONESHOT"}};
    static const FlagName irqtf[] = {{1UL << kernel::IRQTF_RUNTHREAD, "IRQTF_RUNTHREAD"},
                                     {1UL << kernel::IRQTF_WARNED, "IRQTF_WARNED"},
                                     {1UL << kernel::IRQTF_AFFINITY, "IRQTF_AFFINITY"},
                                     {1UL << kernel::IRQTF_FORCED_THREAD, "IRQTF_FORCED_THREAD"},
                                     {1UL << kernel::IRQTF_READY, "IRQTF_READY"},
                                     {1UL << kernel::IRQTF_EXIT_WORK, "IRQTF_EXIT_WORK"}};
    static const FlagName trigger[] = {{IRQ_TYPE_EDGE_RISING, "IRQ_TYPE_EDGE_RISING"},
                                       {IRQ_TYPE_EDGE_FALLING, "IRQ_TYPE_EDGE_FALLING"},
                                       {IRQ_TYPE_LEVEL_HIGH, "IRQ_TYPE_LEVEL_HIGH"},
                                       {IRQ_TYPE_LEVEL_LOW, "IRQ_TYPE_LEVEL_LOW"}};
    bool any = false;
    for (const auto& [nr, dp] : k.irqs().all()) {
        const IrqDesc& d = *dp;
        if (!d.action && !d.tot_count) continue;
        any = true;
        std::string where = d.vector ? "vector " + vec_hex(d.vector) + " on CPU" + std::to_string(d.effective_cpu)
                                     : "no vector";
        if (d.move_cpu >= 0)
            where += " (old vector " + vec_hex(d.move_vector) + " on CPU" + std::to_string(d.move_cpu) + ")";
        // The trigger: IRQD_LEVEL, the pin's polarity, and the irq_data trigger bits once a
        // request set them (IRQ_TYPE_NONE until then on an IO-APIC line).
        std::string trig = d.level() ? "level" : "edge";
        if (d.pin >= 0 && !d.msi) trig += k.ioapic().entry(d.pin).active_low ? ", active-low" : ", active-high";
        if (d.trigger_type()) trig += " (" + flags(d.trigger_type(), trigger) + ")";
        out << "IRQ " << d.irq << ": " << d.chip_name << ' ' << d.hwirq << '-' << (d.name ? d.name : "?") << ", "
            << trig << ", " << where
            << ", affinity " << cpu_list(k, d.affinity) << ", depth " << d.depth
            << (d.depth ? " (disabled)" : " (enabled)") << '\n';
        Table t({"", ""});
        t.add({"state", flags(d.state & ~static_cast<unsigned>(kernel::IRQD_TRIGGER_MASK), irqd)});
        t.add({"istate", flags(d.istate, irqs)});
        t.add({"threads", "threads_oneshot " + hex(d.threads_oneshot) + ", threads_active " +
                              std::to_string(d.threads_active) + ", threads_handled " +
                              std::to_string(d.threads_handled)});
        std::string counts;
        for (int c = 0; c < k.nr_cpus(); ++c) {
            auto i = static_cast<std::size_t>(c);
            counts += "CPU" + std::to_string(c) + " " + std::to_string(i < d.kstat.size() ? d.kstat[i] : 0) + ", ";
        }
        counts += "total " + std::to_string(d.tot_count) + "; spurious detector: irq_count " +
                  std::to_string(d.irq_count) + ", irqs_unhandled " + std::to_string(d.irqs_unhandled);
        t.add({"counts", counts});
        for (const IrqAction* a = d.action; a; a = a->next) {
            std::string s = std::string(a->name ? a->name : "?") + ": flags " + flags(a->flags, irqf) + ", handler " +
                            sym(k, reinterpret_cast<const void*>(a->handler));
            if (a->thread_fn) s += ", thread_fn " + sym(k, reinterpret_cast<const void*>(a->thread_fn));
            if (a->thread)
                s += ", thread " + task_label(*a->thread) + " " + state_char(*a->thread) + ", thread_flags " +
                     flags(a->thread_flags, irqtf) + ", thread_mask " + hex(a->thread_mask);
            if (a->secondary && a->secondary->thread)
                s += ", secondary thread " + task_label(*a->secondary->thread) + " " +
                     state_char(*a->secondary->thread);
            t.add({"action", s});
        }
        t.print(out, "  ");
    }
    if (!any) out << "no interrupt has an action or a count yet\n";
}

// --- info ioapic, info lapic ----------------------------------------------------------------

void info_ioapic(std::ostream& out, Kernel& k) {
    kernel::IoApic& io = k.ioapic();
    Table t({"PIN", "VECTOR", "DELIVERY", "DEST", "TRIGGER", "POLARITY", "MASK", "REMOTE_IRR", "INPUT", "SENT", "IRQ"},
            "rllllllllrl");
    for (int pin = 0; pin < kernel::IoApic::kPins; ++pin) {
        const kernel::IoApic::Entry& e = io.entry(pin);
        std::string irq = "-";
        for (const auto& [nr, d] : k.irqs().all())
            if (d->pin == pin && !d->msi) {
                irq = std::to_string(nr);
                if (d->action) irq += " " + action_names(*d);
                break;
            }
        t.add({std::to_string(pin), vec_hex(e.vector), e.delivery_mode ? "lowest" : "fixed",
               std::string(e.dest_logical ? "logical " : "physical ") + std::to_string(e.dest),
               e.level ? "level" : "edge",
               e.active_low ? "active-low" : "active-high", e.masked ? "masked" : "-", e.remote_irr ? "1" : "0",
               io.input(pin) ? "asserted" : "-", std::to_string(io.messages_sent(pin)), irq});
    }
    t.print(out);
}

void info_lapic(std::ostream& out, Kernel& k, int cpu_id) {
    if (cpu_id < 0 || cpu_id >= k.nr_cpus()) {
        out << "no CPU " << cpu_id << " (this machine has " << k.nr_cpus() << ")\n";
        return;
    }
    Cpu& cpu = k.cpu(cpu_id);
    const kernel::Lapic& l = cpu.lapic;
    out << "CPU" << cpu_id << " local APIC (APIC ID " << cpu_id << ")\n";
    Table t({"", ""});
    t.add({"IRR", vector_set(k, cpu_id, [&](int v) { return l.irr_test(v); })});
    t.add({"ISR", vector_set(k, cpu_id, [&](int v) { return l.isr_test(v); })});
    t.add({"TMR", vector_set(k, cpu_id, [&](int v) { return l.tmr_test(v); })});
    int isr = l.highest_isr();
    unsigned ppr = std::max(l.tpr() & 0xf0u, isr < 0 ? 0u : static_cast<unsigned>(isr) & 0xf0u);
    if ((l.tpr() >> 4) >= (ppr >> 4)) ppr = l.tpr();
    std::string deliver = l.deliverable() < 0 ? "none"
                          : cpu.irqs_on       ? vec_hex(l.deliverable()) + " (taken at the CPU's next delivery point)"
                                              : vec_hex(l.deliverable()) + " (waits: interrupts are off)";
    t.add({"TPR", hex(l.tpr(), 2) + ", PPR " + hex(ppr, 2) + ", deliverable " + deliver});
    sim::Time deadline = l.timer_deadline();
    std::string timer = deadline == sim::kNever
                            ? "not armed"
                            : "one-shot, fires at " + sim::format_time(deadline) + " (" + ago(k, deadline) + ")";
    timer += ", tick " + (cpu.tick_stopped ? std::string("stopped (NO_HZ idle)")
                          : cpu.next_tick == sim::kNever ? std::string("stopped")
                                                         : "next at " + sim::format_time(cpu.next_tick));
    t.add({"timer", timer});
    t.add({"counts", "LOC " + std::to_string(l.loc_count) + ", RES " + std::to_string(l.res_count) + ", CAL " +
                         std::to_string(l.cal_count) + ", SPU " + std::to_string(l.spu_count)});
    t.print(out, "  ");
}

// --- info softirqs, info tasklets -------------------------------------------------------------

void info_softirqs(std::ostream& out, Kernel& k) {
    Table t({"CPU", "PENDING", "VECTORS", "SERVING", "BH_DISABLED", "KSOFTIRQD"}, "r");
    for (int c = 0; c < k.nr_cpus(); ++c) {
        Cpu& cpu = k.cpu(c);
        std::string names;
        for (int nr = 0; nr < NR_SOFTIRQS; ++nr)
            if (cpu.softirq_pending & (1u << nr))
                names += (names.empty() ? "" : " ") + std::string(softirq_to_name[nr]) + " (raised " +
                         ago(k, cpu.softirq_raised_at[static_cast<std::size_t>(nr)]) + ")";
        std::string serving = "-";
        if (cpu.preempt_count & SOFTIRQ_OFFSET) {
            serving = "yes";
            for (const Context& ctx : context_stack(k, c))
                if (ctx.kind == "softirq") serving = ctx.what.substr(0, ctx.what.find(','));
        }
        unsigned bh = ((cpu.preempt_count & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT) / 2;
        std::string ksoftirqd = "-";
        if (const Task* kt = cpu.ksoftirqd)
            ksoftirqd = task_label(*kt) + " " + state_char(*kt) + ", " + task_where(k, *kt);
        t.add({std::to_string(c), hex(cpu.softirq_pending, 8), names.empty() ? "-" : names, serving,
               bh ? "yes (x" + std::to_string(bh) + ")" : "no", ksoftirqd});
    }
    t.print(out);
    // /proc/softirqs' counts.
    std::vector<std::string> header = {""};
    std::string right = "l";
    for (int c = 0; c < k.nr_cpus(); ++c) {
        header.push_back("CPU" + std::to_string(c));
        right += 'r';
    }
    header.push_back("HANDLER");
    Table counts(header, right);
    for (int nr = 0; nr < NR_SOFTIRQS; ++nr) {
        std::vector<std::string> row = {std::string(softirq_to_name[nr]) + ":"};
        for (int c = 0; c < k.nr_cpus(); ++c)
            row.push_back(std::to_string(k.cpu(c).softirq_count[static_cast<std::size_t>(nr)]));
        const char* h = k.softirqs().vec[static_cast<std::size_t>(nr)].name;
        row.push_back(h ? h : "-");
        counts.add(row);
    }
    out << "handler runs (/proc/softirqs):\n";
    counts.print(out, "  ");
}

void info_tasklets(std::ostream& out, Kernel& k) {
    const kernel::Softirqs& s = k.softirqs();
    Table t({"CPU", "WHERE", "FUNCTION", "TASKLET", "STATE", "COUNT", "SCHEDULED"}, "rllllrl");
    std::vector<const struct tasklet_struct*> seen;
    auto add = [&](const std::string& cpu, const std::string& where, const struct tasklet_struct* ts) {
        tasklet_row(t, k, cpu, where, ts);
        seen.push_back(ts);
    };
    for (int c = 0; c < k.nr_cpus(); ++c) {
        auto i = static_cast<std::size_t>(c);
        std::string cpu = std::to_string(c);
        if (i < s.tasklet_run.size()) {
            const auto& run = s.tasklet_run[i];
            const char* action = run.hi ? "tasklet_hi_action" : "tasklet_action";
            if (run.running) add(cpu, std::string("running (") + action + ")", run.running);
            for (const struct tasklet_struct* ts = run.rest; ts; ts = ts->next)
                add(cpu, std::string("taken by ") + action, ts);
        }
        if (i < s.tasklet_hi_vec.size())
            for (const struct tasklet_struct* ts = s.tasklet_hi_vec[i].head; ts; ts = ts->next)
                add(cpu, "tasklet_hi_vec", ts);
        if (i < s.tasklet_vec.size())
            for (const struct tasklet_struct* ts = s.tasklet_vec[i].head; ts; ts = ts->next)
                add(cpu, "tasklet_vec", ts);
    }
    // The tasklets drivers set up in probe that are on no list (idle, or disabled).
    for (const auto& pdev : k.drivers().platform_devices()) {
        const kernel::DeviceRecord& rec = kernel::DriverCore::record(&pdev->dev);
        for (const auto& [kind, obj] : rec.objects) {
            if (kind != kernel::ProbeObject::Tasklet) continue;
            const auto* ts = static_cast<const struct tasklet_struct*>(obj);
            if (std::find(seen.begin(), seen.end(), ts) != seen.end()) continue;
            tasklet_row(t, k, "-", "not scheduled", ts);
        }
    }
    if (t.empty()) {
        out << "no tasklet is scheduled or running\n";
        return;
    }
    t.print(out);
}

// --- info workqueues ------------------------------------------------------------------------

void info_workqueues(std::ostream& out, Kernel& k) {
    kernel::Workqueues& wqs = k.workqueues();
    Table wt({"WORKQUEUE", "FLAGS", "MAX_ACTIVE", "ACTIVE", "INACTIVE", "IN_FLIGHT", "RESCUER"}, "llrrrr");
    for (const auto& wq : wqs.workqueues()) {
        int active = 0, inactive = 0;
        for (const auto& pwq : wq->pwqs) {
            active += pwq->nr_active;
            each_work(&pwq->inactive_works, [&](const struct work_struct*) { ++inactive; });
        }
        wt.add({wq->name, flags(wq->flags, kWqFlags), wq->flags & WQ_BH ? "-" : std::to_string(wq->max_active),
                std::to_string(active), std::to_string(inactive), std::to_string(wq->in_flight.size()),
                wq->rescuer ? task_label(*wq->rescuer) : "-"});
    }
    wt.print(out);
    out << '\n';
    Table pt({"POOL", "CPU", "NICE", "KIND", "NR_RUNNING", "WORKERS", "IDLE", "WORKLIST"}, "rrrlrrrr");
    for (const auto& p : wqs.pools()) {
        int pending = 0;
        each_work(&p->worklist, [&](const struct work_struct*) { ++pending; });
        pt.add({std::to_string(p->id), p->cpu < 0 ? "unbound" : std::to_string(p->cpu), std::to_string(p->nice),
                p->bh ? "BH" : "kworker", std::to_string(p->nr_running), std::to_string(p->workers.size()),
                std::to_string(p->idle_list.size()), std::to_string(pending)});
    }
    pt.print(out);
    out << '\n';
    Table w({"POOL", "WORKER", "PID", "STATE", "FLAGS", "WORK"}, "rlr");
    for (const auto& p : wqs.pools())
        for (const auto& wk : p->workers) {
            std::string state = wk->current_work ? (wk->sleeping ? "busy, sleeping" : "busy") : "idle";
            if (wk->task) state += std::string(" (") + state_char(*wk->task) + ")";
            std::string cur = "-";
            if (wk->current_work) {
                cur = sym(k, reinterpret_cast<const void*>(wk->current_func));
                if (wk->current_pwq && wk->current_pwq->wq) cur += " (" + std::string(wk->current_pwq->wq->name) + ")";
            }
            w.add({std::to_string(p->id), worker_name(*wk), wk->task ? std::to_string(wk->task->pid()) : "-", state,
                   flags(wk->flags, kWorkerFlags), cur});
        }
    w.print(out);
    out << '\n';
    Table items({"WHERE", "FUNCTION", "WORK", "WORKQUEUE", "DATA", "QUEUED"});
    for (const auto& p : wqs.pools()) {
        std::string where = pool_name(*p) + " worklist";
        each_work(&p->worklist, [&](const struct work_struct* wk) { work_row(items, k, where, wk); });
        for (const auto& wk : p->workers)
            each_work(&wk->scheduled, [&](const struct work_struct* item) {
                work_row(items, k, worker_name(*wk) + " scheduled", item);
            });
    }
    for (const auto& wq : wqs.workqueues())
        for (const auto& pwq : wq->pwqs) {
            std::string where = std::string(wq->name) + " inactive (" + pool_name(*pwq->pool) + ")";
            each_work(&pwq->inactive_works, [&](const struct work_struct* wk) { work_row(items, k, where, wk); });
        }
    // Delayed work still waiting for its timer.
    for (const struct timer_list* tl : k.timers().pending_in(0, ~std::uintptr_t{0})) {
        if (tl->function != &delayed_work_timer_fn) continue;
        const auto* dw = container_of(tl, struct delayed_work, timer);
        const char* obj = k.symbols().lookup(&dw->work);
        items.add({"delayed, timer at " + sim::format_time(kernel::jiffies_time(k, tl->expires)),
                   sym(k, reinterpret_cast<const void*>(dw->work.func)), obj ? obj : "-", dw->wq ? dw->wq->name : "-",
                   flags(static_cast<unsigned long>(dw->work.data.counter) & kWorkFlagBits, kWorkBits),
                   "-"});
    }
    if (items.empty())
        out << "no work item is queued\n";
    else
        items.print(out);
}

// --- info napi ------------------------------------------------------------------------------

void info_napi(std::ostream& out, Kernel& k) {
    std::vector<NapiEntry> all = all_napis(k);
    std::vector<std::vector<Context>> stacks;
    for (int c = 0; c < k.nr_cpus(); ++c) stacks.push_back(context_stack(k, c));
    Table t({"NAPI", "DEVICE", "ID", "STATE", "WEIGHT", "POLL", "WHERE"}, "llrlrll");
    for (const NapiEntry& e : all) {
        const struct napi_struct* n = e.napi;
        bool backlog = e.device.rfind("backlog/", 0) == 0;
        if (backlog && !n->state && list_empty(&n->poll_list)) continue;  // an idle backlog says nothing
        t.add({backlog ? "backlog" : "napi", e.device, std::to_string(n->napi_id), flags(n->state, kNapiState),
               std::to_string(n->weight), sym(k, reinterpret_cast<const void*>(n->poll)),
               napi_where(k, n, all, stacks)});
    }
    if (t.empty())
        out << "no NAPI instance (no network device)\n";
    else
        t.print(out);
    out << '\n';
    Table sd({"CPU", "POLL_LIST", "IN_NET_RX_ACTION", "PROCESSED", "DROPPED", "TIME_SQUEEZE", "BACKLOG"}, "rrlrrrr");
    for (int c = 0; c < k.nr_cpus(); ++c) {
        kernel::SoftnetData& s = k.net().softnet(c);
        int listed = 0;
        for (const struct list_head* p = s.poll_list.next; p != &s.poll_list && listed <= 1024; p = p->next) ++listed;
        sd.add({std::to_string(c), std::to_string(listed), yes_no(s.in_net_rx_action), std::to_string(s.processed),
                std::to_string(s.dropped), std::to_string(s.time_squeeze), std::to_string(s.input_pkt_queue.size())});
    }
    sd.print(out);
    if (!k.net().devices().empty()) {
        out << '\n';
        Table dt({"DEVICE", "IRQ", "RX_PACKETS", "RX_DROPPED", "TX_PACKETS", "SOCKET_QUEUE", "SOCKET_DROPS", "CARRIER"},
                 "lrrrrrr");
        for (const struct net_device* dev : k.net().devices()) {
            const kernel::NetDeviceRecord& r = kernel::Net::record(dev);
            dt.add({dev->name, std::to_string(dev->irq), std::to_string(dev->stats.rx_packets),
                    std::to_string(dev->stats.rx_dropped), std::to_string(dev->stats.tx_packets),
                    std::to_string(r.socket.size()), std::to_string(r.socket_drops), r.carrier ? "up" : "down"});
        }
        dt.print(out);
    }
}

// --- info devices, info tasks ----------------------------------------------------------------

void info_devices(std::ostream& out, scenario::World& world) {
    if (world.devices().empty()) {
        out << "no device\n";
        return;
    }
    Table t({"DEVICE", "TYPE", "STATE"});
    for (const auto& d : world.devices()) {
        std::string info = d->info();
        std::string prefix = d->instance() + ": ";
        if (info.rfind(prefix, 0) == 0) info.erase(0, prefix.size());
        t.add({d->instance(), d->name(), info});
        std::string counters;
        for (const auto& [name, value] : d->counters())
            counters += (counters.empty() ? "" : ", ") + name + " " + std::to_string(value);
        if (!counters.empty()) t.add({"", "", "counters: " + counters});
    }
    t.print(out);
}

void info_tasks(std::ostream& out, Kernel& k) {
    Table t({"PID", "COMM", "S", "CPU", "CLS", "PRIO", "NI", "RTPRIO", "WCHAN", "WHERE"}, "rllrlrrr");
    for (const auto& tp : k.tasks()) {
        const Task& task = *tp;
        bool rt = task.is_rt();
        bool running = on_cpu(k, task) || task.queued;
        t.add({std::to_string(task.pid()), task.comm(), std::string(1, state_char(task)), std::to_string(task.ts.cpu),
               policy_name(task.ts.policy), std::to_string(task.ts.prio),
               rt ? "-" : std::to_string(task.ts.static_prio - 120), rt ? std::to_string(task.ts.rt_priority) : "-",
               running || task.exited ? "-" : wchan(k, task), task_where(k, task)});
    }
    t.print(out);
}

}  // namespace irqlab::step
