// lockdep's irq-safety check (kernel/locking/lockdep.c: mark_usage(), mark_lock(),
// mark_lock_irq(), mark_held_locks(), print_usage_bug()): a lock class used in an
// interrupt and also taken with that interrupt enabled is "WARNING: inconsistent lock state".
#include <catch2/catch.hpp>

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>

#include <algorithm>

#include "kernel/irq_source.hpp"
#include "kernel/locking/spinlock.hpp"
#include "kernel/panic.hpp"
#include "kernel/sched/frames.hpp"
#include "machine.hpp"

using namespace irqlab;
using irqlab::test::Machine;

namespace {

constexpr sim::Time us = 1000;
constexpr std::string_view kInconsistent = "inconsistent lock state";

// A driver's device: one lock shared by its process-context path, its interrupt handler
// and its tasklet.
struct foo_dev {
    spinlock_t lock;
    struct tasklet_struct tasklet;
    int count;
};

void foo_tasklet(struct tasklet_struct* t) {
    foo_dev* dev = from_tasklet(dev, t, tasklet);
    spin_lock(&dev->lock);
    dev->count++;
    spin_unlock(&dev->lock);
}

void foo_dev_init(foo_dev* dev) {
    spin_lock_init(&dev->lock);
    tasklet_setup(&dev->tasklet, foo_tasklet);
    dev->count = 0;
}

// The handler's work: named on the context stack, as a request_irq() handler is.
void foo_interrupt(foo_dev* dev) {
    kernel::FrameScope f("foo_interrupt");
    spin_lock(&dev->lock);
    dev->count++;
    spin_unlock(&dev->lock);
}

// Schedules the tasklet as a driver's process context would, in a BH-disabled section:
// local_bh_enable() runs it at once, on this task's stack.
void schedule_bh(struct tasklet_struct* t) {
    local_bh_disable();
    tasklet_schedule(t);
    local_bh_enable();
}

std::vector<std::string> log_lines(Machine& m) {
    m.k.log().flush();
    std::vector<std::string> out;
    for (const kernel::LogRecord& r : m.k.log().ring()) out.push_back(r.text);
    return out;
}

// The report's lines from its banner on, up to and including "stack backtrace:".
std::vector<std::string> report(Machine& m) {
    std::vector<std::string> all = log_lines(m);
    auto begin = std::find(all.begin(), all.end(), "================================");
    auto end = std::find(begin, all.end(), "stack backtrace:");
    if (begin == all.end() || end == all.end()) return {};
    return {begin, end + 1};
}

std::size_t count_of(const std::vector<std::string>& lines, std::string_view s) {
    return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), s));
}

// The report's head: the usage conflict, who takes the lock in which context, the lock
// with its class usage, and (if given) the first line of the registered-at trace.
void check_head(const std::vector<std::string>& r, const std::string& usage, const std::string& takes,
                const std::string& lock, const std::string& registered = "") {
    CHECK(r[4] == "inconsistent " + usage + " usage.");
    CHECK(r[5] == takes + " takes:");
    CHECK(r[6] == "ffffffffc0000040 (&dev->lock)" + lock);
    if (!registered.empty()) CHECK(r[7] == registered + " state was registered at:");
}

// The process-context path of the tests: named on the stack, as a driver's ioctl would be.
struct FooIoctl {
    kernel::FrameScope f{"foo_ioctl"};
};

bool records_one(Machine& m) {
    const auto& r = m.k.bugs().records();
    return m.k.bugs().count(kInconsistent) == 1 && r.size() == 1 && r[0].kind == kInconsistent &&
           r[0].line == "WARNING: inconsistent lock state";
}

}  // namespace

TEST_CASE("mark_lock_irq(): a lock taken in a hardirq and with hardirqs on reports inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage") {
    // The handler marks the class IN-HARDIRQ-W; the process then takes it with hardirqs
    // on (HARDIRQ-ON-W): an interrupt arriving while it holds the lock would spin forever.
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] { foo_interrupt(dev); };
    irq.fire_at(10 * us);
    int pid = 0;
    m.kthread("foo", [&] {
        FooIoctl f;
        pid = get_current()->pid;
        udelay(50);  // the interrupt comes in here
        spin_lock(&dev->lock);
        dev->count++;
        spin_unlock(&dev->lock);
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(dev->count == 2);
    std::string comm = "foo/" + std::to_string(pid);
    std::vector<std::string> expected = {
        "================================",
        "WARNING: inconsistent lock state",
        "6.12.117-irqlab #1 Not tainted",
        "--------------------------------",
        "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.",
        comm + " [HC0[0]:SC0[0]:HE1:SE1] takes:",
        "ffffffffc0000040 (&dev->lock){?...}-{2:2}, at: foo_ioctl+0x0/0x0",
        "{IN-HARDIRQ-W} state was registered at:",
        "  lock_acquire",
        "  _raw_spin_lock",
        "  foo_interrupt",
        "  common_interrupt",
        "  foo_ioctl",
        "  kthread",
        "  ret_from_fork",
        "  ret_from_fork_asm",
        "",
        "other info that might help us debug this:",
        " Possible unsafe locking scenario:",
        "",
        "       CPU0",
        "       ----",
        "  lock(&dev->lock);",
        "  <Interrupt>",
        "    lock(&dev->lock);",
        "",
        " *** DEADLOCK ***",
        "",
        "no locks held by " + comm + ".",
        "",
        "stack backtrace:",
    };
    CHECK(report(m) == expected);
    // Then dump_stack(), from lock_acquire() down to the process's own frames; the
    // version in the ident line is the one the CPU line prints.
    std::vector<std::string> all = log_lines(m);
    auto it = std::find(all.begin(), all.end(), "stack backtrace:");
    REQUIRE(all.end() - it > 8);
    CHECK(it[1] == "CPU: 0 UID: 0 PID: " + std::to_string(pid) + " Comm: foo Not tainted 6.12.117-irqlab #1");
    CHECK(std::vector<std::string>(it + 5, it + 12) ==
          std::vector<std::string>{" dump_stack_lvl", " print_usage_bug", " mark_lock", " __lock_acquire",
                                   " lock_acquire", " _raw_spin_lock", " foo_ioctl"});
    CHECK(records_one(m));
    const auto& kinds = kernel::bug::kinds();
    CHECK(std::find(kinds.begin(), kinds.end(), kInconsistent) != kinds.end());
}

TEST_CASE("mark_lock_irq(): a hardirq taking a lock taken before with hardirqs on reports {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} from the handler") {
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] { foo_interrupt(dev); };
    irq.fire_at(50 * us);
    int pid = 0;
    m.kthread("foo", [&] {
        FooIoctl f;
        pid = get_current()->pid;
        spin_lock(&dev->lock);
        dev->count++;
        spin_unlock(&dev->lock);
        udelay(100);  // the interrupt comes in here, the lock free: no deadlock this time
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(dev->count == 2);
    std::vector<std::string> r = report(m);
    std::string comm = "foo/" + std::to_string(pid);
    REQUIRE(r.size() > 8);
    // The interrupted task is current; in a hardirq, with hardirqs off.
    check_head(r, "{HARDIRQ-ON-W} -> {IN-HARDIRQ-W}", comm + " [HC1[1]:SC0[0]:HE0:SE1]",
               "{?.+.}-{2:2}, at: foo_interrupt+0x0/0x0", "{HARDIRQ-ON-W}");
    CHECK(r[8] == "  lock_acquire");
    CHECK(r[9] == "  _raw_spin_lock");
    CHECK(r[10] == "  foo_ioctl");
    std::vector<std::string> all = log_lines(m);
    auto it = std::find(all.begin(), all.end(), "stack backtrace:");
    CHECK(std::find(it, all.end(), " <IRQ>") != all.end());
    CHECK(records_one(m));
}

TEST_CASE("mark_usage(): spin_lock_irqsave() in the process and spin_lock() in the hardirq handler is consistent: no report") {
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] { foo_interrupt(dev); };
    irq.fire_at(10 * us);  // while the process holds the lock: delivered at the restore
    m.kthread("foo", [&] {
        FooIoctl f;
        unsigned long flags;
        spin_lock_irqsave(&dev->lock, flags);
        udelay(50);
        dev->count++;
        spin_unlock_irqrestore(&dev->lock, flags);
        spin_lock_irq(&dev->lock);  // after the handler marked it IN-HARDIRQ-W
        dev->count++;
        spin_unlock_irq(&dev->lock);
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(dev->count == 3);
    CHECK(irq.seen.size() == 1);
    CHECK(m.k.bugs().total() == 0);
    CHECK(report(m).empty());
}

TEST_CASE("mark_usage(): spin_lock_bh() in the process and spin_lock() in a tasklet is consistent: no report") {
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    m.kthread("foo", [&] {
        FooIoctl f;
        spin_lock_bh(&dev->lock);
        dev->count++;
        spin_unlock_bh(&dev->lock);
        schedule_bh(&dev->tasklet);  // IN-SOFTIRQ-W
        spin_lock_bh(&dev->lock);
        dev->count++;
        spin_unlock_bh(&dev->lock);
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(dev->count == 3);
    CHECK(m.k.bugs().total() == 0);
    CHECK(report(m).empty());
}

TEST_CASE("mark_lock_irq(): plain spin_lock() in the process and spin_lock() in a tasklet reports inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage") {
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    int pid = 0;
    m.kthread("foo", [&] {
        FooIoctl f;
        pid = get_current()->pid;
        spin_lock(&dev->lock);  // softirqs on: SOFTIRQ-ON-W
        dev->count++;
        spin_unlock(&dev->lock);
        schedule_bh(&dev->tasklet);
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(dev->count == 2);
    std::vector<std::string> r = report(m);
    std::string comm = "foo/" + std::to_string(pid);
    REQUIRE(r.size() > 25);
    // Serving a softirq (from local_bh_enable(), on the process's stack), hardirqs on.
    check_head(r, "{SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W}", comm + " [HC0[0]:SC1[1]:HE1:SE0]",
               "{+.?.}-{2:2}, at: foo_tasklet+0x0/0x0", "{SOFTIRQ-ON-W}");
    CHECK(r[8] == "  lock_acquire");
    CHECK(r[9] == "  _raw_spin_lock");
    CHECK(r[10] == "  foo_ioctl");
    CHECK(std::find(r.begin(), r.end(), "  lock(&dev->lock);") != r.end());
    CHECK(std::find(r.begin(), r.end(), " *** DEADLOCK ***") != r.end());
    CHECK(records_one(m));
}

TEST_CASE("mark_held_locks(): enabling hardirqs while holding a lock used in a hardirq reports {IN-HARDIRQ-W} -> {HARDIRQ-ON-W}") {
    // spin_unlock_irq() of an inner lock turns interrupts on with the outer one still held:
    // lockdep_hardirqs_on() marks every held lock HARDIRQ-ON-W.
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    spinlock_t inner;
    spin_lock_init(&inner);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] { foo_interrupt(dev); };
    irq.fire_at(10 * us);
    int pid = 0;
    m.kthread("foo", [&] {
        FooIoctl f;
        pid = get_current()->pid;
        udelay(50);  // the interrupt comes in here
        spin_lock_irq(&dev->lock);
        spin_lock_irq(&inner);
        spin_unlock_irq(&inner);  // hardirqs on, dev->lock held
        spin_unlock_irq(&dev->lock);
        return 0;
    });
    m.run_until(1'000 * us);
    std::vector<std::string> r = report(m);
    std::string comm = "foo/" + std::to_string(pid);
    REQUIRE(r.size() > 25);
    check_head(r, "{IN-HARDIRQ-W} -> {HARDIRQ-ON-W}", comm + " [HC0[0]:SC0[0]:HE0:SE1]",  // not yet on
               "{?...}-{2:2}, at: foo_ioctl+0x0/0x0");
    auto held = std::find(r.begin(), r.end(), "1 lock held by " + comm + ":");
    REQUIRE(held != r.end());
    CHECK(held[1] == " #0: ffffffffc0000040 (&dev->lock){?...}-{2:2}, at: foo_ioctl+0x0/0x0");
    std::vector<std::string> all = log_lines(m);
    auto it = std::find(all.begin(), all.end(), "stack backtrace:");
    REQUIRE(all.end() - it > 11);
    CHECK(std::vector<std::string>(it + 5, it + 12) ==
          std::vector<std::string>{" dump_stack_lvl", " print_usage_bug", " mark_lock", " mark_held_locks",
                                   " lockdep_hardirqs_on_prepare", " trace_hardirqs_on", " foo_ioctl"});
    CHECK(records_one(m));
}

TEST_CASE("mark_usage(): a trylock in a hardirq handler does not mark the lock IN-HARDIRQ-W (it cannot deadlock)") {
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] {
        if (spin_trylock(&dev->lock)) {
            dev->count++;
            spin_unlock(&dev->lock);
        }
    };
    irq.fire_at(10 * us);
    m.kthread("foo", [&] {
        FooIoctl f;
        udelay(50);
        spin_lock(&dev->lock);
        dev->count++;
        spin_unlock(&dev->lock);
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(dev->count == 2);
    CHECK(m.k.bugs().total() == 0);
}

TEST_CASE("print_usage_bug(): only the first inconsistent lock state is reported (debug_locks_off())") {
    Machine m;
    foo_dev a_storage, b_storage;
    foo_dev* a = &a_storage;
    foo_dev* b = &b_storage;
    foo_dev_init(a);
    foo_dev_init(b);
    // spin_lock_init() keys every foo_dev's lock on one class; b's gets one of its own.
    static struct lock_class_key b_key;
    __raw_spin_lock_init(&b->lock.rlock, "&b->lock", &b_key);
    test::TestIrq irq(m, 0, 0x40, 1 * us);
    irq.extra = [&] { foo_interrupt(a); };
    irq.fire_at(10 * us);
    m.kthread("foo", [&] {
        FooIoctl f;
        udelay(50);
        spin_lock(&a->lock);  // the first report
        spin_unlock(&a->lock);
        spin_lock(&b->lock);
        spin_unlock(&b->lock);
        schedule_bh(&b->tasklet);  // would be the second
        return 0;
    });
    m.run_until(1'000 * us);
    CHECK(b->count == 1);
    std::vector<std::string> all = log_lines(m);
    CHECK(count_of(all, "WARNING: inconsistent lock state") == 1);
    CHECK(count_of(all, "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.") == 1);
    CHECK(count_of(all, "inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.") == 0);
    CHECK(records_one(m));
    CHECK_FALSE(m.k.locking().debug_locks);
}
TEST_CASE("mark_held_locks(): local_bh_enable() with a lock used in a softirq held reports {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W}") {
    Machine m;
    foo_dev storage;
    foo_dev* dev = &storage;
    foo_dev_init(dev);
    int pid = 0;
    m.kthread("foo", [&] {
        FooIoctl f;
        pid = get_current()->pid;
        schedule_bh(&dev->tasklet);  // IN-SOFTIRQ-W
        local_bh_disable();
        spin_lock(&dev->lock);  // softirqs off: HARDIRQ-ON-W only
        local_bh_enable();  // softirqs on with the lock held
        spin_unlock(&dev->lock);
        return 0;
    });
    m.run_until(1'000 * us);
    std::vector<std::string> r = report(m);
    std::string comm = "foo/" + std::to_string(pid);
    REQUIRE(r.size() > 25);
    check_head(r, "{IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W}", comm + " [HC0[0]:SC0[0]:HE0:SE1]",
               "{+.?.}-{2:2}, at: foo_ioctl+0x0/0x0", "{IN-SOFTIRQ-W}");
    CHECK(r[10] == "  foo_tasklet");
    auto held = std::find(r.begin(), r.end(), "1 lock held by " + comm + ":");
    REQUIRE(held != r.end());
    CHECK(held[1] == " #0: ffffffffc0000040 (&dev->lock){+.?.}-{2:2}, at: foo_ioctl+0x0/0x0");
    std::vector<std::string> all = log_lines(m);
    auto it = std::find(all.begin(), all.end(), "stack backtrace:");
    REQUIRE(all.end() - it > 12);
    CHECK(std::vector<std::string>(it + 9, it + 13) ==
          std::vector<std::string>{" lockdep_hardirqs_on_prepare", " trace_hardirqs_on", " __local_bh_enable_ip",
                                   " foo_ioctl"});
    CHECK(records_one(m));
}
