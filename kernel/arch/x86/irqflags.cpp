// EFLAGS.IF and preempt_count of the running CPU: the C API of <linux/irqflags.h>,
// <linux/preempt.h> and <linux/smp.h>.
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/smp.h>

#include "kernel/arch/x86/irq_vectors.hpp"
#include "kernel/kernel.hpp"
#include "kernel/locking/lockdep.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"

using irqlab::kernel::Kernel;

namespace {
struct cpumask g_online_mask;
struct cpumask g_cpu_masks[NR_CPUS];
}  // namespace

extern "C" {

unsigned int nr_cpu_ids = 1;

unsigned long arch_local_save_flags(void) { return Kernel::get().this_cpu().irqs_on ? X86_EFLAGS_IF : 0; }

unsigned long arch_local_irq_save(void) {
    irqlab::kernel::Cpu& cpu = Kernel::get().this_cpu();
    unsigned long flags = cpu.irqs_on ? X86_EFLAGS_IF : 0;
    cpu.irqs_on = false;
    return flags;
}

void arch_local_irq_enable(void) {
    Kernel& k = Kernel::get();
    // trace_hardirqs_on(): lockdep learns that the locks held now are held with irqs on.
    if (!k.this_cpu().irqs_on) irqlab::kernel::lockdep_hardirqs_on(k);
    k.this_cpu().irqs_on = true;
    irqlab::kernel::take_pending_interrupts();  // what waited in IRR is delivered at once
}

void arch_local_irq_disable(void) { Kernel::get().this_cpu().irqs_on = false; }

void arch_local_irq_restore(unsigned long flags) {
    if (flags & X86_EFLAGS_IF)
        arch_local_irq_enable();
    else
        arch_local_irq_disable();
}

int preempt_count(void) { return static_cast<int>(Kernel::get().this_cpu().preempt_count); }
void preempt_count_add(int val) { Kernel::get().this_cpu().preempt_count += static_cast<unsigned>(val); }
void preempt_count_sub(int val) { Kernel::get().this_cpu().preempt_count -= static_cast<unsigned>(val); }
void preempt_disable(void) { Kernel::get().this_cpu().preempt_count += PREEMPT_DISABLE_OFFSET; }
void preempt_enable_no_resched(void) { Kernel::get().this_cpu().preempt_count -= PREEMPT_DISABLE_OFFSET; }

void preempt_enable(void) {
    Kernel& k = Kernel::get();
    irqlab::kernel::Cpu& cpu = k.this_cpu();
    cpu.preempt_count -= PREEMPT_DISABLE_OFFSET;
    if (cpu.preempt_count == 0 && cpu.need_resched) k.sched().preempt_schedule();
}

void preempt_schedule(void) { Kernel::get().sched().preempt_schedule(); }

bool should_resched(int preempt_offset) {
    irqlab::kernel::Cpu& cpu = Kernel::get().this_cpu();
    return cpu.preempt_count == static_cast<unsigned>(preempt_offset) && cpu.need_resched;
}

int raw_smp_processor_id(void) { return Kernel::get().this_cpu().id; }
int smp_processor_id(void) { return Kernel::get().this_cpu().id; }

unsigned int num_online_cpus(void) { return static_cast<unsigned>(Kernel::get().nr_cpus()); }
bool cpu_online(unsigned int cpu) { return cpu < nr_cpu_ids; }

const struct cpumask* cpu_online_mask_ptr(void) {
    cpumask_clear(&g_online_mask);
    for (unsigned i = 0; i < nr_cpu_ids; ++i) cpumask_set_cpu(i, &g_online_mask);
    return &g_online_mask;
}

const struct cpumask* cpumask_of(unsigned int cpu) {
    cpumask_clear(&g_cpu_masks[cpu]);
    cpumask_set_cpu(cpu, &g_cpu_masks[cpu]);
    return &g_cpu_masks[cpu];
}

// smp_call_function_single(): on this CPU the function runs at once with IRQs off; on
// another it goes by a call-function IPI, and `wait` spins until it has run.
int smp_call_function_single(int cpu, smp_call_func_t func, void* info, int wait) {
    Kernel& k = Kernel::get();
    if (cpu < 0 || cpu >= k.nr_cpus()) return -ENXIO;
    irqlab::kernel::Cpu& self = k.this_cpu();
    if (cpu == self.id) {
        unsigned long flags = arch_local_irq_save();
        func(info);
        arch_local_irq_restore(flags);
        return 0;
    }
    auto* csd = new irqlab::kernel::Cpu::CallSingleData{func, info, false, !wait};
    irqlab::kernel::Cpu& target = k.cpu(cpu);
    target.call_queue.push_back(csd);
    target.apic_message(irqlab::kernel::x86::CALL_FUNCTION_SINGLE_VECTOR, false,
                        k.now() + k.config.costs[irqlab::kernel::Cost::ipi_latency], k.current_cause());
    if (wait) {
        irqlab::kernel::spin_until([csd] { return csd->done; });
        delete csd;
    }
    // Without `wait` the target frees it (see the IPI handler).
    return 0;
}

void smp_call_function(smp_call_func_t func, void* info, int wait) {
    Kernel& k = Kernel::get();
    int self = k.this_cpu().id;
    for (int c = 0; c < k.nr_cpus(); ++c)
        if (c != self) smp_call_function_single(c, func, info, wait);
}

void on_each_cpu(smp_call_func_t func, void* info, int wait) {
    smp_call_function(func, info, wait);
    unsigned long flags = arch_local_irq_save();
    func(info);
    arch_local_irq_restore(flags);
}

}  // extern "C"
