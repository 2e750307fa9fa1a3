#include "tools/output/timeline.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "kernel/kernel.hpp"
#include "kernel/trace/events.hpp"
#include "sim/time.hpp"

namespace irqlab::output {

namespace {

using kernel::trace::Ev;
using Level = Timeline::Level;
__extension__ using Wide = __int128;  // (t - from) * scale: past 64 bits on long runs

// Buckets per column. Over the whole of a closed window the buckets' edges fall on the
// columns' edges; when the run stops short of `to`, or `to` was left open, a column is
// drawn from the buckets that start in it, and its edges are off by an eighth of a
// column at most (never is a bucket drawn in two columns).
constexpr std::int64_t kBucketsPerColumn = 8;
constexpr std::size_t kAssertions = 256;  // line assertions in flight to a CPU

constexpr std::uint8_t kMarkLine = 1, kMarkRaise = 2, kMarkWakeup = 4;

struct Look {
    char glyph;
    const char* sgr;  // ANSI SGR parameters
    const char* meaning;
};
// By Level.
constexpr Look kLevels[] = {
    {' ', nullptr, nullptr},
    {'.', "90", "idle"},
    {'=', "32", "task"},
    {'W', "36", "work item"},
    {'I', "94", "irq thread"},
    {'S', "33", "softirq"},
    {'T', "1;33", "tasklet"},
    {'N', "35", "NAPI poll"},
    {'V', "31", "system vector (timer, IPI)"},
    {'H', "1;31", "irq handler"},
};
// The marks, the first that a column holds drawn: the cause before its effects.
constexpr std::pair<std::uint8_t, Look> kMarks[] = {
    {kMarkLine, {'^', "1;31", "line asserted"}},
    {kMarkRaise, {'r', "33", "softirq raised"}},
    {kMarkWakeup, {'w', "32", "wake-up"}},
};

Level level_of(Context c) {
    switch (c) {
        case Context::Hardirq:
            return Level::Hardirq;
        case Context::Sysvec:
            return Level::Sysvec;
        case Context::Softirq:
            return Level::Softirq;
        case Context::Tasklet:
            return Level::Tasklet;
        default:  // a BH work item (timer callbacks take no frame)
            return Level::Work;
    }
}

std::int64_t ceil_div(Wide a, std::int64_t b) {
    return static_cast<std::int64_t>((a + b - 1) / b);
}

// A row of glyphs with their colours: an escape only where the colour changes.
class Row {
  public:
    explicit Row(bool color) : color_(color) {}
    void put(char glyph, const char* sgr) {
        if (color_ && glyph != ' ' && sgr != sgr_) {
            text_ += sgr ? std::string("\033[") + sgr + "m" : std::string("\033[0m");
            sgr_ = sgr;
        }
        text_ += glyph;
    }
    void put(std::string_view plain) {
        for (char c : plain) put(c, nullptr);
    }
    // The row, its trailing blanks trimmed if `trim`, its colour reset.
    std::string done(bool trim) {
        if (trim) text_.erase(text_.find_last_not_of(' ') + 1);
        if (color_ && sgr_) text_ += "\033[0m";
        sgr_ = nullptr;
        std::string row = std::move(text_);
        text_.clear();
        return row;
    }

  private:
    bool color_;
    const char* sgr_ = nullptr;
    std::string text_;
};

}  // namespace

Level Timeline::Lane::now() const {
    return stack.empty() ? base : level_of(stack.back().context);
}

Timeline::Timeline(kernel::Kernel& k, TimelineOptions o)
    : o_(o), lanes_(static_cast<std::size_t>(k.nr_cpus())), assertions_(kAssertions) {
    o_.width = std::max(o_.width, kMinWidth);
    label_ = static_cast<int>(std::to_string(std::max(k.nr_cpus() - 1, 0)).size()) + 4;
    columns_ = std::max(o_.width - label_ - 2, 1);  // (two '|')
    buckets_ = kBucketsPerColumn * columns_;
    scale_ = span_ = buckets_;  // an open window starts at 1 ns a bucket
    if (o_.to > o_.from) {
        // A closed one ends at `to`, where the buckets will be exactly the columns' eighths;
        // until the run gets there they are finer (by halvings, at 1 ns or more).
        span_ = o_.to - o_.from;
        while (scale_ * 2 <= span_) scale_ *= 2;
    }
    for (Lane& l : lanes_) {
        l.level.assign(static_cast<std::size_t>(buckets_), Level::None);
        l.marks.assign(static_cast<std::size_t>(buckets_), 0);
    }
}

// --- the buckets -----------------------------------------------------------------------

std::int64_t Timeline::bucket(sim::Time t) const {
    return static_cast<std::int64_t>(static_cast<Wide>(t - o_.from) * scale_ / span_);
}

bool Timeline::reach(sim::Time t) {
    if (o_.to && t >= o_.to) return false;
    while (bucket(t) >= buckets_) {
        // Halve the resolution: bucket i becomes buckets 2i and 2i+1 together.
        if (o_.to)
            scale_ /= 2;
        else
            span_ *= 2;
        for (Lane& l : lanes_) {
            for (std::size_t i = 0; i < l.level.size(); ++i) {
                std::size_t a = 2 * i, b = 2 * i + 1;
                l.level[i] = a < l.level.size() ? std::max(l.level[a], l.level[b]) : Level::None;
                l.marks[i] = a < l.marks.size() ? l.marks[a] | l.marks[b] : 0;
            }
        }
    }
    return true;
}

void Timeline::paint(Lane& l, sim::Time a, sim::Time b, Level v) {
    a = std::max(a, o_.from);
    if (o_.to) b = std::min(b, o_.to);
    if (b <= a || !reach(b - 1)) return;
    for (std::int64_t i = bucket(a), last = bucket(b - 1); i <= last; ++i) {
        Level& at = l.level[static_cast<std::size_t>(i)];
        at = std::max(at, v);
    }
}

void Timeline::mark(int cpu, sim::Time t, std::uint8_t bit) {
    if (cpu < 0 || cpu >= static_cast<int>(lanes_.size()) || t < o_.from || !reach(t)) return;
    lanes_[static_cast<std::size_t>(cpu)].marks[static_cast<std::size_t>(bucket(t))] |= bit;
}

void Timeline::leave(Lane& l, sim::Time t) {
    // A context that took no time still ran (a handler that only wakes its thread): it is
    // drawn as if it took a nanosecond.
    paint(l, l.since, std::max(t, l.since + 1), l.now());
    l.since = std::max(l.since, t);
}

// --- the records -----------------------------------------------------------------------

void Timeline::on_switch(Lane& l, const sim::TraceRecord& r) {
    leave(l, r.time);
    l.stack.clear();  // (nothing outlives a switch)
    int next = static_cast<int>(r.arg[3]);
    if (next == 0)
        l.base = Level::Idle;
    else if (r.str[1] && std::strncmp(r.str[1], "irq/", 4) == 0)
        l.base = Level::IrqThread;
    else if (std::binary_search(in_work_.begin(), in_work_.end(), next))
        l.base = Level::Work;  // (a kworker preempted in the middle of an item)
    else
        l.base = Level::Task;
}

void Timeline::on_context(Lane& l, const sim::TraceRecord& r) {
    ContextChange c = context_change(r);
    if (c.op == ContextChange::Op::None || c.context == Context::Timer ||
        c.context == Context::Hrtimer)
        return;  // (a timer callback is drawn as the context it runs in)
    if (c.context == Context::Work && !(r.preempt_count & kSoftirqOffset)) {
        // A kworker's item: the task itself does the work.
        leave(l, r.time);
        auto at = std::lower_bound(in_work_.begin(), in_work_.end(), r.pid);
        bool in = at != in_work_.end() && *at == r.pid;
        if (c.op == ContextChange::Op::Enter && !in) in_work_.insert(at, r.pid);
        if (c.op == ContextChange::Op::Exit && in) in_work_.erase(at);
        l.base = c.op == ContextChange::Op::Enter ? Level::Work : Level::Task;
        return;
    }
    if (c.op == ContextChange::Op::Enter) {
        leave(l, r.time);
        l.stack.push_back(Frame{c.context, c.key, r.time, -1});
        return;
    }
    // An exit leaves the innermost context of its kind and whatever is still above it.
    for (std::size_t i = l.stack.size(); i-- > 0;) {
        if (l.stack[i].context == c.context && (c.key < 0 || l.stack[i].key == c.key)) {
            leave(l, r.time);
            l.stack.resize(i);
            return;
        }
    }
}

// Linux traces napi_poll after the poll: it began where the softirq began, or where the
// previous poll in it ended.
void Timeline::on_napi_poll(Lane& l, const sim::TraceRecord& r) {
    if (l.stack.empty()) return;
    Frame& in = l.stack.back();
    paint(l, std::max(in.start, in.polled_to), r.time, Level::Napi);
    in.polled_to = r.time;
}

void Timeline::on_record(const sim::TraceRecord& r) {
    Ev kind = static_cast<Ev>(r.kind);
    // A line assertion (or edge, or MSI message) is marked on the CPU the IO-APIC sends it
    // to, or the MSI reaches, once: a level line re-sent after EOI is the same assertion.
    if (kind == Ev::irqlab_line) {
        if (r.arg[0] != 0) assertions_[r.seq % kAssertions] = {r.seq, r.time};
        return;
    }
    if (kind == Ev::irqlab_ioapic_send || kind == Ev::irqlab_lapic_irr) {
        Assertion& a = assertions_[r.cause % kAssertions];
        if (!r.cause || a.seq != r.cause) return;
        mark(kind == Ev::irqlab_ioapic_send ? static_cast<int>(r.arg[2]) : r.cpu, a.time,
             kMarkLine);
        a.seq = 0;
        return;
    }
    if (kind == Ev::sched_wakeup || kind == Ev::sched_wakeup_new) {
        mark(static_cast<int>(r.arg[2]), r.time, kMarkWakeup);  // where it is to run
        return;
    }
    if (r.cpu < 0 || r.cpu >= static_cast<int>(lanes_.size())) return;
    Lane& l = lanes_[static_cast<std::size_t>(r.cpu)];
    switch (kind) {
        case Ev::sched_switch:
            on_switch(l, r);
            break;
        case Ev::softirq_raise:
            mark(r.cpu, r.time, kMarkRaise);
            break;
        case Ev::napi_poll:
            on_napi_poll(l, r);
            break;
        default:
            on_context(l, r);
            break;
    }
}

// --- drawing ---------------------------------------------------------------------------

void Timeline::render(std::ostream& out, sim::Time end) const {
    const sim::Time last = o_.to ? std::min(o_.to, end) : end;
    const sim::Time window = std::max<sim::Time>(last - o_.from, 0);
    const int width = o_.width;
    auto clip = [width](std::string s) {
        return s.size() > static_cast<std::size_t>(width) ? s.substr(0, width) : s;
    };

    std::string title = "timeline " + sim::format_time(o_.from) + " to " + sim::format_time(last);
    if (window > 0) {
        sim::Time per = window / columns_;
        title += window % columns_ ? ", ~" : ", ";
        title += per ? sim::format_time(per) : "<1ns";
        title += " a column";
    }
    out << clip(title) << '\n';

    if (window > 0) draw_axis(out, last);

    // Each column: the time it covers, [a, b), and the buckets it is drawn from,
    // [first, last]: those that start in it (or, in a column narrower than a bucket, the
    // one it lies in).
    struct Column {
        sim::Time a = 0, b = 0;
        std::int64_t first = 0, last = -1;
    };
    auto first_starting_at = [&](sim::Time t) {
        std::int64_t i = bucket(t);
        return o_.from + ceil_div(static_cast<Wide>(i) * span_, scale_) < t ? i + 1 : i;
    };
    std::vector<Column> cols(static_cast<std::size_t>(window > 0 ? columns_ : 0));
    for (std::size_t c = 0; c < cols.size(); ++c) {
        Column& col = cols[c];
        col.a = o_.from + ceil_div(static_cast<Wide>(c) * window, columns_);
        col.b =
            std::max(o_.from + ceil_div(static_cast<Wide>(c + 1) * window, columns_), col.a + 1);
        col.first = first_starting_at(col.a);
        col.last = first_starting_at(col.b) - 1;
        if (col.last < col.first) col.first = col.last = bucket(col.a);
        col.last = std::min(col.last, buckets_ - 1);
    }

    for (std::size_t cpu = 0; cpu < lanes_.size(); ++cpu) {
        const Lane& l = lanes_[cpu];
        Row lane(o_.color), marks(o_.color);
        std::string name = "CPU" + std::to_string(cpu);
        lane.put(name + std::string(static_cast<std::size_t>(label_) - name.size(), ' ') + "|");
        marks.put(std::string(static_cast<std::size_t>(label_) + 1, ' '));
        const sim::Time pending = std::max(l.since, o_.from);  // the current level, since
        for (std::int64_t c = 0; c < columns_; ++c) {
            Level v = Level::None;
            std::uint8_t bits = 0;
            if (!cols.empty()) {
                const Column& col = cols[static_cast<std::size_t>(c)];
                for (std::int64_t i = col.first; i <= col.last; ++i) {
                    v = std::max(v, l.level[static_cast<std::size_t>(i)]);
                    bits |= l.marks[static_cast<std::size_t>(i)];
                }
                if (pending < std::min(col.b, end) && col.a < end) v = std::max(v, l.now());
            }
            const Look& look = kLevels[static_cast<std::size_t>(v)];
            lane.put(look.glyph, look.sgr);
            auto m = std::find_if(std::begin(kMarks), std::end(kMarks),
                                  [bits](const auto& k) { return bits & k.first; });
            if (m == std::end(kMarks))
                marks.put(' ', nullptr);
            else
                marks.put(m->second.glyph, m->second.sgr);
        }
        lane.put('|', nullptr);
        out << lane.done(false) << '\n' << marks.done(true) << '\n';
    }

    draw_legend(out);
}

// The time axis: round times (1, 2 or 5 times a power of ten), ten columns apart at least.
void Timeline::draw_axis(std::ostream& out, sim::Time last) const {
    const sim::Time window = last - o_.from;
    const int width = o_.width;
    const Wide least = static_cast<Wide>(window) * 10;  // step * columns_, at least
    sim::Time step = 1;
    for (sim::Time p = 1; static_cast<Wide>(step) * columns_ < least; p *= 10)
        for (sim::Time m : {1, 2, 5})
            if (static_cast<Wide>(step = p * m) * columns_ >= least) break;
    std::string labels(static_cast<std::size_t>(width), ' '), ticks = labels;
    std::size_t free = 0;  // where the next label may start
    for (sim::Time t = (o_.from + step - 1) / step * step; t < last; t += step) {
        auto c = static_cast<std::int64_t>(static_cast<Wide>(t - o_.from) * columns_ / window);
        std::string text = sim::format_time(t);
        auto at = static_cast<std::size_t>(label_ + 1 + c);
        if (at < free || at + text.size() > static_cast<std::size_t>(width)) continue;
        labels.replace(at, text.size(), text);
        ticks[at] = '|';
        free = at + text.size() + 1;
    }
    for (std::string* s : {&labels, &ticks}) {
        s->erase(s->find_last_not_of(' ') + 1);
        out << *s << '\n';
    }
}

// The legend, most urgent first, wrapped to the width.
void Timeline::draw_legend(std::ostream& out) const {
    const int width = o_.width;
    Row legend(o_.color);
    int used = 0;
    auto item = [&](const Look& look) {
        int n = static_cast<int>(std::strlen(look.meaning)) + 2;
        if (used && used + 2 + n > width) {
            out << legend.done(true) << '\n';
            used = 0;
        }
        if (used) legend.put("  ");
        legend.put(look.glyph, look.sgr);
        legend.put(std::string(" ") + look.meaning);
        used += (used ? 2 : 0) + n;
    };
    for (std::size_t v = std::size(kLevels); v-- > 1;) item(kLevels[v]);
    for (const auto& m : kMarks) item(m.second);
    out << legend.done(true) << '\n';
}

// --- the terminal ----------------------------------------------------------------------

int terminal_width(int fd) {
    struct winsize ws {};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* env = std::getenv("COLUMNS"))
        if (int n = std::atoi(env); n > 0) return n;
    return 80;
}

bool terminal_colors(int fd) {
    const char* term = std::getenv("TERM");
    const char* no_color = std::getenv("NO_COLOR");
    return isatty(fd) && term && std::strcmp(term, "dumb") != 0 && !(no_color && *no_color);
}

}  // namespace irqlab::output
