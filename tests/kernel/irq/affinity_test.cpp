// Vector allocation and affinity changes (arch/x86/kernel/apic/vector.c, kernel/irq/
// manage.c irq_set_affinity(), kernel/irq/migration.c irq_move_masked_irq()).
#include <catch2/catch.hpp>

#include <linux/cpumask.h>
#include <linux/delay.h>

#include "irq_test.hpp"
#include "kernel/fs/proc/proc.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;

namespace {
struct cpumask only(unsigned cpu) {
    struct cpumask m;
    cpumask_clear(&m);
    cpumask_set_cpu(cpu, &m);
    return m;
}
}  // namespace

// kernel/irq/matrix.c matrix_find_best_cpu(): a new vector goes to the allowed CPU with
// the most free vectors (the first on a tie), at its lowest free vector.
TEST_CASE("vector allocation: the CPU with the most free vectors, its lowest free vector") {
    test::Machine m(test::config(2));
    test::Dev a(m, 16), b(m, 17), c(m, 18);
    m.kthread("driver", [&] {
        request_irq(16, dev_handler, 0, "a", &a);
        request_irq(17, dev_handler, 0, "b", &b);
        request_irq(18, dev_handler, 0, "c", &c);
        return 0;
    });
    m.run_until(1_ms);
    auto& d16 = test::desc_of(m, 16);
    auto& d17 = test::desc_of(m, 17);
    auto& d18 = test::desc_of(m, 18);
    CHECK(d16.effective_cpu == 0);  // tie: the first CPU
    CHECK(d17.effective_cpu == 1);  // CPU0 has one vector fewer now
    CHECK(d18.effective_cpu == 0);
    CHECK(d16.vector == 0x20);      // FIRST_EXTERNAL_VECTOR
    CHECK(d17.vector == 0x20);
    CHECK(d18.vector == 0x21);
}

// kernel/irq/manage.c irq_set_affinity() on an active line without IRQD_MOVE_PCNTXT: the
// new mask is pending (IRQD_SETAFFINITY_PENDING, shown in smp_affinity) and the move is
// done in the next interrupt's ack/EOI (ioapic_ack_level() -> irq_move_masked_irq()); that
// interrupt still counts on the old CPU, the following ones on the new.
TEST_CASE("irq_set_affinity on an active IRQ moves it at its next interrupt") {
    test::Machine m(test::config(2));
    test::Dev dev(m, 16);
    int ret = -1;
    bool pending_after_set = false;
    std::string list_after_set, effective_after_set;
    m.kthread("driver", [&] {
        request_irq(16, dev_handler, 0, "nic", &dev);
        msleep(10);  // two interrupts on CPU0 meanwhile
        struct cpumask cpu1 = only(1);
        ret = irq_set_affinity(16, &cpu1);
        pending_after_set = test::desc_of(m, 16).state & kernel::IRQD_SETAFFINITY_PENDING;
        list_after_set = kernel::procfs::read(m.k, "irq/16/smp_affinity_list").value_or("");
        effective_after_set = kernel::procfs::read(m.k, "irq/16/effective_affinity_list").value_or("");
        return 0;
    }, 0);
    dev.assert_at(1_ms);
    dev.assert_at(2_ms);
    dev.assert_at(30_ms);  // still on CPU0: this one moves it
    dev.assert_at(31_ms);
    dev.assert_at(32_ms);
    m.run_until(40_ms);
    REQUIRE(ret == 0);
    CHECK(pending_after_set);
    CHECK(list_after_set == "1\n");       // the pending mask
    CHECK(effective_after_set == "0\n");  // not moved yet
    REQUIRE(dev.runs.size() == 5);
    CHECK(dev.runs[2].cpu == 0);
    CHECK(dev.runs[3].cpu == 1);
    CHECK(dev.runs[4].cpu == 1);
    auto& desc = test::desc_of(m, 16);
    CHECK(desc.kstat[0] == 3);
    CHECK(desc.kstat[1] == 2);
    CHECK_FALSE(desc.state & kernel::IRQD_SETAFFINITY_PENDING);
    CHECK(desc.effective_cpu == 1);
    CHECK(desc.move_cpu == -1);  // the old vector was given back at the first one on CPU1
    CHECK(kernel::procfs::read(m.k, "irq/16/effective_affinity_list") == std::string("1\n"));
    CHECK(m.k.ioapic().entry(16).dest == 1);
}
