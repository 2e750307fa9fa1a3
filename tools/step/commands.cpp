#include "tools/step/commands.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <sstream>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/kernel.hpp"
#include "kernel/printk/printk.hpp"
#include "tools/output/ftrace_text.hpp"
#include "tools/output/timeline.hpp"
#include "tools/scenario/world.hpp"
#include "tools/step/inspect.hpp"
#include "tools/step/session.hpp"

namespace irqlab::step {

struct Stepper::Command {
    const char* name;
    std::vector<std::string> aliases;  // gdb's short forms
    const char* usage;
    const char* help;
    bool (Stepper::*run)(const Args&);
};

namespace {

// A word as gdb reads a command's: one of `names`, or a unique prefix of one. Otherwise
// nullopt, with the names it is a prefix of in `prefixed` (none: unknown; more: ambiguous).
std::optional<std::string> resolve(const std::string& word, const std::vector<std::string>& names,
                                   std::vector<std::string>& prefixed) {
    prefixed.clear();
    for (const std::string& n : names) {
        if (n == word) return n;
        if (n.starts_with(word)) prefixed.push_back(n);
    }
    if (prefixed.size() == 1) return prefixed.front();
    return std::nullopt;
}

// The `info` topics that only print a kernel's state.
using KernelInfo = void (*)(std::ostream&, kernel::Kernel&);
const std::vector<std::pair<std::string, KernelInfo>> kKernelInfo = {
    {"cpus", info_cpus},         {"irqs", info_irqs},           {"ioapic", info_ioapic}, {"softirqs", info_softirqs},
    {"tasklets", info_tasklets}, {"workqueues", info_workqueues}, {"napi", info_napi},   {"tasks", info_tasks}};

}  // namespace

bool split_words(const std::string& line, std::vector<std::string>& words, std::string& error) {
    words.clear();
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        std::string w;
        if (line[i] != '"') {
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') w += line[i++];
            words.push_back(w);
            continue;
        }
        ++i;
        bool closed = false;
        while (i < line.size()) {
            char c = line[i++];
            if (c == '"') {
                closed = true;
                break;
            }
            if (c != '\\' || i >= line.size()) {
                w += c;
                continue;
            }
            char e = line[i++];
            switch (e) {
                case 'n': w += '\n'; break;
                case 'r': w += '\r'; break;
                case 't': w += '\t'; break;
                case 'x': {
                    std::string hex = line.substr(i, 2);
                    char* end = nullptr;
                    long v = std::strtol(hex.c_str(), &end, 16);
                    if (hex.size() != 2 || *end) {
                        error = "\\x takes two hex digits";
                        return false;
                    }
                    w += static_cast<char>(v);
                    i += 2;
                    break;
                }
                default: w += e;  // \\ and \" and anything else: the character itself
            }
        }
        if (!closed) {
            error = "unterminated \"";
            return false;
        }
        words.push_back(w);
    }
    return true;
}

Stepper::Stepper(const scenario::Scenario& sc, std::ostream& out, Display display)
    : sc_(sc), out_(out), display_(display), session_(std::make_unique<Session>(sc)) {}

Stepper::~Stepper() = default;

std::vector<std::string> Stepper::command_names() {
    std::vector<std::string> names;
    for (const Command& c : table()) names.push_back(c.name);
    return names;
}

bool Stepper::execute(const std::string& line) {
    Args words;
    std::string error;
    if (!split_words(line, words, error)) return fail(error);
    if (words.empty()) return true;
    const std::string& name = words[0];
    const Command* found = nullptr;
    for (const Command& c : table())
        if (std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) found = &c;
    std::vector<std::string> prefixed;
    if (!found)
        if (auto full = resolve(name, command_names(), prefixed))
            found = &*std::find_if(table().begin(), table().end(), [&](const Command& c) { return *full == c.name; });
    if (!found) {
        std::string msg = prefixed.empty() ? "undefined command: \"" + name + "\"" : "ambiguous command \"" + name + "\":";
        if (prefixed.empty()) {
            if (auto n = scenario::nearest(name, command_names())) msg += " (did you mean '" + *n + "'?)";
            msg += ". Try \"help\".";
        } else {
            for (const std::string& c : prefixed) msg += " " + c;
        }
        return fail(msg);
    }
    words.erase(words.begin());
    return (this->*(found->run))(words);
}

bool Stepper::fail(const std::string& msg) {
    out_ << msg << "\n";
    return false;
}

bool Stepper::can_move() {
    if (!session_->ended()) return true;
    if (!session_->halted().empty())
        return fail("The machine has halted (" + session_->halted() + "). Use \"run\" to start again, or reverse-step.");
    return fail("The run has ended at " + sim::format_time(session_->now()) +
                " (run.until). Use \"run\" to start again, or reverse-step.");
}

void Stepper::print_record(const void* record) {
    const auto* r = static_cast<const sim::TraceRecord*>(record);
    std::string line = output::FtraceText::line(*r, session_->kernel());
    line.erase(0, line.find_first_not_of(' '));
    out_ << "#" << r->seq << " " << line << "\n";
}

void Stepper::report(const Stop& s) {
    Session& ss = *session_;
    if (!ss.replay_arrived())
        out_ << "warning: the replay did not arrive where the run was (a determinism bug in irqlab; please report it)\n";
    switch (s.why) {
        case Stop::Why::Start: out_ << "At the start of the run (" << sim::format_time(ss.now()) << ").\n"; return;
        case Stop::Why::End:
            out_ << "The run reached its end at " << sim::format_time(ss.now()) << " (run.until).\n";
            return;
        case Stop::Why::Halted: out_ << "The machine halted at " << sim::format_time(ss.now()) << ": " << ss.halted() << "\n"; return;
        case Stop::Why::Time: out_ << "Stopped at " << sim::format_time(ss.now()) << ".\n"; return;
        case Stop::Why::Interrupted: out_ << "\nInterrupted at " << sim::format_time(ss.now()) << ".\n"; return;
        case Stop::Why::Breakpoint:
            if (Breakpoint* b = ss.breakpoints().find(s.breakpoint))
                out_ << "Breakpoint " << b->number << ", " << b->what() << "\n";
            else
                out_ << "Breakpoint\n";
            break;
        case Stop::Why::Steps:
        case Stop::Why::Boundary: break;
    }
    if (const sim::TraceRecord* r = ss.current())
        print_record(r);
    else
        out_ << "At " << sim::format_time(ss.now()) << ".\n";
}

bool Stepper::cpu_arg(const Args& a, std::size_t i, int& cpu) {
    if (a.size() <= i) return true;
    char* end = nullptr;
    long v = std::strtol(a[i].c_str(), &end, 10);
    if (a[i].empty() || *end || v < 0 || v >= session_->kernel().nr_cpus())
        return fail("no CPU " + a[i] + " (this machine has CPUs 0-" + std::to_string(session_->kernel().nr_cpus() - 1) + ")");
    cpu = static_cast<int>(v);
    return true;
}

namespace {
bool parse_count(const std::string& s, std::uint64_t& n) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || *end || v == 0 || s[0] == '-') return false;
    n = v;
    return true;
}
}  // namespace

bool Stepper::help(const Args& a) {
    if (!a.empty()) {
        for (const Command& c : table())
            if (a[0] == c.name || std::find(c.aliases.begin(), c.aliases.end(), a[0]) != c.aliases.end()) {
                out_ << c.usage << "\n  " << c.help << "\n";
                return true;
            }
        return fail("no command \"" + a[0] + "\". Try \"help\".");
    }
    out_ << "Commands (short forms in brackets):\n";
    for (const Command& c : table()) {
        std::string shorts;
        for (const std::string& s : c.aliases) shorts += (shorts.empty() ? "" : ", ") + s;
        std::string head = c.usage;
        if (!shorts.empty()) head += " [" + shorts + "]";
        out_ << "  " << head << std::string(head.size() < 34 ? 34 - head.size() : 1, ' ') << c.help << "\n";
    }
    return true;
}

bool Stepper::step(const Args& a) {
    std::uint64_t n = 1;
    if (a.size() > 1 || (a.size() == 1 && !parse_count(a[0], n))) return fail("usage: step [N] (N trace records, N >= 1)");
    if (!can_move()) return false;
    report(session_->step(n));
    return true;
}

bool Stepper::next(const Args& a) {
    if (!a.empty()) return fail("usage: next");
    if (!can_move()) return false;
    report(session_->next());
    return true;
}

bool Stepper::cont(const Args& a) {
    if (!a.empty()) return fail("usage: continue");
    if (!can_move()) return false;
    report(session_->resume());
    return true;
}

bool Stepper::until(const Args& a) {
    if (a.size() != 1) return fail("usage: until TIME (a simulated time: 5ms, 250us)");
    std::string why;
    auto t = sim::parse_time(a[0], &why);
    if (!t) return fail("'" + a[0] + "' is not a time (" + why + ")");
    if (!can_move()) return false;
    if (*t <= session_->now())
        return fail("the run is already at " + sim::format_time(session_->now()) + "; until takes a later time");
    if (*t > sc_.until) return fail(sim::format_time(*t) + " is after the run's end (" + sim::format_time(sc_.until) + ")");
    report(session_->until(*t));
    return true;
}

bool Stepper::run(const Args& a) {
    if (!a.empty()) return fail("usage: run");
    out_ << "Starting the run of " << sc_.file << " again.\n";
    report(session_->run());
    return true;
}

bool Stepper::brk(const Args& a) {
    std::string error;
    int n = session_->breakpoints().add(a, error);
    if (!n) return fail(error);
    const Breakpoint* b = session_->breakpoints().find(n);
    out_ << "Breakpoint " << n << ": " << b->what() << "\n";
    if (b->kind == Breakpoint::Kind::Time && b->time <= session_->now())
        out_ << "(" << sim::format_time(b->time) << " is behind the current time: reverse-continue can stop there)\n";
    return true;
}

bool Stepper::del(const Args& a) {
    if (a.empty()) {
        session_->breakpoints().clear();
        out_ << "Deleted every breakpoint.\n";
        return true;
    }
    for (const std::string& w : a) {
        std::uint64_t n = 0;
        if (!parse_count(w, n)) return fail("usage: delete [N...]");
        if (!session_->breakpoints().remove(static_cast<int>(n))) return fail("No breakpoint number " + w + ".");
    }
    return true;
}

bool Stepper::info(const Args& a) {
    static const std::vector<std::string> kWhat = [] {
        std::vector<std::string> w = {"breakpoints"};
        for (const auto& [name, fn] : kKernelInfo) w.push_back(name);
        for (const char* more : {"lapic", "devices", "inputs"}) w.push_back(more);
        return w;
    }();
    if (a.empty()) {
        std::string all;
        for (const std::string& w : kWhat) all += " " + w;
        return fail("info what?" + all);
    }
    std::vector<std::string> prefixed;
    auto what = resolve(a[0] == "b" || a[0] == "break" ? "breakpoints" : a[0], kWhat, prefixed);
    if (!what && !prefixed.empty()) {
        std::string msg = "ambiguous \"info " + a[0] + "\":";
        for (const std::string& p : prefixed) msg += " " + p;
        return fail(msg);
    }
    if (!what) {
        std::string msg = "no \"info " + a[0] + "\"";
        if (auto n = scenario::nearest(a[0], kWhat)) msg += " (did you mean 'info " + *n + "'?)";
        return fail(msg);
    }
    const bool takes_cpu = *what == "lapic";
    if (a.size() > (takes_cpu ? 2u : 1u)) return fail("usage: info " + *what + (takes_cpu ? " [CPU]" : ""));
    kernel::Kernel& k = session_->kernel();
    for (const auto& [name, fn] : kKernelInfo)
        if (name == *what) {
            fn(out_, k);
            return true;
        }
    if (*what == "lapic") {
        int cpu = 0;
        if (!cpu_arg(a, 1, cpu)) return false;
        info_lapic(out_, k, cpu);
    } else if (*what == "devices") {
        info_devices(out_, session_->world());
    } else if (*what == "breakpoints") {
        const auto& list = session_->breakpoints().list();
        if (list.empty()) out_ << "No breakpoints.\n";
        else out_ << "Num  What                            Hits\n";
        for (const Breakpoint& b : list) {
            std::string w = b.what();
            out_ << b.number << std::string(b.number < 10 ? 4 : 3, ' ') << w << std::string(w.size() < 32 ? 32 - w.size() : 1, ' ')
                 << b.hits << "\n";
        }
    } else {  // inputs
        const auto& j = session_->journal();
        if (j.empty()) out_ << "No inputs given.\n";
        for (const auto& in : j)
            out_ << sim::format_time(in.at.time) << " (after #" << in.at.seq << "): " << in.device << " " << in.what
                 << (in.arg.empty() ? "" : " ") << in.arg << "\n";
    }
    return true;
}

bool Stepper::bt(const Args& a) {
    if (a.size() > 1) return fail("usage: bt [CPU]");
    int cpu = 0;
    if (const sim::TraceRecord* r = session_->current(); r && r->cpu >= 0) cpu = r->cpu;
    if (!cpu_arg(a, 0, cpu)) return false;
    backtrace(out_, session_->kernel(), cpu);
    return true;
}

bool Stepper::cat(const Args& a) {
    if (a.size() != 1) return fail("usage: cat /proc/FILE");
    std::string path = a[0];
    if (!path.starts_with("/proc/")) return fail("cat: " + path + ": only the simulated /proc can be read");
    std::string rel = path.substr(6);
    if (auto text = kernel::procfs::read(session_->kernel(), rel)) {
        out_ << *text;
        return true;
    }
    std::string msg = "cat: " + path + ": No such file or directory";
    std::vector<std::string> files;
    for (const std::string& f : kernel::procfs::list(session_->kernel())) files.push_back("/proc/" + f);
    if (auto n = scenario::nearest(path, files)) msg += " (did you mean '" + *n + "'?)";
    return fail(msg);
}

bool Stepper::dmesg(const Args& a) {
    if (!a.empty()) return fail("usage: dmesg");
    session_->kernel().log().flush();
    out_ << session_->kernel().log().dmesg();
    return true;
}

bool Stepper::why(const Args& a) {
    if (!a.empty()) return fail("usage: why");
    const Session& s = *session_;
    const sim::TraceRecord* r = s.current();
    if (!r) r = s.record(s.position().seq);
    if (!r) return fail("No trace record yet: step first.");
    std::vector<const sim::TraceRecord*> chain{r};
    bool cut = false;
    while (chain.back()->cause) {
        const sim::TraceRecord* c = s.record(chain.back()->cause);
        if (!c) {
            cut = true;
            break;
        }
        chain.push_back(c);
    }
    if (chain.size() == 1 && !cut) {
        out_ << "#" << r->seq << " has no recorded cause: it began on its own (a timer, a task's program, the boot).\n";
        print_record(r);
        return true;
    }
    out_ << "The chain of causes of #" << r->seq << ", first cause first:\n";
    if (cut) out_ << "  (earlier causes are no longer kept: #" << chain.back()->cause << " and before)\n";
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) print_record(*it);
    return true;
}

bool Stepper::inject(const Args& a) {
    if (a.size() < 2) {
        out_ << "usage: inject DEVICE INPUT [ARG]   (\"quotes\" group words; \\n \\r \\xHH inside them)\n";
        for (const auto& d : session_->world().devices()) {
            auto in = d->inputs();
            if (in.empty()) continue;
            out_ << "  " << d->instance() << ":";
            for (const std::string& i : in) out_ << " " << i;
            out_ << "\n";
        }
        return false;
    }
    if (!can_move()) return false;
    std::string arg;
    for (std::size_t i = 2; i < a.size(); ++i) arg += (i > 2 ? " " : "") + a[i];
    if (std::string e = session_->inject(a[0], a[1], arg); !e.empty()) return fail(e);
    out_ << "Injected " << a[1] << " into " << a[0] << " at " << sim::format_time(session_->now())
         << "; it arrives as the run goes on.\n";
    return true;
}

bool Stepper::fault(const Args& a) {
    if (a.size() < 2 || !a[0].starts_with("gsi"))
        return fail("usage: fault gsiN stuck on|off | spurious | lose_edges P | jitter T");
    if (!can_move()) return false;
    std::string arg = a.size() > 2 ? a[2] : "";
    if (a.size() > 3) return fail("fault " + a[0] + " " + a[1] + ": one argument at most");
    if (std::string e = session_->inject(a[0], a[1], arg); !e.empty()) return fail(e);
    out_ << "Fault on " << a[0] << ": " << a[1] << (arg.empty() ? "" : " ") << arg << ", from "
         << sim::format_time(session_->now()) << ".\n";
    return true;
}

bool Stepper::reverse_step(const Args& a) {
    std::uint64_t n = 1;
    if (a.size() > 1 || (a.size() == 1 && !parse_count(a[0], n))) return fail("usage: reverse-step [N]");
    report(session_->reverse_step(n));
    return true;
}

bool Stepper::reverse_continue(const Args& a) {
    if (!a.empty()) return fail("usage: reverse-continue");
    Stop s = session_->reverse_continue();
    if (s.why == Stop::Why::Start) out_ << "No breakpoint was hit before this point.\n";
    report(s);
    return true;
}

bool Stepper::timeline(const Args& a) {
    if (a.size() != 0 && a.size() != 2) return fail("usage: timeline [FROM TO]");
    Session& s = *session_;
    sim::Time from = 0, to = s.now();
    if (a.size() == 2) {
        std::string why;
        auto f = sim::parse_time(a[0], &why), t = sim::parse_time(a[1], &why);
        if (!f || !t) return fail("usage: timeline [FROM TO] (times: 0, 250us, 2ms): " + why);
        from = *f;
        to = *t;
    }
    if (to > s.now()) to = s.now();
    if (from >= to) return fail("nothing to draw: the window " + sim::format_time(from) + " to " + sim::format_time(to) +
                                " is empty (the run is at " + sim::format_time(s.now()) + ")");
    // The records are not kept: the run so far is replayed with a timeline watching, and
    // ends where it was.
    std::unique_ptr<output::Timeline> tl;
    output::TimelineOptions o;
    o.from = from;
    o.to = to;
    o.width = display_.width;
    o.color = display_.color;
    Position here = s.position();
    s.replay_to(here, [&](kernel::Kernel& k) {
        tl = std::make_unique<output::Timeline>(k, o);
        return tl.get();
    });
    tl->render(out_, s.now());
    s.drop_observer();
    return true;
}

bool Stepper::where(const Args& a) {
    if (!a.empty()) return fail("usage: where");
    const Session& s = *session_;
    out_ << "At " << sim::format_time(s.now()) << " of " << sim::format_time(sc_.until) << ", after trace record #"
         << s.position().seq << (s.ended() ? " (the run has ended)" : "") << ".\n";
    if (const sim::TraceRecord* r = s.current()) print_record(r);
    return true;
}

bool Stepper::quit(const Args&) {
    quit_ = true;
    return true;
}

const std::vector<Stepper::Command>& Stepper::table() {
    using S = Stepper;
    static const std::vector<Stepper::Command> list = {
        {"step", {"s"}, "step [N]", "run N trace records (1)", &S::step},
        {"next", {"n"}, "next", "run to the next handler or bottom-half boundary", &S::next},
        {"continue", {"c"}, "continue", "run to a breakpoint or the end", &S::cont},
        {"until", {"u"}, "until TIME", "run to a simulated time (breakpoints still stop)", &S::until},
        {"run", {"r"}, "run", "start again from time 0 (inputs forgotten), to a breakpoint", &S::run},
        {"break", {"b"}, "break irq N|vector V|softirq NAME|tasklet FUNC|work FUNC|napi DEV|time T|bug",
         "set a breakpoint", &S::brk},
        {"delete", {"d"}, "delete [N...]", "delete breakpoints (all)", &S::del},
        {"info", {"i"}, "info WHAT", "breakpoints cpus irqs ioapic lapic [CPU] softirqs tasklets workqueues napi devices tasks inputs", &S::info},
        {"bt", {"backtrace"}, "bt [CPU]", "a CPU's context stack (the current record's CPU)", &S::bt},
        {"where", {}, "where", "the current time and record", &S::where},
        {"cat", {}, "cat /proc/FILE", "read a simulated /proc file", &S::cat},
        {"dmesg", {}, "dmesg", "the kernel log so far", &S::dmesg},
        {"why", {}, "why", "the chain of causes of the current record", &S::why},
        {"inject", {}, "inject DEVICE INPUT [ARG]", "give a device input now (keys, bytes, frames, irq)", &S::inject},
        {"fault", {}, "fault gsiN stuck on|off|spurious|lose_edges P|jitter T", "switch a fault on an interrupt line now",
         &S::fault},
        {"reverse-step", {"rs"}, "reverse-step [N]", "go back N trace records (by replay)", &S::reverse_step},
        {"reverse-continue", {"rc"}, "reverse-continue", "go back to the previous breakpoint hit", &S::reverse_continue},
        {"timeline", {"tl"}, "timeline [FROM TO]", "draw the CPUs' contexts over a time window", &S::timeline},
        {"help", {"h"}, "help [COMMAND]", "this list, or one command's", &S::help},
        {"quit", {"q"}, "quit", "leave", &S::quit},
    };
    return list;
}

}  // namespace irqlab::step
