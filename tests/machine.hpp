// A booted simulated machine for tests: kernel threads run C++ lambdas against the kernel
// API. Tests record what they observe inside the simulation and assert afterwards (Catch2
// assertions throw, and an exception must not cross a fiber switch).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/symbol.h>

#include <cstring>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/mm/slab.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/softirq.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/task.hpp"
#include "sim/simulator.hpp"

namespace irqlab::test {

inline kernel::Config config(int cpus = 1) {
    kernel::Config c;
    c.cpus = cpus;
    return c;
}

class Machine {
public:
    explicit Machine(kernel::Config c = config(), std::uint64_t seed = 1) : sim(seed), k(sim, c) { k.boot(); }
    Machine(const Machine&) = delete;
    ~Machine() {
        k.shutdown();
        sim.shutdown();
    }

    // Creates a kthread running `body`; pinned to `cpu` if >= 0; woken at once.
    kernel::Task& kthread(const std::string& name, std::function<int()> body, int cpu = -1, int policy = 0,
                          int prio = 0) {
        kernel::Task& t = k.create_task(kernel::TaskKind::Kthread, name);
        t.ts.flags |= PF_KTHREAD;
        t.body = std::move(body);
        if (policy) k.sched().set_scheduler(t, policy, prio);
        if (cpu >= 0) {
            struct cpumask m;
            cpumask_clear(&m);
            cpumask_set_cpu(static_cast<unsigned>(cpu), &m);
            k.sched().set_affinity(t, m);
            t.ts.cpu = static_cast<unsigned>(cpu);
        }
        k.sched().wake_up_new_task(t);
        return t;
    }

    // Runs `fn` at time `at` on the engine (a device-side action, no CPU).
    void at(sim::Time when, std::function<void()> fn) {
        auto ev = std::make_unique<sim::EventFunction<std::function<void()>>>("test: action", sim::Priority::Stimulus,
                                                                              std::move(fn));
        sim.engine().schedule(*ev, when);
        events_.push_back(std::move(ev));
    }

    void run_until(sim::Time t) { sim.run_until(t); }
    sim::Time now() const { return sim.now(); }
    std::string dmesg() {
        k.log().flush();
        return k.log().dmesg();
    }

    sim::Simulator sim;
    kernel::Kernel k;

private:
    std::vector<std::unique_ptr<sim::Event>> events_;
};

}  // namespace irqlab::test
