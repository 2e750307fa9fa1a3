#include "kernel/arch/x86/entry.hpp"

#include <linux/preempt.h>

#include "kernel/arch/x86/cpu.hpp"
#include "kernel/arch/x86/irq_vectors.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/tick.hpp"

namespace irqlab::kernel::x86 {

namespace {

void trace_vector(Kernel& k, trace::Ev kind, int vector) {
    if (!k.tracing()) return;
    sim::TraceRecord r;
    r.arg[0] = vector;
    k.emit(kind, r);
}

// A system vector's handler (DEFINE_IDTENTRY_SYSVEC): EOI first, then its work, between
// its entry and exit tracepoints.
template <class Work>
void sysvec(Cpu& cpu, int vector, const char* fn, trace::Ev entry, trace::Ev exit, Work work) {
    Kernel& k = cpu.kernel;
    cpu.lapic.eoi();
    trace_vector(k, entry, vector);
    Task& t = *k.running();
    t.frames.emplace_back(fn, true);
    work();
    t.frames.pop_back();
    trace_vector(k, exit, vector);
}

void run_call_queue(Cpu& cpu) {
    Kernel& k = cpu.kernel;
    while (!k.this_cpu().call_queue.empty()) {
        Cpu::CallSingleData* csd = k.this_cpu().call_queue.front();
        k.this_cpu().call_queue.pop_front();
        csd->func(csd->info);
        csd->done = true;
        if (csd->owned_by_target) delete csd;
    }
    k.wake_spinners();  // senders waiting for completion
}

void dispatch(Cpu& cpu, int vector) {
    Kernel& k = cpu.kernel;
    switch (vector) {
        case LOCAL_TIMER_VECTOR:
            cpu.lapic.loc_count++;
            sysvec(cpu, vector, "sysvec_apic_timer_interrupt", trace::Ev::local_timer_entry,
                   trace::Ev::local_timer_exit, [&] { tick_handle(cpu); });
            return;
        case RESCHEDULE_VECTOR:
            // scheduler_ipi(): the waker already set need_resched; irq exit acts on it.
            cpu.lapic.res_count++;
            sysvec(cpu, vector, "sysvec_reschedule_ipi", trace::Ev::reschedule_entry, trace::Ev::reschedule_exit,
                   [] {});
            return;
        case CALL_FUNCTION_SINGLE_VECTOR:
            cpu.lapic.cal_count++;
            sysvec(cpu, vector, "sysvec_call_function_single", trace::Ev::call_function_single_entry,
                   trace::Ev::call_function_single_exit, [&] { run_call_queue(cpu); });
            return;
        case CALL_FUNCTION_VECTOR:
            cpu.lapic.cal_count++;
            sysvec(cpu, vector, "sysvec_call_function", trace::Ev::call_function_entry,
                   trace::Ev::call_function_exit, [&] { run_call_queue(cpu); });
            return;
        case SPURIOUS_APIC_VECTOR:
            // handle_spurious_interrupt() (arch/x86/kernel/apic/apic.c): counted in SPU,
            // reported, and not acknowledged.
            cpu.lapic.spu_count++;
            printk_emit(k, LOGLEVEL_INFO,
                        "Spurious APIC interrupt (vector 0xFF) on CPU#" + std::to_string(cpu.id) +
                            ", should never happen.");
            return;
        default:
            break;
    }
    const Cpu::VectorSlot& slot = cpu.vectors[static_cast<std::size_t>(vector)];
    if (slot.handler) {
        slot.handler(cpu, vector, slot.ctx);
        return;
    }
    // arch/x86/kernel/irq.c: an unassigned vector.
    printk_emit(k, LOGLEVEL_EMERG, "No irq handler for " + std::to_string(cpu.id) + "." + std::to_string(vector));
    cpu.lapic.eoi();
}

}  // namespace

namespace {
// VECTOR_SHUTDOWN: a freed vector. An interrupt already on its way finds it, the slot
// becomes unused, and the EOI is all that happens (call_irq_handler()'s reevaluation).
void vector_shutdown(Cpu& cpu, int vector, void*) {
    clear_vector_handler(cpu, vector);
    cpu.lapic.eoi();
}
}  // namespace

void set_vector_shutdown(Cpu& cpu, int vector) { cpu.vectors[static_cast<std::size_t>(vector)] = {vector_shutdown, nullptr}; }

void set_vector_handler(Cpu& cpu, int vector, VectorHandler handler, void* ctx) {
    cpu.vectors[static_cast<std::size_t>(vector)] = {handler, ctx};
}

void clear_vector_handler(Cpu& cpu, int vector) { cpu.vectors[static_cast<std::size_t>(vector)] = {}; }

void irq_enter(Cpu& cpu) {
    cpu.preempt_count += HARDIRQ_OFFSET;
    tick_irq_enter(cpu);
}

void irq_exit(Cpu& cpu) {
    cpu.preempt_count -= HARDIRQ_OFFSET;
    // Not nested in another interrupt, a softirq or a BH-disabled section: run them here.
    if (!(cpu.preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK)) && cpu.softirq_pending) invoke_softirq(cpu);
    tick_irq_exit(cpu);
}

void common_interrupt(Cpu& cpu, int vector) {
    Kernel& k = cpu.kernel;
    Task& task = *k.running();
    sim::Time origin = cpu.lapic.origin(vector);
    std::uint64_t cause = cpu.lapic.start_service(vector);
    cpu.irqs_on = false;  // the interrupt gate clears IF
    std::uint64_t saved_cause = task.cause;
    sim::Time saved_origin = task.origin;
    task.cause = cause;
    task.origin = origin;
    if (k.tracing()) {
        sim::TraceRecord r;
        r.arg[0] = vector;
        task.cause = k.emit(trace::Ev::irqlab_lapic_accept, r);
    }
    cpu.in_irq_path = true;
    spend(Cost::irq_entry);  // IF is clear: nothing nests in the entry path
    cpu.in_irq_path = false;
    irq_enter(cpu);
    task.frames.emplace_back(vector >= FIRST_SYSTEM_VECTOR ? "asm_sysvec" : "common_interrupt", true);
    dispatch(cpu, vector);
    task.frames.pop_back();
    irq_exit(cpu);
    cpu.in_irq_path = true;
    spend(Cost::irq_exit);
    cpu.in_irq_path = false;
    task.cause = saved_cause;
    task.origin = saved_origin;
    // irqentry_exit(): back to user mode it always reschedules when asked; back to kernel
    // mode only with full preemption and nothing holding preemption off.
    if (cpu.need_resched && cpu.preempt_count == 0 && !task.is_idle() &&
        (task.in_user || k.config.preempt == PreemptModel::Full)) {
        k.sched().preempt_schedule_irq();
    }
    k.this_cpu().irqs_on = true;  // iret
}

}  // namespace irqlab::kernel::x86
