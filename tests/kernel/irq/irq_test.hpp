// Helpers for the IRQ core's tests: a "device" on an IO-APIC pin whose handler records
// every run (when, where, in what context) and then does what the test asks.
//
// The line is driven from the engine, as a device would drive it:
//   m.at(t, [&] { m.k.ioapic().set_input(pin, true, 0); })   level asserted
//   m.at(t, [&] { m.k.ioapic().pulse_input(pin, 0); })       one edge
// IRQ N is IO-APIC pin N (IRQ 0 is on pin 2): ISA IRQs 1-15 are edge, 16-23 level.
#pragma once

#include <linux/interrupt.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include <functional>
#include <string>
#include <vector>

#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/sched/spend.hpp"
#include "machine.hpp"

namespace irqlab::test {

// One run of a handler (or a thread function).
struct Run {
    sim::Time start = 0, end = 0;
    int cpu = -1;
    bool hardirq = false, task = false, irqs_off = false;
    std::string comm;
};

struct Dev {
    Dev(Machine& machine, int line) : m(machine), pin(line) {}
    Machine& m;
    int pin;
    sim::Time cost = 0;         // time the handler spends before `body`
    bool record = true;         // keep a Run per call (off for storms)
    long calls = 0;
    std::vector<Run> runs;
    // What the handler does after spending `cost`; by default the device's condition is
    // cleared (the pin deasserted) and the interrupt claimed.
    std::function<irqreturn_t(Dev&)> body = [](Dev& d) {
        d.deassert();
        return IRQ_HANDLED;
    };

    void assert_line() { m.k.ioapic().set_input(pin, true, 0); }
    void deassert() { m.k.ioapic().set_input(pin, false, 0); }
    void assert_at(sim::Time t) {
        m.at(t, [this] { assert_line(); });
    }
    void pulse_at(sim::Time t) {
        m.at(t, [this] { m.k.ioapic().pulse_input(pin, 0); });
    }

    irqreturn_t run() {
        ++calls;
        Run r;
        if (record) {
            r.start = m.now();
            r.cpu = smp_processor_id();
            r.hardirq = in_hardirq() != 0;
            r.task = in_task();
            r.irqs_off = irqs_disabled();
            r.comm = get_current()->comm;
        }
        if (cost) kernel::spend(cost);
        irqreturn_t ret = body(*this);
        if (record) {
            r.end = m.now();
            runs.push_back(r);
        }
        return ret;
    }
};

// The handler every test device uses: dev_id is its Dev.
inline irqreturn_t dev_handler(int, void* dev_id) { return static_cast<Dev*>(dev_id)->run(); }
// The same, under other names (a second action on a shared line, a thread function).
inline irqreturn_t other_handler(int, void* dev_id) { return static_cast<Dev*>(dev_id)->run(); }
inline irqreturn_t dev_thread_fn(int, void* dev_id) { return static_cast<Dev*>(dev_id)->run(); }

inline kernel::IrqDesc& desc_of(Machine& m, unsigned irq) { return *m.k.irqs().desc(irq); }

inline std::uint64_t kstat_total(Machine& m, unsigned irq) {
    std::uint64_t n = 0;
    for (std::uint64_t v : desc_of(m, irq).kstat) n += v;
    return n;
}

inline bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

inline std::size_t count_of(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

}  // namespace irqlab::test
