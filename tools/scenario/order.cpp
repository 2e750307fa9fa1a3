#include "tools/scenario/order.hpp"

#include <cstring>

#include "kernel/trace/events.hpp"

extern "C" const char* const softirq_to_name[];

namespace irqlab::scenario {

namespace {
using kernel::trace::Ev;

struct Kind {
    const char* word;
    Ev ev;
    bool numbered;  // the name is a number (irq) or a softirq name
};
constexpr Kind kKinds[] = {
    {"irq", Ev::irq_handler_entry, true},     {"softirq", Ev::softirq_entry, true},
    {"tasklet", Ev::tasklet_entry, false},    {"work", Ev::workqueue_execute_start, false},
    {"napi", Ev::napi_poll, false},           {"wakeup", Ev::sched_wakeup, false},
    {"line", Ev::irqlab_line, false},
};
constexpr int kSoftirqs = 10;

bool matches(const EventName& e, const sim::TraceRecord& r) {
    if (r.kind != e.kind) return false;
    if (e.number >= 0) return r.arg[0] == e.number;
    // A line event is an assertion or an edge (level 1 or 2), not a release.
    if (r.kind == static_cast<std::uint16_t>(Ev::irqlab_line) && r.arg[0] == 0) return false;
    return r.str[0] && e.name == r.str[0];
}
}  // namespace

bool parse_event_name(const std::string& text, EventName& out, std::string* error) {
    auto space = text.find(' ');
    std::string word = text.substr(0, space);
    std::string rest = space == std::string::npos ? "" : text.substr(space + 1);
    for (const Kind& k : kKinds) {
        if (word != k.word) continue;
        if (rest.empty()) {
            *error = "'" + text + "' needs a name after '" + word + "'";
            return false;
        }
        out.text = text;
        out.kind = static_cast<std::uint16_t>(k.ev);
        out.name = rest;
        if (k.ev == Ev::irq_handler_entry) {
            if (rest.find_first_not_of("0123456789") != std::string::npos) {
                *error = "'" + text + "': an IRQ is a number (like 'irq 17')";
                return false;
            }
            out.number = std::stoll(rest);
        } else if (k.ev == Ev::softirq_entry) {
            for (int v = 0; v < kSoftirqs; ++v)
                if (rest == softirq_to_name[v]) out.number = v;
            if (out.number < 0) {
                *error = "'" + text + "': softirqs are HI, TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU";
                return false;
            }
        }
        return true;
    }
    *error = "'" + text + "' is not an event: write 'irq N', 'softirq NAME', 'tasklet FUNC', 'work FUNC', 'napi DEV', "
             "'wakeup COMM' or 'line DEVICE'";
    return false;
}

OrderCheck::OrderCheck(const std::vector<OrderExpect>& rules, int cpus) : rules_(rules), results_(rules.size()) {
    for (const OrderExpect& o : rules) armed_.emplace_back(o.same_cpu ? static_cast<std::size_t>(cpus) : 1, false);
}

void OrderCheck::on_record(const sim::TraceRecord& r) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const OrderExpect& o = rules_[i];
        bool first = matches(o.first, r), then = matches(o.then, r);
        if (!first && !then) continue;
        if (o.same_cpu && r.cpu < 0) continue;
        std::vector<bool>::reference armed = armed_[i][o.same_cpu ? static_cast<std::size_t>(r.cpu) : 0];
        Result& res = results_[i];
        if (then) {
            ++res.thens;
            if (!armed && ++res.violations == 1) {
                res.first_violation = r.time;
                res.violation_cpu = r.cpu;
            }
            armed = false;
        }
        if (first) {
            ++res.firsts;
            armed = true;
        }
    }
}

}  // namespace irqlab::scenario
