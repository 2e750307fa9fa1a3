// The unhandled-interrupt detector and irqpoll (kernel/irq/spurious.c note_interrupt()).
#include <catch2/catch.hpp>


#include "irq_test.hpp"
#include "kernel/panic.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using test::dev_handler;
using test::other_handler;

namespace {

// A level line whose device never lets go: every interrupt is re-delivered after its EOI.
// `unhandled(n)` says whether call n (from 1) returns IRQ_NONE; at call `stop` the device
// finally deasserts the line.
struct Storm {
    test::Machine m;
    test::Dev dev{m, 16};
    int ret = -1;
    Storm(std::function<bool(long)> unhandled, long stop) {
        dev.record = false;
        dev.body = [unhandled, stop](test::Dev& d) {
            if (d.calls == stop) d.deassert();
            return unhandled(d.calls) ? IRQ_NONE : IRQ_HANDLED;
        };
        m.kthread("driver", [this] {
            ret = request_irq(16, dev_handler, 0, "stuck", &dev);
            return 0;
        });
        dev.assert_at(1_ms);
    }
};

}  // namespace

namespace {
// After `from`: a "handlers:" line, then "[<16 hex digits>] name" (%p hashed, then %ps),
// as __report_bad_irq() prints each action.
bool handler_listed_after(const std::string& d, std::size_t from, const std::string& name) {
    if (from == std::string::npos) return false;
    std::size_t h = d.find("] handlers:\n", from);
    if (h == std::string::npos) return false;
    std::size_t line = d.find('\n', h) + 1;
    std::size_t open = d.find("] [<", line);
    if (open == std::string::npos || d.find('\n', line) < open) return false;
    std::string hash = d.substr(open + 4, 16);
    if (hash.size() != 16 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
    return d.compare(open + 20, 3 + name.size() + 1, ">] " + name + "\n") == 0;
}
}  // namespace

// kernel/irq/spurious.c note_interrupt() + __report_bad_irq(): more than 99,900 unhandled
// in a window of 100,000 interrupts: the report, the handler list, "Disabling IRQ #N", and
// the line stays off (depth + 1, IRQS_SPURIOUS_DISABLED).
TEST_CASE("note_interrupt: 100,000 unhandled interrupts are 'nobody cared' and the line is disabled") {
    Storm s([](long) { return true; }, -1);
    s.m.run_until(2 * sim::kNsPerSec);
    REQUIRE(s.ret == 0);
    CHECK(s.dev.calls == 100000);  // not one more after "Disabling IRQ #16"
    std::string d = s.m.dmesg();
    CHECK(test::contains(d, "] irq 16: nobody cared (try booting with the \"irqpoll\" option)\n"));
    CHECK(handler_listed_after(d, 0, "dev_handler"));
    CHECK(test::contains(d, "] Disabling IRQ #16\n"));
    CHECK(d.find("nobody cared") < d.find("Disabling IRQ #16"));
    CHECK(test::count_of(d, "nobody cared") == 1);
    auto& desc = test::desc_of(s.m, 16);
    CHECK(desc.istate & kernel::IRQS_SPURIOUS_DISABLED);
    CHECK(desc.depth == 1);
    CHECK(desc.disabled());
    CHECK(s.m.k.bugs().count("nobody cared") == 1);
}

// kernel/irq/spurious.c poll_spurious_irqs() and kernel/irq/manage.c __setup_irq(): a
// shared line disabled as spurious is polled every HZ/10, and a new handler on it clears
// IRQS_SPURIOUS_DISABLED and enables it again ("give it another chance").
TEST_CASE("a shared line disabled as spurious is polled, and a new sharer re-enables it") {
    test::Machine m;
    test::Dev stuck(m, 18), fixer(m, 18);
    stuck.record = false;
    stuck.body = [](test::Dev&) { return IRQ_NONE; };
    long stuck_at_request = 0;
    unsigned depth_before = 0, depth_after = 99;
    m.kthread("driver", [&] {
        request_irq(18, dev_handler, IRQF_SHARED, "stuck", &stuck);
        msleep(500);
        stuck_at_request = stuck.calls;
        depth_before = test::desc_of(m, 18).depth;
        request_irq(18, other_handler, IRQF_SHARED, "fixer", &fixer);
        depth_after = test::desc_of(m, 18).depth;
        return 0;
    });
    stuck.assert_at(1_ms);
    m.run_until(2 * sim::kNsPerSec);
    CHECK(test::contains(m.dmesg(), "] Disabling IRQ #18\n"));
    CHECK(depth_before == 1);
    // The poller ran the handlers a few times (every 100 ms) while the line was off.
    CHECK(stuck_at_request > 100000);
    CHECK(stuck_at_request < 100010);
    CHECK(depth_after == 0);
    CHECK_FALSE(test::desc_of(m, 18).istate & kernel::IRQS_SPURIOUS_DISABLED);
    CHECK(fixer.calls >= 1);  // the line was delivered again, and cleared
    CHECK_FALSE(m.k.ioapic().input(18));
}

// kernel/irq/spurious.c note_interrupt(): the limit is "> 99900": exactly 99,900 unhandled
// of 100,000 leaves the line alone (and the next window starts from zero).
TEST_CASE("note_interrupt: 99,900 unhandled of 100,000 is not enough to disable the line") {
    // IRQ_HANDLED on calls 1000, 2000, ..., 100000: 100 handled in the first window.
    Storm s([](long n) { return n % 1000 != 0 || n > 100000; }, 120000);
    s.m.run_until(2 * sim::kNsPerSec);
    REQUIRE(s.ret == 0);
    CHECK(s.dev.calls == 120000);
    CHECK_FALSE(test::contains(s.m.dmesg(), "nobody cared"));
    CHECK_FALSE(test::desc_of(s.m, 16).disabled());
}

// kernel/irq/spurious.c note_interrupt(): an unhandled interrupt more than HZ/10 (100 ms)
// after the previous one restarts irqs_unhandled at 1: two storms with a pause between
// them do not add up, though 100,000 interrupts are counted across both.
TEST_CASE("note_interrupt: unhandled interrupts 100 ms apart restart the count") {
    test::Machine m;
    test::Dev dev(m, 16);
    dev.record = false;
    dev.body = [&m](test::Dev& d) {
        if (d.calls == 60000) {
            d.deassert();
            m.at(m.now() + 200_ms, [&d] { d.assert_line(); });
        }
        if (d.calls == 120000) d.deassert();
        return IRQ_NONE;
    };
    m.kthread("driver", [&] { return request_irq(16, dev_handler, 0, "stuck", &dev); });
    dev.assert_at(1_ms);
    m.run_until(2 * sim::kNsPerSec);
    CHECK(dev.calls == 120000);
    CHECK_FALSE(test::contains(m.dmesg(), "nobody cared"));
    CHECK_FALSE(test::desc_of(m, 16).disabled());
}

namespace {

// IRQ 17's device asserts its line but its handler does not recognise the interrupt; the
// device that needs service hangs off IRQ 16 (a misrouted interrupt).
long victim_calls(bool irqpoll, std::string& dmesg) {
    kernel::Config c = test::config();
    c.irqpoll = irqpoll;
    test::Machine m(c);
    test::Dev victim(m, 16), noisy(m, 17);
    noisy.body = [](test::Dev& d) {
        d.deassert();
        return IRQ_NONE;
    };
    m.kthread("driver", [&] {
        request_irq(16, dev_handler, IRQF_SHARED, "victim", &victim);
        request_irq(17, other_handler, 0, "noisy", &noisy);
        return 0;
    });
    noisy.assert_at(1_ms);
    m.run_until(5_ms);
    dmesg = m.dmesg();
    return victim.calls;
}

}  // namespace

// kernel/irq/spurious.c misrouted_irq() / try_one_irq(): with irqpoll an unhandled
// interrupt makes the kernel run the handlers of the other (shared) lines.
TEST_CASE("irqpoll: an unhandled interrupt polls the handlers of the other shared lines") {
    std::string with, without;
    CHECK(victim_calls(true, with) == 1);
    CHECK(victim_calls(false, without) == 0);
    CHECK(test::contains(with, "] Misrouted IRQ fixup and polling support enabled\n"));
    CHECK(test::contains(with, "] This may significantly impact system performance\n"));
    CHECK_FALSE(test::contains(without, "Misrouted"));
}

// kernel/irq/spurious.c report_bad_irq(): a return value above IRQ_HANDLED |
// IRQ_WAKE_THREAD is reported ("irq event %d: bogus return value %x", at most 100 times)
// and not counted as unhandled.
TEST_CASE("note_interrupt: a bogus handler return value is reported, at most 100 times") {
    test::Machine m;
    test::Dev dev(m, 1);
    dev.record = false;
    dev.body = [](test::Dev&) { return static_cast<irqreturn_t>(7); };
    m.kthread("driver", [&] { return request_irq(1, dev_handler, 0, "bogus", &dev); });
    for (int i = 0; i < 101; ++i) dev.pulse_at(1_ms + i * 100_us);
    m.run_until(50_ms);
    CHECK(dev.calls == 101);
    std::string d = m.dmesg();
    CHECK(test::contains(d, "] irq event 1: bogus return value 7\n"));
    CHECK(test::count_of(d, "bogus return value 7") == 100);
    CHECK(handler_listed_after(d, d.find("bogus return value 7"), "dev_handler"));
    CHECK(test::desc_of(m, 1).irqs_unhandled == 0);
    CHECK_FALSE(test::contains(d, "nobody cared"));
}
