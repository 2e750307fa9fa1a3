#include <catch2/catch.hpp>

#include <linux/kernel.h>
#include <linux/printk.h>

#include "kernel/kallsyms.hpp"
#include "kernel/printk/printk.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
void named_handler(void) {}
}  // namespace

TEST_CASE("printk takes the level prefix off and dmesg prints seconds.microseconds") {
    test::Machine m;
    m.kthread("t", [&] {
        irqlab::kernel::spend(1234567 - m.now());
        printk(KERN_ERR "disk %d failed\n", 3);
        pr_info("two\nlines\n");
        return 0;
    });
    m.run_until(10_ms);
    const auto& ring = m.k.log().ring();
    REQUIRE(ring.size() == 3);
    CHECK(ring[0].level == 3);
    CHECK(ring[0].text == "disk 3 failed");
    CHECK(m.dmesg() == "[    0.001234] disk 3 failed\n[    0.001234] two\n[    0.001234] lines\n");
}

TEST_CASE("pr_cont continues the previous line") {
    test::Machine m;
    m.kthread("t", [] {
        pr_info("a");
        pr_cont("b");
        pr_cont("c\n");
        return 0;
    });
    m.run_until(1_ms);
    REQUIRE(m.k.log().ring().size() == 1);
    CHECK(m.k.log().ring()[0].text == "abc");
}

TEST_CASE("%ps prints a registered function's name; %pS adds the offset; %p is a stable hash") {
    test::Machine m;
    std::string s1, s2, p1, p2;
    m.kthread("t", [&] {
        irqlab_symbol(named_handler);
        int obj = 0;
        char buf[128];
        scnprintf(buf, sizeof buf, "%ps|%pS", reinterpret_cast<void*>(named_handler), reinterpret_cast<void*>(named_handler));
        s1 = buf;
        scnprintf(buf, sizeof buf, "%p", &obj);
        p1 = buf;
        scnprintf(buf, sizeof buf, "%p", &obj);
        p2 = buf;
        return 0;
    });
    m.run_until(1_ms);
    CHECK(s1 == "named_handler|named_handler+0x0/0x0");
    CHECK(p1 == p2);
    CHECK(p1.size() == 16);
    CHECK(p1.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("the kernel's snprintf handles the C conversions") {
    test::Machine m;
    std::string s;
    m.kthread("t", [&] {
        char buf[128];
        const char* volatile none = nullptr;  // (volatile: the compiler must not see it is null)
        scnprintf(buf, sizeof buf, "%d %u %x %lu %lld %5s|%-3d|%c %s %%", -5, 7u, 255u, 9UL, -3LL, "ab", 4, 'z', none);
        s = buf;
        return 0;
    });
    m.run_until(1_ms);
    CHECK(s == "-5 7 ff 9 -3    ab|4  |z (null) %");
}
