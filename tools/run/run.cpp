#include "tools/run/run.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>

#include <unistd.h>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "sim/simulator.hpp"
#include "tools/output/ftrace_text.hpp"
#include "tools/output/irq_latency.hpp"
#include "tools/output/stats_json.hpp"
#include "tools/output/summary.hpp"
#include "tools/output/timeline.hpp"
#include "tools/output/trace_json.hpp"
#include "tools/run/run_loop.hpp"
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

bool save_stats_json(const output::RunStats& stats, const std::string& path, std::ostream& err) {
    std::ofstream f(path, std::ios::out | std::ios::trunc);
    if (f) output::write_stats_json(f, stats);
    if (!f.flush()) {
        err << "irqlab: cannot write the statistics to " << path << "\n";
        return false;
    }
    return true;
}
}  // namespace

int run(const scenario::Scenario& sc, const Options& opt, std::ostream& out, std::ostream& err) {
    std::ofstream dmesg, trace_text, trace_json;
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
    if (!opt.trace_json_path.empty()) {
        trace_json.open(opt.trace_json_path, std::ios::out | std::ios::trunc);
        if (!trace_json) {
            err << "irqlab: cannot write the trace to " << opt.trace_json_path << "\n";
            return 2;
        }
    }

    // Live mode binds its ports and reads its journal before anything runs: a port in use
    // stops the run before it starts.
    std::unique_ptr<live::Session> live;
    if (opt.live.active()) {
        live = std::make_unique<live::Session>(opt.live, err);
        if (!live->open(sc)) return 2;
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
    std::unique_ptr<output::TraceJson> json;
    if (trace_json.is_open()) {
        json = std::make_unique<output::TraceJson>(trace_json, k, output::TraceJson::Info{sc.name, sc.seed});
        simulator.trace().subscribe(json.get());
    }
    std::unique_ptr<output::Timeline> timeline;
    if (opt.timeline) {
        timeline = std::make_unique<output::Timeline>(
            k, output::TimelineOptions{opt.timeline_from, opt.timeline_to ? opt.timeline_to : sc.until, opt.width, opt.color});
        simulator.trace().subscribe(timeline.get());
    }
    // The interrupt latencies of the summary and --stats-json follow the trace (only when
    // one of them is written: the trace costs nothing without a subscriber).
    output::IrqLatency latency;
    const bool stats_wanted = opt.summary || !opt.stats_json_path.empty();
    if (stats_wanted) simulator.trace().subscribe(&latency);
    if (dmesg.is_open())
        k.log().set_sink([&dmesg](const kernel::LogRecord& r) { dmesg << kernel::Log::dmesg_line(r) << '\n'; });

    k.boot();
    int code;
    {
        scenario::World world(k, sc);
        const bool progress = opt.summary && isatty(STDERR_FILENO);
        bool interrupted = false, journal_ok = true;
        if (live) {
            live->attach(world);
            interrupted = live->run(simulator, sc.until, progress);
            journal_ok = live->finish(simulator.now());
        } else {
            interrupted = run_sliced(simulator, sc.until, progress, err);
        }
        k.log().flush();
        scenario::Verdict verdict = scenario::judge(sc, k, &world);
        output::RunFacts facts;
        facts.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        facts.events = simulator.engine().events_processed();
        facts.halted = k.halted_reason();
        facts.latency = &latency;
        facts.world = &world;
        output::RunStats stats;
        if (stats_wanted) stats = output::gather_run_stats(sc, k, verdict, facts);
        if (opt.summary) output::print_summary(out, stats);
        if (timeline) {
            if (opt.summary) out << "\n";
            timeline->render(out, simulator.now());
        }
        code = verdict.ok() ? 0 : 1;
        if (interrupted) {
            err << "irqlab: interrupted at " << sim::format_time(k.now()) << " of " << sim::format_time(sc.until)
                << "; the outputs end there\n";
            code = 130;  // as a shell reports SIGINT
        }
        if (!journal_ok) code = 2;
        if (!opt.stats_json_path.empty() && !save_stats_json(stats, opt.stats_json_path, err)) code = 2;
        if (!opt.proc_dir.empty() && !write_proc_dir(k, opt.proc_dir, err)) code = 2;
        // Unwind the tasks while the world they reference is still there.
        k.shutdown();
    }
    if (stats_wanted) simulator.trace().unsubscribe(&latency);
    if (timeline) simulator.trace().unsubscribe(timeline.get());
    if (ftrace) {
        simulator.trace().unsubscribe(ftrace.get());
        ftrace->finish();
    }
    if (json) {
        simulator.trace().unsubscribe(json.get());
        json->finish(simulator.engine().now());
        if (!trace_json) {
            err << "irqlab: cannot write the trace to " << opt.trace_json_path << "\n";
            code = 2;
        }
    }
    simulator.shutdown();
    return code;
}

}  // namespace irqlab::run
