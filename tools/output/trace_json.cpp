#include "tools/output/trace_json.hpp"

#include <fmt/compile.h>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <ostream>

#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/trace/events.hpp"
#include "tools/output/context.hpp"

namespace irqlab::output {

namespace {

using kernel::trace::Ev;
using Buf = fmt::memory_buffer;

const char* const kSoftirqNames[] = {"HI",       "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
                                     "IRQ_POLL", "TASKLET", "SCHED",  "HRTIMER", "RCU"};
constexpr int kNrSoftirqs = 10;

// The JSON's pids and tids. The kernel-thread tracks use the simulated pids as tids.
constexpr int kCpuBase = 100000;     // CPU n: pid and tid kCpuBase + n
constexpr int kDeviceBase = 200000;  // device d: pid kDeviceBase + d
constexpr int kLineBase = 300000;    // device line i: tid kLineBase + i
constexpr int kKthreadPid = 400000;  // the kernel threads

// Flows bind to a slice by (ts, pid, tid, cat), and one flow keeps one cat: every slice a
// flow may bind to has the same. The others have their own, so they never take a binding:
// a slice that starts at the same time as another on its track, a NAPI poll (its start is
// inferred), counters and marks.
constexpr const char* kCat = "irqlab";
constexpr const char* kCatSameTs = "irqlab.same_ts";
constexpr const char* kCatNapi = "irqlab.napi";
constexpr const char* kCatCounter = "irqlab.counter";
constexpr const char* kCatMark = "irqlab.mark";

constexpr std::size_t kRing = 1 << 16;  // delivery records remembered (a few per interrupt)
constexpr sim::Time kTsOffset = 1000;  // ns added to every ts: viewers leave ts 0 out of the bounds

void put(Buf& b, std::string_view s) {
    b.append(s.data(), s.data() + s.size());
}

template <typename... T>
void putf(Buf& b, fmt::format_string<T...> f, T&&... args) {
    fmt::format_to(std::back_inserter(b), f, std::forward<T>(args)...);
}

// A JSON string: quotes, backslashes and control characters escaped.
void put_str(Buf& b, std::string_view s) {
    b.push_back('"');
    for (char c : s) {
        if (c == '"' || c == '\\') {
            b.push_back('\\');
            b.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            putf(b, "\\u{:04x}", static_cast<unsigned>(c));
        } else {
            b.push_back(c);
        }
    }
    b.push_back('"');
}

// Nanoseconds as microseconds with up to three decimals: 3011 -> 3.011, 2500 -> 2.5.
void put_us(Buf& b, sim::Time ns) {
    putf(b, "{}", ns / 1000);
    int frac = static_cast<int>(ns % 1000);
    if (!frac) return;
    char d[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                 static_cast<char>('0' + frac % 10)};
    int n = 3;
    while (d[n - 1] == '0') --n;
    b.push_back('.');
    b.append(d, d + n);
}

void put_ts(Buf& b, sim::Time t) {
    put_us(b, t + kTsOffset);
}

// A duration that readers, who add ts + dur in doubles, see end exactly where the next
// slice starts: the decimal when its sum is exact, otherwise the double that makes it so
// (ts 4.65 + dur 1283.71 gives 1288.3600000000001, and the next slice at 1288.36 would
// seem to overlap).
void put_dur(Buf& b, sim::Time start, sim::Time end) {
    double t = static_cast<double>(start + kTsOffset) / 1000,
           e = static_cast<double>(end + kTsOffset) / 1000;
    double d = static_cast<double>(end - start) / 1000;
    if (t + d == e) return put_us(b, end - start);
    d = e - t;
    for (int i = 0; i < 8 && t + d != e; ++i)
        d = std::nextafter(d, t + d < e ? HUGE_VAL : -HUGE_VAL);
    putf(b, "{}", d);
}

std::string str(const char* s) {
    return s ? s : "(null)";
}

// sched_switch's prev_state as ftrace prints it: "S", "D", "R+" (preempted), ...
std::string task_state(std::int64_t state) {
    static const char kLetters[] = "SDTtXZPI";
    std::string out;
    for (int bit = 0; bit < 8; ++bit)
        if (state & (1 << bit)) out += (out.empty() ? "" : "|") + std::string(1, kLetters[bit]);
    if (out.empty()) out = "R";
    if (state & 0x100) out += "+";
    return out;
}

const char* sysvec_name(Ev kind) {
    switch (kind) {
        case Ev::local_timer_entry:
            return "local_timer";
        case Ev::reschedule_entry:
            return "reschedule";
        case Ev::call_function_entry:
            return "call_function";
        default:
            return "call_function_single";
    }
}

void put_flow(Buf& b, int pid, int tid, sim::Time ts, char ph, std::uint64_t id, const char* name) {
    putf(b, ",\n{{\"name\":\"{}\",\"cat\":\"{}\",\"ph\":\"{}\",\"id\":{},\"ts\":", name, kCat, ph,
         id);
    put_ts(b, ts);
    putf(b, ",\"pid\":{},\"tid\":{}{}}}", pid, tid, ph == 'f' ? ",\"bp\":\"e\"" : "");
}

}  // namespace

TraceJson::TraceJson(std::ostream& out, kernel::Kernel& k, const Info& info)
    : out_(out),
      k_(k),
      pending_(static_cast<std::size_t>(k.nr_cpus())),
      raised_by_(static_cast<std::size_t>(k.nr_cpus()), std::vector<Binding>(kNrSoftirqs)),
      last_handler_(static_cast<std::size_t>(k.nr_cpus())),
      ring_(kRing) {
    Buf b;
    put(b, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"scenario\":");
    put_str(b, info.scenario);
    // The version as `irqlab --version` prints it.
    putf(b,
         ",\"seed\":{},\"cpus\":{},\"irqlab\":\"0.1\",\"linux\":\"6.12\",\"ts\":\"simulated time + "
         "1 us\"}},",
         info.seed, k.nr_cpus());
    // The array opens with CPU 0's name, so that every later event is written as ",\n{...}".
    putf(b,
         "\"traceEvents\":[\n{{\"name\":\"process_name\",\"cat\":\"__metadata\",\"ph\":\"M\","
         "\"ts\":0,\"pid\":{},"
         "\"tid\":{},\"args\":{{\"name\":\"CPU 0\"}}}}",
         kCpuBase, kCpuBase);
    emit(b);
    for (int c = 0; c < k.nr_cpus(); ++c) cpu_track(c);
}

void TraceJson::emit(const Buf& b) {
    out_.write(b.data(), static_cast<std::streamsize>(b.size()));
}

// --- tracks ----------------------------------------------------------------------------

void TraceJson::name_process(int pid, const std::string& name, int sort_index) {
    Buf b;
    if (pid != kCpuBase) {  // (CPU 0's name opens the array)
        putf(b,
             ",\n{{\"name\":\"process_name\",\"cat\":\"__metadata\",\"ph\":\"M\",\"ts\":0,\"pid\":{"
             "},\"tid\":{},"
             "\"args\":{{\"name\":",
             pid, pid);
        put_str(b, name);
        put(b, "}}");
    }
    putf(b,
         ",\n{{\"name\":\"process_sort_index\",\"cat\":\"__metadata\",\"ph\":\"M\",\"ts\":0,"
         "\"pid\":{},\"tid\":{},"
         "\"args\":{{\"sort_index\":{}}}}}",
         pid, pid, sort_index);
    emit(b);
}

void TraceJson::name_thread(int pid, int tid, const std::string& name, int sort_index) {
    Buf b;
    putf(b,
         ",\n{{\"name\":\"thread_name\",\"cat\":\"__metadata\",\"ph\":\"M\",\"ts\":0,\"pid\":{},"
         "\"tid\":{},\"args\":{{\"name\":",
         pid, tid);
    put_str(b, name);
    putf(b,
         "}}}},\n{{\"name\":\"thread_sort_index\",\"cat\":\"__metadata\",\"ph\":\"M\",\"ts\":0,"
         "\"pid\":{},\"tid\":{},"
         "\"args\":{{\"sort_index\":{}}}}}",
         pid, tid, sort_index);
    emit(b);
}

TraceJson::Track& TraceJson::cpu_track(int cpu) {
    int id = kCpuBase + cpu;
    auto [it, added] = tracks_.try_emplace(id);
    if (added) {
        it->second.pid = it->second.tid = id;
        name_process(id, "CPU " + std::to_string(cpu), 1000 + cpu);
        name_thread(id, id, "CPU " + std::to_string(cpu), 0);
    }
    return it->second;
}

// The track of a kernel thread; nullptr for a user process or an idle task.
TraceJson::Track* TraceJson::kthread_track(int pid, const char* comm) {
    if (pid <= 0) return nullptr;
    auto known = kthreads_.find(pid);
    if (known == kthreads_.end()) {
        bool kthread = false;
        for (const auto& t : k_.tasks())
            if (t->pid() == pid) kthread = t->kind == kernel::TaskKind::Kthread;
        known = kthreads_.emplace(pid, kthread).first;
    }
    if (!known->second) return nullptr;
    auto [it, added] = tracks_.try_emplace(pid);
    if (added) {
        if (!kthreads_named_) name_process(kKthreadPid, "kernel threads", 2000);
        kthreads_named_ = true;
        it->second.pid = kKthreadPid;
        it->second.tid = pid;
        name_thread(kKthreadPid, pid, str(comm), pid);
    }
    return &it->second;
}

// A device's IRQ line (or its MSI messages): a thread of the device's process.
TraceJson::Track& TraceJson::line_track(const char* dev, const char* line) {
    auto [it, added] = lines_.try_emplace({str(dev), str(line)}, 0);
    if (added) {
        auto [d, new_dev] =
            devices_.try_emplace(str(dev), kDeviceBase + static_cast<int>(devices_.size()));
        if (new_dev) name_process(d->second, d->first, 100 + static_cast<int>(devices_.size()));
        it->second = kLineBase + static_cast<int>(lines_.size()) - 1;
        Track& t = tracks_[it->second];
        t.pid = d->second;
        t.tid = it->second;
        name_thread(t.pid, t.tid, str(line), static_cast<int>(lines_.size()));
    }
    return tracks_[it->second];
}

// --- slices and flows ------------------------------------------------------------------

void TraceJson::open(Track& t, Kind kind, std::int64_t key, sim::Time at, std::string name,
                     std::string args) {
    bool bindable = at != t.last_start;
    t.last_start = at;
    t.open.push_back(Slice{
        kind, key, at, bindable, -1, std::move(name), std::move(args), {}, next_serial_++, {}, {}});
}

// Writes the innermost open slice as an X event with the flow events bound to it. The
// readers set the order: the DevTools engine reads the file in order (a flow's end must
// follow its start, and a flow runs from the slice met first to the next), and Perfetto
// binds a flow event to the slice open when it reads it (sorted by time, so the slice
// must come first). So an ended slice whose flow starts at a slice not yet written waits
// in that slice's `after` and follows it; so does a child that starts with its parent,
// since readers that sort by start time (stable, longest first) must meet the parent
// first.
void TraceJson::write_top(Track& t, sim::Time end, const std::string& end_args) {
    Slice& s = t.open.back();
    Buf b;
    put(b, ",\n{\"name\":");
    put_str(b, s.name);
    putf(b, ",\"cat\":\"{}\",\"ph\":\"X\",\"ts\":", s.bindable ? kCat : kCatSameTs);
    put_ts(b, s.start);
    put(b, ",\"dur\":");
    put_dur(b, s.start, end);
    putf(b, ",\"pid\":{},\"tid\":{},\"args\":{{{}{}{}}}}}", t.pid, t.tid, s.args,
         s.args.empty() || end_args.empty() ? "" : ",", end_args);
    Slice* wait_for = nullptr;
    int wait_tid = 0;
    for (const Flow& f : s.flows) {
        put_flow(b, t.pid, t.tid, s.start, f.ph, f.id, f.name);
        if (f.ph != 'f') continue;
        wait_tid = f.from.tid;
        if (!(wait_for = open_slice(f.from))) wait_for = holder_of(f.from, &wait_tid);
    }
    put(b, s.after);
    if (!wait_for && !s.bindable && t.open.size() > 1 &&
        t.open[t.open.size() - 2].start == s.start) {
        wait_for = &t.open[t.open.size() - 2];
        wait_tid = t.tid;
    }
    if (wait_for) {
        wait_for->after.append(b.data(), b.data() + b.size());
        if (s.bindable) s.holds.push_back({t.tid, s.start});
        for (const Binding& h : s.holds) held_[{h.tid, h.ts}] = Holder{wait_tid, wait_for->serial};
        wait_for->holds.insert(wait_for->holds.end(), s.holds.begin(), s.holds.end());
    } else {
        emit(b);
        for (const Binding& h : s.holds) held_.erase({h.tid, h.ts});
    }
    t.open.pop_back();
}

void TraceJson::close(Track& t, Kind kind, std::int64_t key, sim::Time at,
                      const std::string& end_args) {
    auto it = std::find_if(t.open.rbegin(), t.open.rend(), [&](const Slice& s) {
        return s.kind == kind && (key < 0 || s.key == key);
    });
    if (it == t.open.rend()) return;
    // Whatever is still open above it ends with it: a slice never outlives its parent.
    std::size_t depth = static_cast<std::size_t>(t.open.rend() - it);
    while (t.open.size() > depth) write_top(t, at, {});
    write_top(t, at, end_args);
}

void TraceJson::close_all(Track& t, sim::Time at) {
    while (!t.open.empty()) write_top(t, at, {});
}

TraceJson::Slice* TraceJson::open_slice(Binding b) {
    auto t = tracks_.find(b.tid);
    if (b.ts < 0 || t == tracks_.end()) return nullptr;
    for (Slice& s : t->second.open)
        if (s.start == b.ts && s.bindable) return &s;
    return nullptr;
}

TraceJson::Slice* TraceJson::holder_of(Binding b, int* tid) {
    auto h = held_.find({b.tid, b.ts});
    if (h == held_.end()) return nullptr;
    if (tid) *tid = h->second.tid;
    for (Slice& s : tracks_.at(h->second.tid).open)
        if (s.serial == h->second.serial) return &s;
    return nullptr;
}

// Flow events bind by track and start time: only a slice that starts alone at its time
// on its track can be bound unambiguously.
TraceJson::Binding TraceJson::binding(const Track& t) const {
    if (t.open.empty() || !t.open.back().bindable) return {};
    return {t.tid, t.open.back().start};
}

TraceJson::Binding TraceJson::source(const sim::TraceRecord& r) {
    if (r.cpu < 0) return {};
    // In task context a kworker's work item did it; otherwise the innermost context.
    if (!(r.preempt_count & kInIrq))
        if (Track* kt = kthread_track(r.pid, r.comm);
            kt && !kt->open.empty() && kt->open.back().kind == Kind::Work)
            return binding(*kt);
    Track& t = cpu_track(r.cpu);
    // After a handler returned, still in its interrupt: the handler's doing (an
    // IRQ_WAKE_THREAD wakes the thread after irq_handler_exit, as in Linux).
    if ((r.preempt_count & kHardirqMask) &&
        (t.open.empty() ||
         (t.open.back().kind != Kind::Hardirq && t.open.back().kind != Kind::Sysvec)))
        return last_handler_[static_cast<std::size_t>(r.cpu)];
    return binding(t);
}

// A flow from the slice at `from` to the innermost slice of `to`, just opened. Its start
// event follows the slice it binds to: with it if that is open, else where it waits.
void TraceJson::flow(Binding from, Track& to, const char* name) {
    if (from.ts < 0 || to.open.empty() || !to.open.back().bindable) return;
    auto src = tracks_.find(from.tid);
    if (src == tracks_.end()) return;
    Flow start{'s', next_flow_++, name, {}};
    if (Slice* s = open_slice(from)) {
        s->flows.push_back(start);
    } else {
        Buf b;
        put_flow(b, src->second.pid, src->second.tid, from.ts, 's', start.id, name);
        if (Slice* h = holder_of(from))
            h->after.append(b.data(), b.data() + b.size());
        else
            emit(b);
    }
    to.open.back().flows.push_back(Flow{'f', start.id, name, from});
}

// --- events ----------------------------------------------------------------------------

void TraceJson::instant(const Track& t, const char* cat, const std::string& name, sim::Time at) {
    Buf b;
    put(b, ",\n{\"name\":");
    put_str(b, name);
    putf(b, ",\"cat\":\"{}\",\"ph\":\"i\",\"s\":\"t\",\"ts\":", cat);
    put_ts(b, at);
    putf(b, ",\"pid\":{},\"tid\":{}}}", t.pid, t.tid);
    emit(b);
}

// A counter per CPU of the softirqs raised and not yet run, one series per vector. A
// raise sets the vector's bit, its entry clears it (Linux clears the whole mask as the
// pass starts; irqlab's trace shows when each vector's turn comes).
void TraceJson::set_pending(int cpu, unsigned vec, bool pending, sim::Time at) {
    std::uint32_t& bits = pending_[static_cast<std::size_t>(cpu)];
    std::uint32_t now = pending ? bits | 1u << vec : bits & ~(1u << vec);
    if (now == bits) return;
    bits = now;
    Track& t = cpu_track(cpu);
    Buf b;
    putf(b, ",\n{{\"name\":\"softirqs pending\",\"cat\":\"{}\",\"ph\":\"C\",\"ts\":", kCatCounter);
    put_ts(b, at);
    putf(b, ",\"pid\":{},\"tid\":{},\"args\":{{", t.pid, t.tid);
    for (int v = 0; v < kNrSoftirqs; ++v)
        putf(b, "{}\"{}\":{}", v ? "," : "", kSoftirqNames[v], (bits >> v) & 1);
    put(b, "}}");
    emit(b);
}

void TraceJson::on_switch(const sim::TraceRecord& r) {
    Track& t = cpu_track(r.cpu);
    int prev = static_cast<int>(r.arg[0]), next = static_cast<int>(r.arg[3]);
    if (prev) close(t, Kind::Task, prev, r.time, "\"end_state\":\"" + task_state(r.arg[2]) + "\"");
    close_all(t, r.time);  // (nothing else outlives a switch)
    if (Track* kt = kthread_track(prev, r.str[0])) close(*kt, Kind::Running, -1, r.time);
    woken_by_.erase(prev);  // a wakeup that found it still on the CPU
    if (!next) return;      // the idle task: no slice
    open(t, Kind::Task, next, r.time, str(r.str[1]) + "-" + std::to_string(next),
         fmt::format("\"pid\":{},\"prio\":{}", next, r.arg[4]));
    if (auto w = woken_by_.find(next); w != woken_by_.end()) {
        flow(w->second, t, "wakeup");
        woken_by_.erase(w);
    }
    // A kworker's track shows its work items; another kernel thread's, when it ran.
    Track* kt = kthread_track(next, r.str[1]);
    if (kt && std::string_view(str(r.str[1])).rfind("kworker/", 0) != 0)
        open(*kt, Kind::Running, -1, r.time, "running", fmt::format("\"cpu\":{}", r.cpu));
}

void TraceJson::on_line(const sim::TraceRecord& r) {
    Track& t = line_track(r.str[0], r.str[1]);
    std::string line = str(r.str[1]);
    Binding b;
    if (r.arg[0] == 1) {
        open(t, Kind::Line, 0, r.time, line + " asserted");
        b = binding(t);
    } else if (r.arg[0] == 0) {
        close(t, Kind::Line, 0, r.time);
    } else {  // an edge, or an MSI message
        if (r.time != t.last_start) b = {t.tid, r.time};
        t.last_start = r.time;
        instant(t, kCat, line == "msi" ? "MSI message" : line + " edge", r.time);
    }
    if (b.ts >= 0) ring_[r.seq % kRing] = Link{r.seq, b, r.seq, 0};
}

// A handler's flow comes from the line change behind its interrupt, found through the
// delivery records' causes. Only the first interrupt a change caused gets it (all of
// that interrupt's handlers, on a shared line): the IO-APIC re-sending a level line that
// stays asserted is no new request.
void TraceJson::on_handler_entry(const sim::TraceRecord& r) {
    Track& t = cpu_track(r.cpu);
    open(t, Kind::Hardirq, r.arg[0], r.time,
         fmt::format("irq_handler: {} (irq={})", str(r.str[0]), r.arg[0]),
         fmt::format("\"irq\":{}", r.arg[0]));
    const Link& via = ring_[r.cause % kRing];
    if (!r.cause || via.seq != r.cause) return;
    Link& origin = ring_[via.origin % kRing];
    if (origin.seq != via.origin) return;
    if (!origin.accepted) origin.accepted = r.cause;
    if (origin.accepted == r.cause) flow(origin.line, t, "irq");
}

void TraceJson::on_softirq_raise(const sim::TraceRecord& r) {
    auto vec = static_cast<unsigned>(r.arg[0]);
    Track& t = cpu_track(r.cpu);
    Binding& by = raised_by_[static_cast<std::size_t>(r.cpu)][vec];
    set_pending(r.cpu, vec, true, r.time);
    if (by.ts >= 0) return;  // the flow comes from the raise that made it pending
    // A softirq re-raising itself (NET_RX out of budget, a disabled tasklet put back) is
    // no new cause: no flow, unless an interrupt nested in it did the raise.
    for (auto s = t.open.rbegin(); s != t.open.rend(); ++s) {
        if (s->kind == Kind::Hardirq || s->kind == Kind::Sysvec) break;
        if (s->kind == Kind::Softirq) {
            if (s->key == r.arg[0]) return;
            break;
        }
    }
    by = source(r);
}

void TraceJson::on_work(const sim::TraceRecord& r) {
    // A BH workqueue's item runs in the softirq; any other in its kworker.
    Track* t = r.preempt_count & kSoftirqOffset ? &cpu_track(r.cpu) : kthread_track(r.pid, r.comm);
    if (!t) t = &cpu_track(r.cpu);
    if (static_cast<Ev>(r.kind) == Ev::workqueue_execute_end)
        return close(*t, Kind::Work, -1, r.time);
    open(*t, Kind::Work, -1, r.time, str(r.str[0]));
    if (auto q = queued_by_.find(r.ptr); q != queued_by_.end()) {
        flow(q->second, *t, "queue_work");
        queued_by_.erase(q);
    }
}

// Linux traces napi_poll after the poll, so its slice starts where the context it ran in
// started or where the previous poll in it ended.
void TraceJson::on_napi_poll(const sim::TraceRecord& r) {
    Track& t = cpu_track(r.cpu);
    sim::Time start = r.time;
    if (!t.open.empty()) {
        Slice& parent = t.open.back();
        start = std::max(parent.start, parent.last_napi_end);
        parent.last_napi_end = r.time;
    }
    Buf b;
    put(b, ",\n{\"name\":");
    put_str(b, "napi_poll: " + str(r.str[0]));
    putf(b, ",\"cat\":\"{}\",\"ph\":\"X\",\"ts\":", kCatNapi);
    put_ts(b, start);
    put(b, ",\"dur\":");
    put_dur(b, start, r.time);
    putf(b, ",\"pid\":{},\"tid\":{},\"args\":{{\"work\":{},\"budget\":{}}}}}", t.pid, t.tid,
         r.arg[0], r.arg[1]);
    emit(b);
}

// The contexts whose slice is all there is to them: tasklets, timers, system vectors, and
// a softirq's end (its start, and the handlers' and work items', have more to do).
void TraceJson::on_context(const sim::TraceRecord& r) {
    ContextChange c = context_change(r);
    if (c.op == ContextChange::Op::None) return;
    // The slice kind of each Context, in Context's order.
    static constexpr Kind kSliceKind[] = {Kind::Hardirq, Kind::Sysvec, Kind::Softirq, Kind::Tasklet,
                                          Kind::Work,    Kind::Timer,  Kind::Hrtimer};
    Kind kind = kSliceKind[static_cast<std::size_t>(c.context)];
    Track& t = cpu_track(r.cpu);
    if (c.op == ContextChange::Op::Exit)
        close(t, kind, c.key, r.time);
    else if (c.context == Context::Sysvec)
        open(t, kind, c.key, r.time, sysvec_name(static_cast<Ev>(r.kind)),
             fmt::format("\"vector\":{}", r.arg[0]));
    else
        open(t, kind, c.key, r.time, str(r.str[0]));
}

void TraceJson::on_record(const sim::TraceRecord& r) {
    Ev kind = static_cast<Ev>(r.kind);
    if (kind == Ev::irqlab_line) return on_line(r);
    if (kind == Ev::irqlab_lapic_accept && r.cpu >= 0)
        last_handler_[static_cast<std::size_t>(r.cpu)] = {};  // a new interrupt
    if (kind == Ev::irqlab_ioapic_send || kind == Ev::irqlab_lapic_irr ||
        kind == Ev::irqlab_lapic_accept) {
        if (const Link& l = ring_[r.cause % kRing]; r.cause && l.seq == r.cause)
            ring_[r.seq % kRing] = Link{r.seq, l.line, l.origin, 0};
        return;
    }
    if (r.cpu < 0) return;  // everything else happens on a CPU
    switch (kind) {
        case Ev::sched_switch:
            on_switch(r);
            break;
        case Ev::sched_waking:
        case Ev::sched_wakeup_new:
            if (Binding b = source(r); b.ts >= 0) woken_by_[static_cast<int>(r.arg[0])] = b;
            break;
        case Ev::irq_handler_entry:
            on_handler_entry(r);
            break;
        case Ev::irq_handler_exit:
            if (Track& t = cpu_track(r.cpu); !t.open.empty() && t.open.back().kind == Kind::Hardirq)
                last_handler_[static_cast<std::size_t>(r.cpu)] = binding(t);
            close(cpu_track(r.cpu), Kind::Hardirq, r.arg[0], r.time,
                  r.arg[1] ? "\"ret\":\"handled\"" : "\"ret\":\"unhandled\"");
            break;
        case Ev::softirq_raise:
            if (r.arg[0] >= 0 && r.arg[0] < kNrSoftirqs) on_softirq_raise(r);
            break;
        case Ev::softirq_entry: {
            if (r.arg[0] < 0 || r.arg[0] >= kNrSoftirqs) break;
            auto vec = static_cast<unsigned>(r.arg[0]);
            Track& t = cpu_track(r.cpu);
            open(t, Kind::Softirq, vec, r.time, kSoftirqNames[vec], fmt::format("\"vec\":{}", vec));
            Binding& by = raised_by_[static_cast<std::size_t>(r.cpu)][vec];
            flow(by, t, "softirq_raise");
            by = {};
            set_pending(r.cpu, vec, false, r.time);
            break;
        }
        case Ev::workqueue_queue_work:
            if (Binding b = source(r); b.ts >= 0)
                queued_by_[r.ptr] = b;
            else
                queued_by_.erase(r.ptr);
            break;
        case Ev::workqueue_execute_start:
        case Ev::workqueue_execute_end:
            on_work(r);
            break;
        case Ev::napi_poll:
            on_napi_poll(r);
            break;
        case Ev::irqlab_bug:
        case Ev::irqlab_user:
            instant(cpu_track(r.cpu), kCatMark, str(r.str[0]), r.time);
            break;
        default:  // tasklets, timers, system vectors, a softirq's end
            on_context(r);
            break;
    }
}

void TraceJson::finish(sim::Time end) {
    for (auto& [tid, t] : tracks_) close_all(t, end);
    out_ << "\n]}\n";
    out_.flush();
}

}  // namespace irqlab::output
