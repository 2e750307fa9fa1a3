// IPIs: the call-function and reschedule vectors, counted in /proc/interrupts' CAL and
// RES rows (arch/x86/kernel/smp.c, kernel/smp.c).
#include <catch2/catch.hpp>

#include <linux/completion.h>
#include <linux/smp.h>

#include "kernel/irq/irq.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::test::Machine;

namespace {
struct Ran {
    int cpu = -1;
    bool hardirq = false;
};
void record_cpu(void* info) {
    auto* r = static_cast<Ran*>(info);
    r->cpu = smp_processor_id();
    r->hardirq = in_hardirq() != 0;
}
std::string row(const std::string& text, const std::string& name) {
    auto at = text.find(name + ":");
    return at == std::string::npos ? "" : text.substr(at, text.find('\n', at) - at);
}
}  // namespace

TEST_CASE("smp_call_function_single runs the function on the target CPU in hardirq context, counted as CAL") {
    // kernel/smp.c smp_call_function_single(), arch/x86/kernel/smp.c sysvec_call_function_single()
    Machine m(test::config(2));
    Ran ran;
    sim::Time waited = 0;
    m.kthread(
        "caller",
        [&] {
            sim::Time t0 = m.now();
            smp_call_function_single(1, record_cpu, &ran, 1);
            waited = m.now() - t0;
            return 0;
        },
        0);
    m.run_until(1'000'000);
    CHECK(ran.cpu == 1);
    CHECK(ran.hardirq);
    CHECK(waited >= m.k.config.costs[kernel::Cost::ipi_latency]);  // `wait` spins until it ran
    CHECK(m.k.cpu(1).lapic.cal_count == 1);
    CHECK(m.k.cpu(0).lapic.cal_count == 0);
    CHECK(row(kernel::show_interrupts(m.k), "CAL") == "CAL:          0          1   Function call interrupts");
}

TEST_CASE("the RES row of /proc/interrupts counts the reschedule IPIs each CPU took") {
    // arch/x86/kernel/irq.c arch_show_interrupts(): irq_resched_count
    Machine m(test::config(2));
    DECLARE_COMPLETION(done);
    m.kthread("waiter", [&] { wait_for_completion(&done); return 0; }, 1);
    m.kthread("waker", [&] { msleep(5); complete(&done); return 0; }, 0);
    m.run_until(20'000'000);
    std::uint64_t res = m.k.cpu(1).lapic.res_count;
    REQUIRE(res >= 1);
    char want[64];
    std::snprintf(want, sizeof want, "RES: %10u %10u   Rescheduling interrupts", static_cast<unsigned>(m.k.cpu(0).lapic.res_count),
                  static_cast<unsigned>(res));
    CHECK(row(kernel::show_interrupts(m.k), "RES") == want);
}
