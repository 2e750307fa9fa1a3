#include "tools/run/run.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "sim/simulator.hpp"
#include "tools/output/ftrace_text.hpp"
#include "tools/output/irq_latency.hpp"
#include "tools/output/summary.hpp"
#include "tools/scenario/expect.hpp"
#include "tools/scenario/world.hpp"

namespace irqlab::run {

namespace {
// Every simulated /proc file, as it reads at the end of the run, under `dir`.
bool write_proc_dir(kernel::Kernel& k, const std::string& dir, std::ostream& err) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const std::string& path : kernel::procfs::list(k)) {
        fs::path file = fs::path(dir) / path;
        fs::create_directories(file.parent_path(), ec);
        std::ofstream f(file, std::ios::out | std::ios::trunc);
        if (ec || !f) {
            err << "irqlab: cannot write " << file.string() << "\n";
            return false;
        }
        f << kernel::procfs::read(k, path).value_or("");
    }
    return true;
}
}  // namespace

int run(const scenario::Scenario& sc, const Options& opt, std::ostream& out, std::ostream& err) {
    std::ofstream dmesg, trace_text;
    if (!opt.dmesg_path.empty()) {
        dmesg.open(opt.dmesg_path);
        if (!dmesg) {
            err << "irqlab: cannot write the kernel log to " << opt.dmesg_path << "\n";
            return 2;
        }
    }
    if (!opt.trace_text_path.empty()) {
        trace_text.open(opt.trace_text_path, std::ios::out | std::ios::trunc);
        if (!trace_text) {
            err << "irqlab: cannot write the trace to " << opt.trace_text_path << "\n";
            return 2;
        }
    }

    auto wall_start = std::chrono::steady_clock::now();
    std::size_t stack = sc.machine.stack_size ? sc.machine.stack_size : sim::Fiber::default_stack_size();
    sim::Simulator simulator(sc.seed, stack);
    kernel::Kernel k(simulator, sc.machine);
    std::unique_ptr<output::FtraceText> ftrace;
    if (trace_text.is_open()) {
        ftrace = std::make_unique<output::FtraceText>(trace_text, k, true);
        simulator.trace().subscribe(ftrace.get());
    }
    // The summary's latency table follows the trace (only when a summary is printed: the
    // trace costs nothing without a subscriber).
    output::IrqLatency latency;
    if (opt.summary) simulator.trace().subscribe(&latency);
    if (dmesg.is_open())
        k.log().set_sink([&dmesg](const kernel::LogRecord& r) { dmesg << kernel::Log::dmesg_line(r) << '\n'; });

    k.boot();
    int code;
    {
        scenario::World world(k, sc);
        simulator.run_until(sc.until);
        k.log().flush();
        scenario::Verdict verdict = scenario::judge(sc, k, &world);
        output::RunFacts facts;
        facts.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        facts.events = simulator.engine().events_processed();
        facts.halted = k.halted_reason();
        facts.latency = &latency;
        facts.world = &world;
        if (opt.summary) output::print_summary(out, sc, k, verdict, facts);
        code = verdict.ok() ? 0 : 1;
        if (!opt.proc_dir.empty() && !write_proc_dir(k, opt.proc_dir, err)) code = 2;
        // Unwind the tasks while the world they reference is still there.
        k.shutdown();
    }
    if (opt.summary) simulator.trace().unsubscribe(&latency);
    if (ftrace) {
        simulator.trace().unsubscribe(ftrace.get());
        ftrace->finish();
    }
    simulator.shutdown();
    return code;
}

}  // namespace irqlab::run
