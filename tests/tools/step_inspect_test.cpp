// What the stepper prints about the paused machine (tools/step/inspect.*): each lesson is
// run to an interesting trace record, paused there (inside a handler, a tasklet, on the
// CPU's fiber), and the inspection text is checked against what the kernel is doing.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <sstream>

#include <linux/interrupt.h>

#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/trace/events.hpp"
#include "sim/simulator.hpp"
#include "sim/trace.hpp"
#include "tools/scenario/scenario.hpp"
#include "tests/tools/cli.hpp"
#include "tools/output/ftrace_text.hpp"
#include "tools/scenario/world.hpp"
#include "tools/step/inspect.hpp"
#include "tests/tools/step_inspect_all.hpp"

using namespace irqlab;
using Ev = kernel::trace::Ev;

namespace {

bool is(const sim::TraceRecord& r, Ev kind) { return r.kind == static_cast<std::uint16_t>(kind); }

// A lesson's machine, booted and populated as `irqlab run` does it, with a trace subscriber
// that pauses the run at the first record run_to()'s predicate accepts (the simulation stays
// paused mid-fiber until the next run_until), and optionally the ftrace text of the run.
// One machine per test case: drivers keep static state (a DECLARE_TASKLET), and ctest runs
// each test case in its own process.
class Machine : public sim::TraceSubscriber {
public:
    explicit Machine(const std::string& lesson, std::vector<std::string> sets = {}, std::ostream* trace_text = nullptr)
        : sc_(scenario::load_file(std::string(IRQLAB_SOURCE_DIR) + "/scenarios/" + lesson + ".yaml", sets)),
          sim_(sc_.seed, sc_.machine.stack_size ? sc_.machine.stack_size : sim::Fiber::default_stack_size()),
          k_(sim_, sc_.machine) {
        if (trace_text) {
            ftrace_ = std::make_unique<output::FtraceText>(*trace_text, k_, false);
            sim_.trace().subscribe(ftrace_.get());
        }
        sim_.trace().subscribe(this);
        k_.boot();
        world_ = std::make_unique<scenario::World>(k_, sc_);
    }
    ~Machine() override {
        k_.shutdown();
        world_.reset();
        sim_.trace().unsubscribe(this);
        if (ftrace_) {
            sim_.trace().unsubscribe(ftrace_.get());
            ftrace_->finish();
        }
        sim_.shutdown();
    }

    kernel::Kernel& k() { return k_; }
    scenario::World& world() { return *world_; }
    sim::Simulator& sim() { return sim_; }
    const scenario::Scenario& sc() const { return sc_; }

    // Runs until the first record `stop` accepts; returns true when paused there.
    bool run_to(std::function<bool(const sim::TraceRecord&)> stop) {
        stop_ = std::move(stop);
        bool paused = sim_.run_until(sc_.until) == sim::Simulator::Status::Paused;
        stop_ = nullptr;
        return paused;
    }
    void finish() {
        while (sim_.run_until(sc_.until) == sim::Simulator::Status::Paused) {
        }
    }
    const sim::TraceRecord& at() const { return at_; }

    void on_record(const sim::TraceRecord& r) override {
        if (stop_ && sim_.inside() && stop_(r)) {
            at_ = r;
            sim_.pause();
        }
    }

private:
    scenario::Scenario sc_;
    sim::Simulator sim_;
    kernel::Kernel k_;
    std::unique_ptr<scenario::World> world_;
    std::unique_ptr<output::FtraceText> ftrace_;
    std::function<bool(const sim::TraceRecord&)> stop_;
    sim::TraceRecord at_;
};

template <class Fn>
std::string text(Fn fn) {
    std::ostringstream o;
    fn(o);
    return o.str();
}

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The line of `s` that contains `needle` ("" if none).
std::string line_with(const std::string& s, const std::string& needle) {
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        if (has(line, needle)) return line;
    return "";
}

// A trace text without its "#" header (whose entries count only a file gets filled in).
std::string records_of(const std::string& trace) {
    std::istringstream in(trace);
    std::string out;
    for (std::string line; std::getline(in, line);)
        if (!line.starts_with("#")) out += line + "\n";
    return out;
}

// Everything the inspection commands print about `m`, as one text.
std::string everything(Machine& m) {
    std::ostringstream o;
    test::inspect_everything(o, m.k(), m.world());
    return o.str();
}

}  // namespace

TEST_CASE("paused inside a tasklet, bt shows task > softirq TASKLET > tasklet and the tasklet is TASKLET_STATE_RUN") {
    Machine m("bh-tasklet-split");
    REQUIRE(m.run_to([](const sim::TraceRecord& r) { return is(r, Ev::tasklet_entry); }));
    kernel::Kernel& k = m.k();
    int cpu = m.at().cpu;
    REQUIRE(cpu == 0);

    std::string bt = text([&](std::ostream& o) { step::backtrace(o, k, cpu); });
    INFO(bt);
    CHECK(has(bt, "preempt_count 0x00000100 (hardirq 0, softirq 1, preempt 0)"));
    CHECK(has(line_with(bt, "#0"), "task"));
    CHECK(has(line_with(bt, "#0"), "cruncher (pid "));
    CHECK(has(line_with(bt, "#1"), "softirq"));
    CHECK(has(line_with(bt, "#1"), "TASKLET"));
    CHECK(has(line_with(bt, "#1"), "<IRQ> __do_softirq tasklet_action"));
    CHECK(has(line_with(bt, "#2"), "tasklet"));
    CHECK(has(line_with(bt, "#2"), "irqgen_bh"));
    CHECK(line_with(bt, "#3").empty());
    CHECK(line_with(bt, "  hardirq  ").empty());  // the hard handler has returned: irq_exit runs the softirq

    std::string tasklets = text([&](std::ostream& o) { step::info_tasklets(o, k); });
    INFO(tasklets);
    std::string running = line_with(tasklets, "running (tasklet_action)");
    CHECK(has(running, "irqgen_bh"));
    CHECK(has(running, "TASKLET_STATE_RUN"));
    CHECK_FALSE(has(running, "TASKLET_STATE_SCHED"));  // cleared before it runs: it may be scheduled again

    std::string cpus = text([&](std::ostream& o) { step::info_cpus(o, k); });
    INFO(cpus);
    CHECK(has(cpus, "in_serving_softirq"));
    CHECK(has(cpus, "softirq TASKLET > tasklet irqgen_bh"));
    CHECK(has(line_with(cpus, "cruncher"), "0x00000100"));

    std::string soft = text([&](std::ostream& o) { step::info_softirqs(o, k); });
    INFO(soft);
    CHECK(has(line_with(soft, "ksoftirqd"), "TASKLET"));  // CPU0's row: serving TASKLET
    m.finish();
}

TEST_CASE("paused in kbd_bh on the idle CPU, bt starts at swapper/0 and info tasks shows the reader asleep") {
    // kbd-blocked-reader: the first key's interrupt lands on the idle CPU, whose irq_exit
    // runs the tasklet; the reader sleeps in read() until kbd_bh wakes it.
    Machine m("kbd-blocked-reader");
    REQUIRE(m.run_to([](const sim::TraceRecord& r) { return is(r, Ev::tasklet_entry); }));
    kernel::Kernel& k = m.k();
    std::string bt = text([&](std::ostream& o) { step::backtrace(o, k, 0); });
    INFO(bt);
    CHECK(has(line_with(bt, "#0"), "swapper/0 (pid 0), idle"));
    CHECK(has(line_with(bt, "#1"), "TASKLET"));
    CHECK(has(line_with(bt, "#2"), "kbd_bh"));
    std::string tasks = text([&](std::ostream& o) { step::info_tasks(o, k); });
    INFO(tasks);
    // The reader sleeps in the driver's read, interruptibly.
    std::string reader = line_with(tasks, "reader");
    CHECK(has(reader, " S "));
    CHECK(has(reader, "asleep"));
    m.finish();
}

TEST_CASE("paused at irq_handler_entry, bt shows the hardirq with its irq and action, info irqs IRQD_IRQ_INPROGRESS") {
    Machine m("bh-tasklet-split");
    REQUIRE(m.run_to([](const sim::TraceRecord& r) { return is(r, Ev::irq_handler_entry) && r.arg[0] == 17; }));
    kernel::Kernel& k = m.k();

    std::string bt = text([&](std::ostream& o) { step::backtrace(o, k, 0); });
    INFO(bt);
    CHECK(has(bt, "preempt_count 0x00010000 (hardirq 1, softirq 0, preempt 0), interrupts off"));
    std::string hard = line_with(bt, "#1");
    CHECK(has(hard, "hardirq"));
    CHECK(has(hard, "irq 17 (irqgen.0)"));
    CHECK(has(hard, "<IRQ> common_interrupt handle_fasteoi_irq handle_irq_event __handle_irq_event_percpu"));

    std::string irqs = text([&](std::ostream& o) { step::info_irqs(o, k); });
    INFO(irqs);
    CHECK(has(irqs, "IRQ 17: IO-APIC 17-fasteoi, level, active-low, vector "));
    CHECK(has(line_with(irqs, "  state"), "IRQD_IRQ_INPROGRESS"));
    CHECK(has(irqs, "irqgen.0: flags"));
    CHECK(has(irqs, "handler irqgen_isr"));

    // A level line on the IO-APIC: the vector is in service on CPU0 until the EOI, Remote
    // IRR is set and the line still asserted (the handler has not acknowledged yet).
    int vector = k.irqs().desc(17)->vector;
    std::string lapic = text([&](std::ostream& o) { step::info_lapic(o, k, 0); });
    INFO(lapic);
    char vec[8];
    std::snprintf(vec, sizeof vec, "0x%02x", vector);
    CHECK(has(line_with(lapic, "ISR"), std::string(vec) + " (irq 17 irqgen.0)"));
    CHECK(has(line_with(lapic, "TMR"), vec));
    std::string ioapic = text([&](std::ostream& o) { step::info_ioapic(o, k); });
    INFO(ioapic);
    std::string pin = line_with(ioapic, "17 irqgen.0");
    CHECK(has(pin, vec));
    CHECK(has(pin, "level"));
    CHECK(has(pin, "active-low"));
    CHECK(has(pin, "asserted"));
    CHECK(has(pin, "  1  "));  // Remote IRR
    m.finish();
}

TEST_CASE("paused as the IRQ thread is switched in, info irqs shows the ONESHOT line masked and the thread woken") {
    Machine m("irq-oneshot-threaded");
    // Not the thread's first run (at request_threaded_irq()): the one after the first interrupt.
    kernel::Kernel& k = m.k();
    REQUIRE(m.run_to([&](const sim::TraceRecord& r) {
        return is(r, Ev::sched_switch) && r.str[1] && std::string(r.str[1]) == "irq/18-irqgen.0" &&
               k.irqs().desc(18)->tot_count > 0;
    }));
    std::string irqs = text([&](std::ostream& o) { step::info_irqs(o, m.k()); });
    INFO(irqs);
    CHECK(has(line_with(irqs, "  state"), "IRQD_IRQ_MASKED"));
    CHECK(has(line_with(irqs, "istate"), "IRQS_ONESHOT"));
    CHECK(has(irqs, "threads_oneshot 0x1, threads_active 1"));
    std::string action = line_with(irqs, "thread irq/18-irqgen.0 (pid ");
    CHECK(has(action, "flags IRQF_ONESHOT"));
    CHECK(has(action, "thread_fn irqgen_thread_fn"));
    CHECK(has(action, "IRQTF_RUNTHREAD"));
    std::string tasks = text([&](std::ostream& o) { step::info_tasks(o, m.k()); });
    INFO(tasks);
    std::string thread = line_with(tasks, "irq/18-irqgen.0");
    CHECK(has(thread, " FF "));  // SCHED_FIFO, rt_priority 50
    CHECK(has(thread, " 50 "));
    CHECK(has(thread, "being switched in"));
    m.finish();
}

TEST_CASE("paused just after a softirq_raise, info softirqs shows the pending bit") {
    Machine m("bh-tasklet-split");
    bool raised = false;
    // softirq_raise is traced before the bit is set (as in Linux): stop at the next record.
    REQUIRE(m.run_to([&](const sim::TraceRecord& r) {
        if (raised) return true;
        raised = is(r, Ev::softirq_raise) && r.arg[0] == TASKLET_SOFTIRQ;
        return false;
    }));
    std::string soft = text([&](std::ostream& o) { step::info_softirqs(o, m.k()); });
    INFO(soft);
    std::string cpu0 = line_with(soft, "ksoftirqd/0");
    CHECK(has(cpu0, "0x00000040"));
    CHECK(has(cpu0, "TASKLET (raised 0ns ago)"));
    std::string tasklets = text([&](std::ostream& o) { step::info_tasklets(o, m.k()); });
    INFO(tasklets);
    std::string queued = line_with(tasklets, "tasklet_vec");
    CHECK(has(queued, "irqgen_bh"));
    CHECK(has(queued, "TASKLET_STATE_SCHED"));
    m.finish();
}

TEST_CASE("paused after workqueue_queue_work, info workqueues lists the pending work item") {
    Machine m("bh-work-concurrency");
    bool queued = false;
    REQUIRE(m.run_to([&](const sim::TraceRecord& r) {
        if (queued && !is(r, Ev::workqueue_activate_work)) return true;
        queued = queued || is(r, Ev::workqueue_queue_work);
        return false;
    }));
    std::string wq = text([&](std::ostream& o) { step::info_workqueues(o, m.k()); });
    INFO(wq);
    std::string item = line_with(wq, "worklist");
    CHECK(has(item, "pool 2 (cpu0)"));
    CHECK(has(item, "irqgen_work"));
    CHECK(has(item, "events"));
    CHECK(has(item, "WORK_STRUCT_PENDING|WORK_STRUCT_PWQ"));
    CHECK(has(line_with(wq, "kworker/0:0"), "idle"));
    // system_wq: alloc_workqueue("events", 0, 0) in 6.12, so max_active WQ_DFL_ACTIVE (256).
    std::string events = line_with(wq, "events ");
    CHECK(has(events, " 256 "));
    m.finish();
}

TEST_CASE("paused inside a work item, bt shows the kworker and the work with its workqueue") {
    Machine m("bh-work-concurrency");
    REQUIRE(m.run_to([](const sim::TraceRecord& r) { return is(r, Ev::workqueue_execute_start); }));
    std::string bt = text([&](std::ostream& o) { step::backtrace(o, m.k(), 0); });
    INFO(bt);
    CHECK(has(line_with(bt, "#0"), "kworker/0:"));
    CHECK(has(line_with(bt, "#0"), "worker_thread"));
    CHECK(has(line_with(bt, "#1"), "work"));
    CHECK(has(line_with(bt, "#1"), "irqgen_work (events)"));
    std::string wq = text([&](std::ostream& o) { step::info_workqueues(o, m.k()); });
    INFO(wq);
    CHECK(has(line_with(wq, "busy"), "irqgen_work (events)"));
    m.finish();
}

TEST_CASE("paused in NET_RX, info napi shows the scheduled instance on the CPU's poll list") {
    Machine m("net-rss");
    REQUIRE(m.run_to([](const sim::TraceRecord& r) { return is(r, Ev::softirq_entry) && r.arg[0] == NET_RX_SOFTIRQ; }));
    std::string napi = text([&](std::ostream& o) { step::info_napi(o, m.k()); });
    INFO(napi);
    std::string cpu = "CPU" + std::to_string(m.at().cpu) + " poll_list";
    std::string listed = line_with(napi, cpu);
    CHECK(has(listed, "NAPI_STATE_SCHED"));
    CHECK(has(listed, "eth0"));
    CHECK(has(napi, "PROCESSED"));
    m.finish();
}

TEST_CASE("info devices prints each device's registers and counters") {
    Machine m("kbd-blocked-reader", {"run.until=100ms"});
    m.finish();
    std::string dev = text([&](std::ostream& o) { step::info_devices(o, m.world()); });
    INFO(dev);
    std::string kbd = line_with(dev, "i8042.0");
    CHECK(has(kbd, "i8042"));
    CHECK(has(kbd, "status="));
    CHECK(has(kbd, "keyboard buffer"));
    CHECK(has(dev, "counters: "));
    CHECK(has(dev, "bytes_sent"));
}

TEST_CASE("bt and info lapic refuse a CPU the machine does not have") {
    Machine m("bh-tasklet-split", {"run.until=1ms"});
    m.finish();
    CHECK(text([&](std::ostream& o) { step::backtrace(o, m.k(), 3); }) == "no CPU 3 (this machine has 1)\n");
    CHECK(text([&](std::ostream& o) { step::info_lapic(o, m.k(), -1); }) == "no CPU -1 (this machine has 1)\n");
}

namespace {

// The run, paused at every interesting record and inspected there with every command (twice:
// the same pause prints the same text), then continued, writes the same ftrace text as
// `irqlab run` of the lesson in another process: inspection changed nothing the machine does.
void inspecting_changes_nothing(const std::string& lesson) {
    const std::string until = "run.until=120ms";
    std::string plain_path = test::temp_path("plain.txt");
    test::irqlab_cli("run -q scenarios/" + lesson + ".yaml --set " + until + " --trace-text " + plain_path);
    std::string plain = records_of(test::slurp(plain_path));
    std::remove(plain_path.c_str());
    REQUIRE(plain.size() > 5'000);

    std::ostringstream trace;
    int pauses = 0;
    std::string first, again;
    sim::Time now = 0;
    {
        Machine m(lesson, {until}, &trace);
        auto interesting = [](const sim::TraceRecord& r) {
            return is(r, Ev::tasklet_entry) || is(r, Ev::irq_handler_entry) || is(r, Ev::softirq_raise) ||
                   is(r, Ev::workqueue_queue_work) || is(r, Ev::workqueue_execute_start) || is(r, Ev::napi_poll) ||
                   is(r, Ev::sched_switch);
        };
        while (pauses < 300 && m.run_to(interesting)) {
            ++pauses;
            first = everything(m);
            again = everything(m);
            if (first != again) break;
        }
        m.finish();
        now = m.k().now();
    }
    CHECK(first == again);
    CHECK(pauses >= 5);
    CHECK(now == 120 * sim::kNsPerMs);
    std::string inspected = records_of(trace.str());
    CHECK(inspected.size() == plain.size());
    CHECK((inspected == plain));
}

}  // namespace

TEST_CASE("inspecting changes nothing: bh-tasklet-split inspected at every pause runs as it does uninspected") {
    inspecting_changes_nothing("bh-tasklet-split");
}

TEST_CASE("inspecting changes nothing: bh-work-concurrency inspected at every pause runs as it does uninspected") {
    inspecting_changes_nothing("bh-work-concurrency");
}

TEST_CASE("inspecting changes nothing: net-rss inspected at every pause runs as it does uninspected") {
    inspecting_changes_nothing("net-rss");
}

TEST_CASE("inspecting changes nothing: kbd-blocked-reader inspected at every pause runs as it does uninspected") {
    inspecting_changes_nothing("kbd-blocked-reader");
}
