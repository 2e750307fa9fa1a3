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
    // The boot CPU's idle task is what start_kernel() became; the others came up through
    // start_secondary() (arch/x86/kernel/head_64.S, init/main.c, smpboot.c).
    if (k.this_cpu().id == 0)
        self.frames = {{"common_startup_64"}, {"x86_64_start_kernel"}, {"x86_64_start_reservations"},
                       {"start_kernel"},      {"rest_init"},           {"cpu_startup_entry"},
                       {"do_idle"}};
    else
        self.frames = {{"common_startup_64"}, {"start_secondary"}, {"cpu_startup_entry"}, {"do_idle"}};
    for (;;) {
        Cpu& cpu = k.this_cpu();
        while (!cpu.need_resched) {
            cpu.last_schedule = k.now();  // an idle CPU is not stuck
            tick_nohz_idle_stop_tick(cpu);
            self.frames.emplace_back("default_idle");
            halt();
            self.frames.pop_back();
        }
        tick_nohz_idle_restart_tick(cpu);
        k.sched().schedule_idle();
    }
}

}  // namespace irqlab::kernel
