// The terminal timeline: a lane per CPU, a column per slice of time, each column drawn
// with the most urgent context the CPU ran in it (so a 200 ns handler stays visible in a
// 20 us column), and under each lane a row of marks: line assertions that reached the
// CPU, softirq raises and wake-ups of tasks that are to run there. Letters and colours
// both say the context, so it reads on a terminal without colour too.
//
//   CPU0 |====HTTTTTTTTTTTT======...........|
//         ^r                   w
//
// Follows the records from time 0 (what came before the window only sets each CPU's
// state) and folds them into a fixed number of buckets as they come: memory is
// O(width x cpus) however long the run. Same scenario and seed: the same bytes.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <vector>

#include "sim/trace.hpp"
#include "tools/output/context.hpp"

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::output {

struct TimelineOptions {
    sim::Time from = 0, to = 0;  // the window; to 0: up to where the run got
    int width = 80;              // of every line, labels included (at least kMinWidth)
    bool color = true;           // ANSI colours
};

class Timeline final : public sim::TraceSubscriber {
  public:
    static constexpr int kMinWidth = 32;

    Timeline(kernel::Kernel& k, TimelineOptions o);  // k for nr_cpus only
    void on_record(const sim::TraceRecord& r) override;
    // Draws [from, min(to, end)] where `end` is how far the run got.
    void render(std::ostream& out, sim::Time end) const;

    // What a CPU runs, least urgent first: a column shows the most urgent one it saw.
    enum class Level : std::uint8_t {
        None,       // no record reached this far
        Idle,       // the idle task
        Task,       // a process or a kernel thread
        Work,       // a kworker running a work item
        IrqThread,  // an irq/N-name thread (a threaded handler)
        Softirq,
        Tasklet,
        Napi,     // a NAPI poll (in NET_RX_SOFTIRQ)
        Sysvec,   // a system vector: the local timer, an IPI
        Hardirq,  // an irq handler
    };

  private:
    struct Frame {
        Context context;
        std::int64_t key;
        sim::Time start;
        sim::Time polled_to;  // where the last NAPI poll inside it ended
    };
    struct Lane {
        Level base = Level::Idle;         // the current task's
        std::vector<Frame> stack;         // the contexts entered on top of it, innermost last
        sim::Time since = 0;              // when the current level began (not yet in the buckets)
        std::vector<Level> level;         // per bucket, the most urgent level seen
        std::vector<std::uint8_t> marks;  // per bucket, kMark* bits
        Level now() const;
    };
    // A line assertion not yet delivered: its '^' goes on the CPU its interrupt reaches.
    struct Assertion {
        std::uint64_t seq = 0;
        sim::Time time = 0;
    };

    // The buckets: the one of time t is (t - from) * scale_ / span_, kept below
    // buckets_ by doubling a bucket's length when the run goes past the last one.
    std::int64_t bucket(sim::Time t) const;
    bool reach(sim::Time t);  // makes t's bucket exist; false when t is past `to`
    void paint(Lane& l, sim::Time a, sim::Time b, Level v);
    void mark(int cpu, sim::Time t, std::uint8_t bit);
    void leave(Lane& l, sim::Time t);  // the lane's level ends at t: into the buckets
    void on_switch(Lane& l, const sim::TraceRecord& r);
    void on_context(Lane& l, const sim::TraceRecord& r);
    void on_napi_poll(Lane& l, const sim::TraceRecord& r);
    void draw_axis(std::ostream& out, sim::Time last) const;
    void draw_legend(std::ostream& out) const;

    TimelineOptions o_;
    int label_ = 0;    // "CPU12 " is 6
    int columns_ = 0;  // of a lane
    std::int64_t buckets_ = 0;
    std::int64_t scale_ = 0, span_ = 0;
    std::vector<Lane> lanes_;
    std::vector<int> in_work_;  // kworkers in the middle of a work item (pids, sorted)
    std::vector<Assertion> assertions_;
};

// The columns of the terminal on `fd` (TIOCGWINSZ, else $COLUMNS, else 80), and whether
// to colour what goes there: a terminal, not TERM=dumb, no NO_COLOR (no-color.org).
int terminal_width(int fd);
bool terminal_colors(int fd);

}  // namespace irqlab::output
