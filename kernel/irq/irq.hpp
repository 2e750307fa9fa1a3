// The IRQ core of one kernel (kernel/irq/): the descriptors, and what the flow handlers,
// request/free and the spurious-interrupt detector share.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/irq/irqdesc.hpp"

struct timer_list;

namespace irqlab::kernel {

class Kernel;
class Cpu;

class Irqs {
public:
    explicit Irqs(Kernel& k);
    ~Irqs();

    IrqDesc* desc(unsigned irq);
    const std::map<unsigned, std::unique_ptr<IrqDesc>>& all() const { return descs_; }
    // nr_irqs as x86 sizes it (arch_probe_nr_irqs() with 24 GSIs: 424 + 8 per CPU, at most
    // 256 per CPU), or more if more were allocated.
    unsigned nr_irqs() const;

    // Boot: one descriptor per IO-APIC pin (GSI = Linux IRQ number), ISA IRQs 0-15 edge
    // and active high, PCI IRQs 16-23 level and active low, unless `level` says otherwise
    // for an IRQ (the firmware's interrupt source overrides).
    void setup_ioapic(const std::map<int, bool>& level);
    // A new MSI interrupt for a device slot (Linux numbers them after the IO-APIC's).
    IrqDesc& alloc_msi(MsiSource& src);
    void free_msi(IrqDesc& desc);

    // Vectors: assign one on a CPU of `mask` (the one with most free vectors, its lowest
    // free vector), as x86's vector matrix does; release it.
    void assign_vector(IrqDesc& desc, const struct cpumask& mask);
    void release_vector(IrqDesc& desc);
    void release_old_vector(IrqDesc& desc);  // a move completed
    int available(int cpu) const;
    // irq_set_affinity(): records the mask; an active line moves at its next interrupt.
    int set_affinity(IrqDesc& desc, const struct cpumask& mask);
    // The move itself (from the interrupt's ack): new vector and CPU, hardware reprogrammed.
    int move_now(IrqDesc& desc, const struct cpumask& mask);

    // irq_startup()/irq_shutdown() (kernel/irq/chip.c).
    void startup(IrqDesc& desc);
    void shutdown(IrqDesc& desc);

    // Boot switches.
    int irqfixup = 0;  // 1: irqfixup, 2: irqpoll (kernel/irq/spurious.c)
    bool force_threads = false;

    // kernel/irq/spurious.c's state: the poller's timer (poll_spurious_irq_timer), who
    // polls, the report budget.
    struct timer_list* poll_timer();
    int poll_active = 0;
    int poll_cpu = -1;
    int bad_irq_reports = 100;
    bool warned_poll_on_cpu = false;
    bool warned_enabled_irqs = false;  // handle.c's WARN_ONCE
    void boot_messages();

    // Errors counted for /proc/interrupts' ERR and MIS rows.
    std::uint64_t irq_err_count = 0;
    std::uint64_t irq_mis_count = 0;


private:
    IrqDesc& make_desc(unsigned irq);
    bool alloc_vector(const struct cpumask& mask, int& cpu, int& vector);
    void free_vector(int cpu, int vector);
    Kernel& k_;
    std::vector<std::bitset<256>> vectors_;  // per CPU: allocated device vectors
    std::bitset<256> system_;                // reserved on every CPU
    std::map<unsigned, std::unique_ptr<IrqDesc>> descs_;
    unsigned next_dynamic_ = 24;
    std::unique_ptr<struct timer_list> poll_timer_;
};

// Flow handlers and helpers (kernel/irq/chip.c, handle.c).
void handle_edge_irq(IrqDesc& desc);
void handle_level_irq(IrqDesc& desc);
void handle_fasteoi_irq(IrqDesc& desc);
irqreturn_t handle_irq_event(IrqDesc& desc);
void mask_irq(IrqDesc& desc);
void unmask_irq(IrqDesc& desc);
void irq_disable(IrqDesc& desc);
void irq_enable(IrqDesc& desc);
void irq_wake_thread_of(IrqDesc& desc, IrqAction& action);
// kernel/irq/spurious.c
void note_interrupt(IrqDesc& desc, irqreturn_t action_ret);
bool irq_wait_for_poll(IrqDesc& desc);
// kernel/irq/resend.c
int check_irq_resend(IrqDesc& desc, bool inject);
// kernel/irq/manage.c internals used elsewhere
void irq_finalize_oneshot(IrqDesc& desc, IrqAction& action);
void enable_irq_desc(IrqDesc& desc);  // __enable_irq()
bool irq_may_run(IrqDesc& desc);
// The vector handler a device vector runs: common_interrupt's __handle_irq(desc).
void handle_device_vector(Cpu& cpu, int vector, void* desc);

// kernel/irq/proc.c: /proc/interrupts, and the files of /proc/irq/N/ (by name).
std::string show_interrupts(Kernel& k);
const std::vector<std::string>& irq_proc_files();
std::optional<std::string> irq_proc_read(Kernel& k, unsigned irq, std::string_view file);
// Writing smp_affinity or smp_affinity_list: bytes taken, or -errno.
long irq_proc_write(Kernel& k, unsigned irq, std::string_view file, std::string_view data);
std::string default_smp_affinity(Kernel& k);

}  // namespace irqlab::kernel
