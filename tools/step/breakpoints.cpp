#include "tools/step/breakpoints.hpp"

#include <linux/interrupt.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "kernel/trace/events.hpp"
#include "tools/scenario/reader.hpp"

namespace irqlab::step {

using Ev = kernel::trace::Ev;

namespace {

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool parse_number(const std::string& s, std::int64_t& v) {
    if (s.empty()) return false;
    char* end = nullptr;
    long long n = std::strtoll(s.c_str(), &end, 0);  // decimal, or 0x.. hex as gdb reads it
    if (*end || n < 0) return false;
    v = n;
    return true;
}

const std::vector<std::string> kKinds = {"irq", "vector", "softirq", "tasklet", "work", "napi", "time", "bug"};

}  // namespace

int softirq_number(const std::string& name) {
    std::string n = upper(name);
    if (n.size() > 8 && n.ends_with("_SOFTIRQ")) n.resize(n.size() - 8);
    for (int i = 0; i < NR_SOFTIRQS; ++i)
        if (n == softirq_to_name[i]) return i;
    return -1;
}

bool Breakpoint::matches(const sim::TraceRecord& r) const {
    auto ev = static_cast<Ev>(r.kind);
    switch (kind) {
        case Kind::Irq: return ev == Ev::irq_handler_entry && r.arg[0] == value;
        case Kind::Vector: return ev == Ev::irqlab_lapic_accept && r.arg[0] == value;
        case Kind::Softirq: return ev == Ev::softirq_entry && r.arg[0] == value;
        case Kind::Tasklet: return ev == Ev::tasklet_entry && r.str[0] && name == r.str[0];
        case Kind::Work: return ev == Ev::workqueue_execute_start && r.str[0] && name == r.str[0];
        case Kind::Napi: return ev == Ev::napi_poll && r.str[0] && name == r.str[0];
        case Kind::Bug: return ev == Ev::irqlab_bug;
        case Kind::Time: return false;  // the run's limit stops there, not a record
    }
    return false;
}

std::string Breakpoint::what() const {
    switch (kind) {
        case Kind::Irq: return "irq " + std::to_string(value);
        case Kind::Vector: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "vector 0x%02llx", static_cast<unsigned long long>(value));
            return buf;
        }
        case Kind::Softirq: return std::string("softirq ") + softirq_to_name[value];
        case Kind::Tasklet: return "tasklet " + name;
        case Kind::Work: return "work " + name;
        case Kind::Napi: return "napi " + name;
        case Kind::Time: return "time " + sim::format_time(time);
        case Kind::Bug: return "bug";
    }
    return "";
}

int Breakpoints::add(const std::vector<std::string>& words, std::string& error) {
    if (words.empty()) {
        error = "break what? (irq N, vector V, softirq NAME, tasklet FUNC, work FUNC, napi DEV, time T, bug)";
        return 0;
    }
    Breakpoint b;
    const std::string& kind = words[0];
    auto it = std::find(kKinds.begin(), kKinds.end(), kind);
    if (it == kKinds.end()) {
        error = "no breakpoint kind '" + kind + "'";
        if (auto n = scenario::nearest(kind, kKinds)) error += " (did you mean '" + *n + "'?)";
        return 0;
    }
    b.kind = static_cast<Breakpoint::Kind>(it - kKinds.begin());
    const bool wants_arg = b.kind != Breakpoint::Kind::Bug;
    if (words.size() != (wants_arg ? 2u : 1u)) {
        error = wants_arg ? "break " + kind + " takes one argument" : "break bug takes no argument";
        return 0;
    }
    switch (b.kind) {
        case Breakpoint::Kind::Irq:
        case Breakpoint::Kind::Vector:
            if (!parse_number(words[1], b.value) || (b.kind == Breakpoint::Kind::Vector && b.value > 255)) {
                error = "'" + words[1] + "' is not " + (b.kind == Breakpoint::Kind::Irq ? "an irq number" : "a vector (0-255)");
                return 0;
            }
            break;
        case Breakpoint::Kind::Softirq: {
            b.value = softirq_number(words[1]);
            if (b.value < 0) {
                std::vector<std::string> names(softirq_to_name, softirq_to_name + NR_SOFTIRQS);
                error = "no softirq '" + words[1] + "'";
                if (auto n = scenario::nearest(upper(words[1]), names)) error += " (did you mean '" + *n + "'?)";
                return 0;
            }
            break;
        }
        case Breakpoint::Kind::Tasklet:
        case Breakpoint::Kind::Work:
        case Breakpoint::Kind::Napi: b.name = words[1]; break;
        case Breakpoint::Kind::Time: {
            std::string why;
            auto t = sim::parse_time(words[1], &why);
            if (!t) {
                error = "'" + words[1] + "' is not a time (" + why + ")";
                return 0;
            }
            b.time = *t;
            break;
        }
        case Breakpoint::Kind::Bug: break;
    }
    b.number = next_number_++;
    list_.push_back(b);
    return b.number;
}

bool Breakpoints::remove(int number) {
    auto it = std::find_if(list_.begin(), list_.end(), [&](const Breakpoint& b) { return b.number == number; });
    if (it == list_.end()) return false;
    list_.erase(it);
    return true;
}

Breakpoint* Breakpoints::find(int number) {
    for (Breakpoint& b : list_)
        if (b.number == number) return &b;
    return nullptr;
}

Breakpoint* Breakpoints::hit(const sim::TraceRecord& r) {
    for (Breakpoint& b : list_)
        if (b.matches(r)) return &b;
    return nullptr;
}

sim::Time Breakpoints::next_time(sim::Time now) const {
    sim::Time t = sim::kNever;
    for (const Breakpoint& b : list_)
        if (b.kind == Breakpoint::Kind::Time && b.time > now) t = std::min(t, b.time);
    return t;
}

std::vector<const Breakpoint*> Breakpoints::times_in(sim::Time from, sim::Time to) const {
    std::vector<const Breakpoint*> out;
    for (const Breakpoint& b : list_)
        if (b.kind == Breakpoint::Kind::Time && b.time > from && b.time <= to) out.push_back(&b);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->time < b->time; });
    return out;
}

}  // namespace irqlab::step
