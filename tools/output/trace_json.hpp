// The trace as Chrome Trace Event JSON (Object Format), for Perfetto UI and the Chrome
// DevTools Performance panel: a track per CPU with its contexts nested as slices (the
// task, hardirq handlers, softirqs, tasklets, timers, NAPI polls), a track per kernel
// thread (the work items a kworker ran, when other threads were on a CPU), a track per
// device line, a counter of pending softirqs per CPU, and flow arrows along the causes
// (line -> handler -> the softirq it raised or work it queued -> the task it woke).
//
// Streamed: each slice is written as an X event when it ends. Kept in memory: the open
// slices, the ended ones that wait in the file order for the slice their flow starts at
// (a handler for its line's assertion to end), and a few bindings per CPU, task and work
// item. ts is simulated time + 1 us (trace viewers ignore ts 0 when they compute the
// bounds), in microseconds with ns precision. Same scenario and seed: the same bytes.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "sim/trace.hpp"

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::output {

class TraceJson final : public sim::TraceSubscriber {
  public:
    struct Info {
        std::string scenario;
        std::uint64_t seed = 0;
    };
    // Writes the header and the CPU tracks' names; `out` must stay valid until finish().
    TraceJson(std::ostream& out, kernel::Kernel& k, const Info& info);
    void on_record(const sim::TraceRecord& r) override;
    // Ends every open slice at `end` and closes the JSON.
    void finish(sim::Time end);

    // Where a flow event binds: a slice's start on one track.
    struct Binding {
        int tid = 0;
        sim::Time ts = -1;  // -1: none
    };

  private:
    enum class Kind : std::uint8_t {
        Task,
        Running,
        Hardirq,
        Sysvec,
        Softirq,
        Tasklet,
        Work,
        Timer,
        Hrtimer,
        Line
    };
    struct Flow {
        char ph;  // 's' or 'f'
        std::uint64_t id;
        const char* name;
        Binding from;  // for 'f': the slice the flow starts at
    };
    struct Slice {
        Kind kind;
        std::int64_t key;  // what its end record names: the vector, the irq, the pid
        sim::Time start;
        bool bindable;                 // the only slice starting at `start` on its track
        sim::Time last_napi_end = -1;  // where the next NAPI poll inside it started
        std::string name;
        std::string args;         // the members of its args object
        std::vector<Flow> flows;  // bound to its start, written after it
        std::uint64_t serial = 0;
        // Written after it: ended slices that must follow it in the file (see write_top),
        // and the bindings of those that may still start flows.
        std::string after;
        std::vector<Binding> holds;
    };
    struct Holder {
        int tid;
        std::uint64_t serial;
    };
    struct Track {
        int pid = 0, tid = 0;
        std::vector<Slice> open;  // innermost last
        sim::Time last_start = -1;
    };
    // A delivery record (line change, IO-APIC message, local APIC) of the last kRing seqs,
    // with the line change it came from: an irq_handler_entry's cause leads to its line.
    struct Link {
        std::uint64_t seq = 0;
        Binding line;
        std::uint64_t origin = 0;    // the line change's seq
        std::uint64_t accepted = 0;  // (on a line change) the first interrupt it caused
    };

    Track& cpu_track(int cpu);
    Track* kthread_track(int pid, const char* comm);
    Track& line_track(const char* dev, const char* line);
    void name_process(int pid, const std::string& name, int sort_index);
    void name_thread(int pid, int tid, const std::string& name, int sort_index);

    void open(Track& t, Kind kind, std::int64_t key, sim::Time at, std::string name,
              std::string args = {});
    // Ends the innermost slice of `kind` (and `key`, if >= 0) and everything above it.
    void close(Track& t, Kind kind, std::int64_t key, sim::Time at,
               const std::string& end_args = {});
    void close_all(Track& t, sim::Time at);
    void write_top(Track& t, sim::Time end, const std::string& end_args);
    Slice* open_slice(Binding b);
    Slice* holder_of(Binding b,
                     int* tid = nullptr);  // the open slice whose `after` holds an ended one
    Binding binding(const Track& t) const;
    // The context that did what `r` records (woke a task, raised a softirq, queued work).
    Binding source(const sim::TraceRecord& r);
    void flow(Binding from, Track& to, const char* name);

    void on_switch(const sim::TraceRecord& r);
    void on_line(const sim::TraceRecord& r);
    void on_handler_entry(const sim::TraceRecord& r);
    void on_softirq_raise(const sim::TraceRecord& r);
    void on_work(const sim::TraceRecord& r);
    void on_napi_poll(const sim::TraceRecord& r);
    void on_context(const sim::TraceRecord& r);
    void set_pending(int cpu, unsigned vec, bool pending, sim::Time at);
    void instant(const Track& t, const char* cat, const std::string& name, sim::Time at);

    void emit(const fmt::memory_buffer& b);

    std::ostream& out_;
    kernel::Kernel& k_;
    std::uint64_t next_flow_ = 1, next_serial_ = 1;
    std::map<std::pair<int, sim::Time>, Holder> held_;  // ended slices not yet written, by binding
    std::map<int, Track> tracks_;                       // by tid
    std::vector<std::uint32_t> pending_;                // softirqs raised and not yet run, per CPU
    std::vector<std::vector<Binding>> raised_by_;       // per CPU and vector: who raised it
    std::vector<Binding> last_handler_;  // per CPU: the handler that ran last in this interrupt
    std::unordered_map<int, Binding> woken_by_;                 // per pid: who woke it
    std::unordered_map<const void*, Binding> queued_by_;        // per work item: who queued it
    std::map<std::pair<std::string, std::string>, int> lines_;  // (device, line) -> tid
    std::map<std::string, int> devices_;                        // device -> pid
    std::unordered_map<int, bool> kthreads_;                    // pid -> is a kernel thread
    bool kthreads_named_ = false;
    std::vector<Link> ring_;
};

}  // namespace irqlab::output
