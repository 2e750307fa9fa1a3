// The idle task (kernel/sched/idle.c): halts until something needs the CPU, stopping the
// tick while idle (NO_HZ_IDLE), then schedules.
#include "kernel/sched/idle.hpp"

#include "kernel/kernel.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/time/tick.hpp"

namespace irqlab::kernel {

int idle_loop() {
    Kernel& k = Kernel::get();
    Task& self = *k.running();
    self.frames = {{"common_startup_64"}, {"start_secondary"}, {"cpu_startup_entry"}, {"do_idle"}};
    for (;;) {
        Cpu& cpu = k.this_cpu();
        while (!cpu.need_resched) {
            cpu.last_schedule = k.now();  // an idle CPU is not stuck
            tick_nohz_idle_stop_tick(cpu);
            self.frames.push_back({"default_idle"});
            halt();
            self.frames.pop_back();
        }
        tick_nohz_idle_restart_tick(cpu);
        k.sched().schedule_idle();
    }
}

}  // namespace irqlab::kernel
