#include "kernel/time/hrtimer.hpp"

#include <algorithm>

#include "kernel/kernel.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/timer.hpp"

namespace irqlab::kernel {

void hrtimer_start(Cpu& cpu, HrTimer& t, sim::Time soft, sim::Time hard) {
    hrtimer_cancel(t);
    Kernel& k = cpu.kernel;
    t.expires = std::max(hard, soft);
    t.soft_expires = soft;
    t.cpu = cpu.id;
    t.seq = k.timers().next_seq();
    cpu.hrtimers.emplace(std::make_pair(t.expires, t.seq), &t);
    hrtimer_reprogram(cpu);
}

bool hrtimer_cancel(HrTimer& t) {
    if (t.cpu < 0) return false;
    Cpu& cpu = Kernel::get().cpu(t.cpu);
    cpu.hrtimers.erase(std::make_pair(t.expires, t.seq));
    t.cpu = -1;
    hrtimer_reprogram(cpu);
    return true;
}

void hrtimer_run_expired(Cpu& cpu) {
    sim::Time now = cpu.kernel.now();
    // Collect first: a callback may re-arm its timer, which then waits for the next
    // interrupt (as __hrtimer_run_queues only runs what was due when it started).
    std::vector<HrTimer*> due;
    // Ordered by hard expiry, so a later entry may still be softly due: look at all.
    for (auto& [key, t] : cpu.hrtimers)
        if (key.first <= now || t->soft_expires <= now) due.push_back(t);
    for (HrTimer* t : due) {
        cpu.hrtimers.erase(std::make_pair(t->expires, t->seq));
        t->cpu = -1;
    }
    for (HrTimer* t : due) t->function(*t);
}

void hrtimer_reprogram(Cpu& cpu) {
    sim::Time next = cpu.next_tick;
    if (!cpu.hrtimers.empty()) next = std::min(next, cpu.hrtimers.begin()->first.first);
    if (next == sim::kNever)
        cpu.lapic.cancel_timer();
    else if (cpu.lapic.timer_deadline() != next)
        cpu.lapic.program_timer(std::max(next, cpu.kernel.now()));
}

namespace {
void sleep_timer_fired(HrTimer& t) {
    Task& task = *static_cast<Task*>(t.owner);
    task.kernel.sched().try_to_wake_up(task, TASK_NORMAL);
}
}  // namespace

void hrtimer_start_sleep(Task& t, sim::Time soft, sim::Time hard) {
    t.sleep_timer.function = sleep_timer_fired;
    t.sleep_timer.owner = &t;
    hrtimer_start(t.kernel.cpu(static_cast<int>(t.ts.cpu)), t.sleep_timer, soft, hard);
}

void hrtimer_cancel_sleep(Task& t) { hrtimer_cancel(t.sleep_timer); }

}  // namespace irqlab::kernel
