#include "tools/output/ftrace_text.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <iterator>
#include <ostream>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/time/hrtimer.hpp"
#include "kernel/trace/events.hpp"

namespace irqlab::output {

namespace {

using kernel::trace::Ev;

const char* const kSoftirqNames[] = {"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};

// glibc's printf prints a null string as "(null)"; fmt would throw.
const char* str(const char* s) { return s ? s : "(null)"; }

const char* vec_name(std::int64_t v) { return v >= 0 && v < 10 ? kSoftirqNames[v] : "?"; }

// __print_flags(prev_state & (TASK_REPORT_MAX - 1)) of sched_switch.
std::string task_state(std::int64_t state) {
    static const std::pair<std::int64_t, const char*> kStates[] = {{0x1, "S"},  {0x2, "D"},  {0x4, "T"},  {0x8, "t"},
                                                                  {0x10, "X"}, {0x20, "Z"}, {0x40, "P"}, {0x80, "I"}};
    std::int64_t s = state & (0x100 - 1);
    std::string out;
    if (!s) out = "R";
    for (const auto& [bit, name] : kStates)
        if (s & bit) out += (out.empty() ? "" : "|") + std::string(name);
    if (state & 0x100) out += "+";
    return out;
}

std::string timer_flags(std::int64_t flags) {
    static const std::pair<std::int64_t, const char*> kFlags[] = {
        {0x00040000, "M"}, {0x00080000, "D"}, {0x00100000, "P"}, {0x00200000, "I"}};
    std::string out;
    for (const auto& [bit, name] : kFlags)
        if (flags & bit) out += (out.empty() ? "" : "|") + std::string(name);
    return out;
}

// The prefix of every line, "%16s-%-7d [%03d] %s %5lu.%06lu: %s: " (ftrace's default
// output), written by hand into a local array and appended once: fmt's padding measures
// display width codepoint by codepoint, and a dozen small appends each check the buffer.
// Comms are padded by bytes, as Linux pads them.
class Prefix {
public:
    void put(std::string_view s) {
        s = s.substr(0, static_cast<std::size_t>(end_ - p_));
        std::memcpy(p_, s.data(), s.size());
        p_ += s.size();
    }
    void pad(std::string_view s, std::size_t width, bool left, char c = ' ') {
        std::size_t n = s.size() < width ? width - s.size() : 0;
        if (left) fill(c, n);
        put(s);
        if (!left) fill(c, n);
    }
    void number(long long v, std::size_t width, bool left, char c = ' ') {
        fmt::format_int n(v);
        pad({n.data(), n.size()}, width, left, c);
    }
    void flush(FtraceText::Buffer& out) const { out.append(line_, p_); }

private:
    void fill(char c, std::size_t n) {
        n = std::min(n, static_cast<std::size_t>(end_ - p_));
        std::memset(p_, c, n);
        p_ += n;
    }
    char line_[192];
    char* p_ = line_;
    char* const end_ = line_ + sizeof line_;
};

void prefix(FtraceText::Buffer& out, const char* comm, int pid, int cpu, const char* flags, sim::Time t,
            const char* name) {
    Prefix l;
    l.pad(comm, 16, true);
    l.put("-");
    l.number(pid, 7, false);
    l.put(" [");
    l.number(cpu, 3, true, '0');
    l.put("] ");
    l.put(flags);
    l.put(" ");
    l.number(t / 1'000'000'000, 5, true);
    l.put(".");
    l.number((t % 1'000'000'000) / 1000, 6, true, '0');
    l.put(": ");
    l.put(name);
    l.put(": ");
    l.flush(out);
}

}  // namespace

void FtraceText::format(Buffer& out, const sim::TraceRecord& r, kernel::Kernel& k) {
    // The context flags (trace_print_lat_fmt()).
    std::uint32_t pc = r.preempt_count;
    bool irqs_off = r.flags & sim::kTraceIrqsOff;
    bool bh_off = (pc & 0xff00) >> 9;
    bool softirq = pc & 0x100;
    bool hardirq = pc & 0xf0000;
    bool nmi = pc & 0xf00000;
    char flags[6];
    flags[0] = irqs_off && bh_off ? 'D' : irqs_off ? 'd' : bh_off ? 'b' : '.';
    flags[1] = r.flags & sim::kTraceNeedResched ? 'N' : '.';
    flags[2] = nmi && hardirq ? 'Z' : nmi ? 'z' : hardirq && softirq ? 'H' : hardirq ? 'h' : softirq ? 's' : '.';
    unsigned depth = pc & 0xff;
    flags[3] = depth ? "0123456789abcdef"[depth > 0xf ? 0xf : depth] : '.';
    flags[4] = '.';
    flags[5] = 0;

    auto it = std::back_inserter(out);
    const char* comm = r.pid == 0 ? "<idle>" : r.comm;
    prefix(out, str(comm), r.pid, r.cpu < 0 ? 0 : r.cpu, flags, r.time, kernel::trace::name(static_cast<Ev>(r.kind)));
    kernel::Symbols& sym = k.symbols();
    auto p = [&](const void* ptr) { return sym.hashed(ptr); };
    switch (static_cast<Ev>(r.kind)) {
        case Ev::sched_switch:
            fmt::format_to(it,
                           FMT_COMPILE("prev_comm={} prev_pid={} prev_prio={} prev_state={} ==> next_comm={} "
                                       "next_pid={} next_prio={}"),
                           str(r.str[0]), r.arg[0], r.arg[1], task_state(r.arg[2]), str(r.str[1]), r.arg[3], r.arg[4]);
            break;
        case Ev::sched_waking:
        case Ev::sched_wakeup:
        case Ev::sched_wakeup_new:
            fmt::format_to(it, FMT_COMPILE("comm={} pid={} prio={} target_cpu={:03}"), str(r.str[0]), r.arg[0], r.arg[1],
                           r.arg[2]);
            break;
        case Ev::sched_process_exit:
            fmt::format_to(it, FMT_COMPILE("comm={} pid={} prio={}"), str(r.str[0]), r.arg[0], r.arg[1]);
            break;
        case Ev::irq_handler_entry:
            fmt::format_to(it, FMT_COMPILE("irq={} name={}"), r.arg[0], str(r.str[0]));
            break;
        case Ev::irq_handler_exit:
            fmt::format_to(it, FMT_COMPILE("irq={} ret={}"), r.arg[0], r.arg[1] ? "handled" : "unhandled");
            break;
        case Ev::softirq_raise:
        case Ev::softirq_entry:
        case Ev::softirq_exit:
            fmt::format_to(it, FMT_COMPILE("vec={} [action={}]"), r.arg[0], vec_name(r.arg[0]));
            break;
        case Ev::tasklet_entry:
        case Ev::tasklet_exit:
            fmt::format_to(it, FMT_COMPILE("tasklet={} function={}"), str(sym.name_of(r.ptr)), str(r.str[0]));
            break;
        case Ev::workqueue_queue_work:
            fmt::format_to(it, FMT_COMPILE("work struct={} function={} workqueue={} req_cpu={} cpu={}"), p(r.ptr),
                           str(r.str[0]), str(r.str[1]), r.arg[0], r.arg[1]);
            break;
        case Ev::workqueue_activate_work:
            fmt::format_to(it, FMT_COMPILE("work struct {} function={} "), p(r.ptr), str(r.str[0]));
            break;
        case Ev::workqueue_execute_start:
        case Ev::workqueue_execute_end:
            fmt::format_to(it, FMT_COMPILE("work struct {}: function {}"), p(r.ptr), str(r.str[0]));
            break;
        case Ev::napi_poll:
            fmt::format_to(it, FMT_COMPILE("napi poll on napi struct {} for device {} work {} budget {}"), p(r.ptr),
                           r.str[0] ? r.str[0] : "(no_device)", r.arg[0], r.arg[1]);
            break;
        case Ev::local_timer_entry:
        case Ev::local_timer_exit:
        case Ev::reschedule_entry:
        case Ev::reschedule_exit:
        case Ev::call_function_entry:
        case Ev::call_function_exit:
        case Ev::call_function_single_entry:
        case Ev::call_function_single_exit:
            fmt::format_to(it, FMT_COMPILE("vector={}"), r.arg[0]);
            break;
        case Ev::timer_start:
            fmt::format_to(it,
                           FMT_COMPILE("timer={} function={} expires={} [timeout={}] bucket_expiry={} cpu={} idx={} "
                                       "flags={}"),
                           p(r.ptr), str(r.str[0]), r.arg[0], r.arg[1], r.arg[3], r.arg[4] & 0x3ffff,
                           (r.arg[4] >> 22) & 0x3ff, timer_flags(r.arg[4]));
            break;
        case Ev::timer_expire_entry:
            fmt::format_to(it, FMT_COMPILE("timer={} function={} now={} baseclk={}"), p(r.ptr), str(r.str[0]), r.arg[0],
                           r.arg[0]);
            break;
        case Ev::timer_expire_exit:
        case Ev::timer_cancel:
            fmt::format_to(it, FMT_COMPILE("timer={}"), p(r.ptr));
            break;
        case Ev::hrtimer_start:
            fmt::format_to(it, FMT_COMPILE("hrtimer={} function={} expires={} softexpires={} mode={} was_armed={}"),
                           p(r.ptr), str(r.str[0]), r.arg[0], r.arg[1], kernel::hrtimer_mode_name(r.arg[2]), r.arg[3]);
            break;
        case Ev::hrtimer_expire_entry:
            fmt::format_to(it, FMT_COMPILE("hrtimer={} function={} now={}"), p(r.ptr), str(r.str[0]), r.arg[0]);
            break;
        case Ev::hrtimer_expire_exit:
        case Ev::hrtimer_cancel:
            fmt::format_to(it, FMT_COMPILE("hrtimer={}"), p(r.ptr));
            break;
        case Ev::irqlab_line:
            fmt::format_to(it, FMT_COMPILE("dev={} line={} {}"), str(r.str[0]), str(r.str[1]),
                           r.arg[0] == 2 ? "edge" : r.arg[0] ? "assert" : "deassert");
            break;
        case Ev::irqlab_ioapic_send:
            fmt::format_to(it, FMT_COMPILE("pin={} vector={} dest={}"), r.arg[0], r.arg[1], r.arg[2]);
            break;
        case Ev::irqlab_lapic_irr:
            fmt::format_to(it, FMT_COMPILE("vector={}{}"), r.arg[0], r.arg[1] ? "" : " (merged: already pending)");
            break;
        case Ev::irqlab_lapic_accept:
        case Ev::irqlab_lapic_eoi:
            fmt::format_to(it, FMT_COMPILE("vector={}"), r.arg[0]);
            break;
        case Ev::irqlab_bug:
            fmt::format_to(it, FMT_COMPILE("{}"), str(r.str[0]));
            break;
        case Ev::irqlab_user:
            fmt::format_to(it, FMT_COMPILE("{}"), r.str[0] ? r.str[0] : "");
            break;
        case Ev::count_:
            break;
    }
}

std::string FtraceText::line(const sim::TraceRecord& r, kernel::Kernel& k) {
    Buffer b;
    format(b, r, k);
    return fmt::to_string(b);
}

FtraceText::FtraceText(std::ostream& out, kernel::Kernel& k, bool seekable) : out_(out), k_(k), seekable_(seekable) {
    out_ << "# tracer: nop\n#\n";
    if (seekable_) count_at_ = out_.tellp();
    // The count is filled in by finish() when the file can be rewritten; padded to a fixed
    // width so the rest need not move (comment lines are skipped by every reader).
    char hdr[96];
    std::snprintf(hdr, sizeof hdr, "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%d", std::uint64_t{0},
                  std::uint64_t{0}, k.nr_cpus());
    out_ << hdr << std::string(seekable_ ? 72 - std::string(hdr).size() : 0, ' ') << "\n";
    out_ << "#\n"
            "#                                _-----=> irqs-off/BH-disabled\n"
            "#                               / _----=> need-resched\n"
            "#                              | / _---=> hardirq/softirq\n"
            "#                              || / _--=> preempt-depth\n"
            "#                              ||| / _-=> migrate-disable\n"
            "#                              |||| /     delay\n"
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
            "#              | |         |   |||||     |         |\n";
}

void FtraceText::on_record(const sim::TraceRecord& r) {
    buf_.clear();
    format(buf_, r, k_);
    buf_.push_back('\n');
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    ++entries_;
}

void FtraceText::finish() {
    out_.flush();
    if (!seekable_ || count_at_ < 0) return;
    std::streamoff end = out_.tellp();
    out_.seekp(count_at_);
    char hdr[96];
    std::snprintf(hdr, sizeof hdr, "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%d", entries_, entries_,
                  k_.nr_cpus());
    std::string s = hdr;
    if (s.size() < 72) s += std::string(72 - s.size(), ' ');
    out_ << s;
    out_.seekp(end);
    out_.flush();
}

}  // namespace irqlab::output
