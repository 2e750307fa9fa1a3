#include <catch2/catch.hpp>

#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kernel/panic.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

TEST_CASE("kmalloc fills new memory with the free poison; kzalloc zeroes it") {
    test::Machine m;
    unsigned char k0 = 0, z0 = 1;
    m.kthread("t", [&] {
        auto* a = static_cast<unsigned char*>(kmalloc(32, GFP_KERNEL));
        auto* b = static_cast<unsigned char*>(kzalloc(32, GFP_KERNEL));
        k0 = a[7];
        z0 = b[7];
        kfree(a);
        kfree(b);
        kfree(nullptr);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(k0 == 0x6b);
    CHECK(z0 == 0);
    CHECK(m.k.memory().bytes_in_use() == 0);
    CHECK(m.k.bugs().total() == 0);
}

TEST_CASE("a GFP_KERNEL allocation in atomic context may sleep: reported; GFP_ATOMIC is fine") {
    test::Machine m;
    m.kthread("t", [] {
        DEFINE_SPINLOCK(l);
        spin_lock(&l);
        kfree(kmalloc(16, GFP_ATOMIC));
        kfree(kmalloc(16, GFP_KERNEL));
        spin_unlock(&l);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(m.dmesg().find("BUG: sleeping function called from invalid context at include/linux/sched/mm.h:321") !=
          std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kSleepInAtomic) == 1);
}

TEST_CASE("kfree of something never allocated is reported in KASAN's words") {
    test::Machine m;
    m.kthread("t", [] {
        static int not_heap;
        kfree(&not_heap);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(m.dmesg().find("BUG: KASAN: double-free or invalid-free in kfree") != std::string::npos);
    CHECK(m.k.bugs().count(kernel::bug::kInvalidFree) == 1);
}
