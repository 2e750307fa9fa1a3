// One simulated CPU: its execution state (preempt_count, EFLAGS.IF), its local APIC, its
// scheduler state, and the three ways it lets time pass.
//
// Code runs on task fibers. A CPU advances only by
//   spend(d)         busy for d,
//   spin_until(done) busy until a condition holds (a lock, a flag), and
//   halt()           idle until an interrupt (sti; hlt).
// Interrupts land in all three when IF is set: the wait is cut short, the interrupt is
// handled nested on the same fiber (as the hardware pushes it on the current stack), and
// the rest of the spend continues afterwards. These are free functions (kernel/sched/
// spend.hpp) because a task that is preempted inside one may resume on another CPU.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "kernel/arch/x86/lapic.hpp"
#include "sim/event.hpp"

namespace irqlab::kernel {

class Kernel;
struct Task;

// Where a CPU's time goes (the /proc/stat columns irqlab models).
enum class CpuTime : std::uint8_t { User, System, Idle, Irq, Softirq, count_ };
const char* cpu_time_name(CpuTime t);

// An hrtimer: a nanosecond-resolution timer on a CPU, expired in the local timer
// interrupt (hardirq context), as Linux's hrtimer_interrupt does. The tick and sleeping
// tasks' timeouts use them.
struct HrTimer {
    sim::Time expires = 0;       // hard expiry: the clock event is programmed to it
    sim::Time soft_expires = 0;  // from here on, any timer interrupt may expire it
    void (*function)(HrTimer& t) = nullptr;
    void* owner = nullptr;
    int cpu = -1;  // the CPU whose queue holds it; -1 when inactive
    std::uint64_t seq = 0;
};

// The per-CPU run queue: SCHED_FIFO/SCHED_RR by priority, then SCHED_NORMAL round robin.
struct RunQueue {
    std::array<std::deque<Task*>, 100> rt;  // index = kernel prio (0 is the highest)
    std::deque<Task*> fair;
    int nr_rt = 0;
    int nr_running() const { return nr_rt + static_cast<int>(fair.size()); }
};

class Cpu {
public:
    Cpu(Kernel& kernel, int id);
    Cpu(const Cpu&) = delete;
    Cpu& operator=(const Cpu&) = delete;

    Kernel& kernel;
    const int id;

    // --- x86 execution state ---
    std::uint32_t preempt_count = 0;
    bool irqs_on = false;  // EFLAGS.IF

    // --- scheduler ---
    Task* curr = nullptr;
    Task* idle = nullptr;
    bool need_resched = false;
    std::uint64_t nr_switches = 0;
    sim::Time last_schedule = 0;  // the soft-lockup watchdog's touch timestamp
    bool tick_stopped = false;    // NO_HZ idle

    // --- softirqs ---
    std::uint32_t softirq_pending = 0;
    std::array<sim::Time, 10> softirq_raised_at{};  // when each pending vector was first raised
    // The softirq_raise record that made each vector pending: its softirq_entry's cause.
    std::array<std::uint64_t, 10> softirq_raised_by{};
    std::array<std::uint64_t, 10> softirq_count{};  // /proc/softirqs (handler invocations)
    Task* ksoftirqd = nullptr;

    // --- accounting ---
    std::array<sim::Time, static_cast<int>(CpuTime::count_)> time{};
    CpuTime current_time_class() const;
    void account(CpuTime c, sim::Time from, sim::Time to);

    // --- hrtimers, ordered by (expires, arming order) ---
    std::map<std::pair<sim::Time, std::uint64_t>, HrTimer*> hrtimers;
    sim::Time next_tick = 0;  // when the periodic tick is due (kNever while stopped)

    // --- vectors: handlers installed per CPU (Linux's per-CPU vector_irq[]) ---
    struct VectorSlot {
        void (*handler)(Cpu& cpu, int vector, void* ctx) = nullptr;
        void* ctx = nullptr;
    };
    std::array<VectorSlot, 256> vectors{};

    // The big members last, so that the small hot ones above share cache lines.
    Lapic lapic;
    RunQueue rq;

    // --- messages on their way to this CPU's local APIC (IPIs, IO-APIC, MSI) ---
    // `level`: a level-triggered IO-APIC vector (its EOI is broadcast back).
    void apic_message(int vector, bool level, sim::Time at, std::uint64_t cause = 0);
    // smp_call_function*(): functions queued for this CPU's call-function IPI.
    struct CallSingleData {
        void (*func)(void* info);
        void* info;
        bool done;
        bool owned_by_target;  // the sender does not wait: the target frees it
    };
    std::deque<CallSingleData*> call_queue;

    // Starts the CPU: its current (idle) task begins running now.
    void start();

    // --- waiting for time (used by kernel/sched/spend.cpp) ---
    enum class Wait : std::uint8_t { None, Spend, Halt, Spin };
    Wait waiting() const { return wait_; }
    // The local APIC has a deliverable vector: a CPU waiting with IF set resumes now.
    void interrupt_pending();
    // A halted CPU resumes now (it has something to look at: need_resched).
    void kick();
    // Something a spinner waits on may have changed: re-check `delay` from now.
    void poke(sim::Time delay = 0);
    // Suspends the running task's fiber until the resume event fires; the time waited is
    // accounted to `cls`.
    void wait(Wait why, sim::Time until, CpuTime cls);
    // Accounts the wait in progress up to now (for a summary taken mid-wait).
    void flush_accounting();
    bool hung = false;   // declared hung by the watchdog: the run ends
    int spin_depth = 0;  // inside spin_until() (interrupts taken while spinning included)
    // In the interrupt entry or exit path outside irq_enter()/irq_exit(): the time counts as
    // irq time (IRQ_TIME_ACCOUNTING charges the whole hardirq to it), not to the task.
    bool in_irq_path = false;

private:
    class ResumeEvent final : public sim::Event {
    public:
        explicit ResumeEvent(Cpu& cpu) : sim::Event("cpu: resume", sim::Priority::Cpu), cpu_(cpu) {}
        void process() override;
        sim::Fiber* handoff() override;  // the CPU's current task, made the running one
        std::string describe() const override;

    private:
        Cpu& cpu_;
    };

    class MessageEvent final : public sim::Event {
    public:
        explicit MessageEvent(Cpu& cpu) : sim::Event("lapic: a message arrives", sim::Priority::Delivery), cpu_(cpu) {}
        void process() override;

    private:
        Cpu& cpu_;
    };

    Wait wait_ = Wait::None;
    sim::Time wait_start_ = 0;
    CpuTime wait_class_ = CpuTime::Idle;
    ResumeEvent resume_;
    MessageEvent message_event_;
    struct Message {
        sim::Time at;
        int vector;
        bool level;
        std::uint64_t cause;
        sim::Time sent;  // when the source raised it (the origin of end-to-end latencies)
    };
    std::vector<Message> messages_;  // in arrival order; a handful at most, kept allocated
};

}  // namespace irqlab::kernel
