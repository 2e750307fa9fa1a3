#include "tools/step/session.hpp"

#include <algorithm>

#include "kernel/kernel.hpp"
#include "sim/simulator.hpp"
#include "tools/output/context.hpp"
#include "tools/scenario/world.hpp"

namespace irqlab::step {

using Ev = kernel::trace::Ev;

namespace {
constexpr sim::Time kSlice = sim::kNsPerMs;  // of simulated time, between two looks at Ctrl-C
}  // namespace

namespace {
// Where `next` stops: a handler or bottom half (a context of the CPU's) begins or ends, or
// a NAPI poll is traced (after the poll, as Linux does).
bool is_boundary(const sim::TraceRecord& r) {
    return output::context_change(r).op != output::ContextChange::Op::None || static_cast<Ev>(r.kind) == Ev::napi_poll;
}
}  // namespace

// Sees every record: keeps the recent ones, and pauses the run where the move in progress
// (or a journaled input) must stop. An observer (a timeline drawn over a replay) sees the
// record first, through the recorder: the bus's own list of subscribers must not change
// while a record's delivery is suspended in a pause.
class Session::Recorder final : public sim::TraceSubscriber {
public:
    explicit Recorder(Session& s) : s_(s) {}

    void on_record(const sim::TraceRecord& r) override {
        if (s_.observer_) s_.observer_->on_record(r);
        if (s_.history_.size() == kHistory) s_.history_.pop_front();
        s_.history_.push_back(r);
        // A record emitted outside the simulation (while the machine is built) cannot stop.
        if (!goal || !s_.sim_->inside()) return;
        bool stop_here = false;
        if (goal->seq && r.seq >= goal->seq) {
            stop = {Stop::Why::Steps};
            stop_here = true;
        } else if (goal->boundary && is_boundary(r)) {
            stop = {Stop::Why::Boundary};
            stop_here = true;
        } else if (goal->breakpoints || goal->hits) {
            if (Breakpoint* b = s_.bps_.hit(r)) {
                if (goal->hits) {
                    goal->hits->push_back({r.seq, r.time, true});
                } else {
                    if (goal->count_hits) ++b->hits;
                    stop = {Stop::Why::Breakpoint, b->number};
                    stop_here = true;
                }
            }
        }
        if (stop_here || (input_seq && r.seq == input_seq)) {
            stopped_for_goal = stop_here;
            s_.sim_->pause();
        }
    }

    const Goal* goal = nullptr;
    std::uint64_t input_seq = 0;  // a journaled input is given at this record
    bool stopped_for_goal = false;
    Stop stop;

private:
    Session& s_;
};

Session::Session(const scenario::Scenario& sc) : sc_(sc) { build(); }

Session::~Session() { teardown(); }

sim::Time Session::now() const { return sim_->now(); }

const std::string& Session::halted() const { return k_->halted_reason(); }

const sim::TraceRecord* Session::current() const {
    return pos_.at_record && !history_.empty() ? &history_.back() : nullptr;
}

const sim::TraceRecord* Session::record(std::uint64_t seq) const {
    if (history_.empty() || seq < history_.front().seq || seq > history_.back().seq) return nullptr;
    return &history_[seq - history_.front().seq];
}

void Session::teardown() {
    if (!k_) return;
    // As a run ends: unwind the tasks while the world they reference is there, then the
    // engine loop (which may be paused in the middle of a record's delivery).
    k_->shutdown();
    world_.reset();
    sim_->shutdown();
    k_.reset();
    recorder_.reset();
    sim_.reset();
}

void Session::build(const Observer& observer) {
    teardown();
    std::size_t stack = sc_.machine.stack_size ? sc_.machine.stack_size : sim::Fiber::default_stack_size();
    sim_ = std::make_unique<sim::Simulator>(sc_.seed, stack);
    k_ = std::make_unique<kernel::Kernel>(*sim_, sc_.machine);
    history_.clear();
    observer_ = observer ? observer(*k_) : nullptr;
    recorder_ = std::make_unique<Recorder>(*this);
    sim_->trace().subscribe(recorder_.get());
    k_->boot();
    world_ = std::make_unique<scenario::World>(*k_, sc_);
    pos_ = {sim_->trace().last_seq(), sim_->now(), false};
    ended_ = false;
    next_input_ = 0;
    apply_due_inputs();
}

std::string Session::give(const Input& in) {
    // "gsiN": a fault on the interrupt line itself.
    if (in.device.starts_with("gsi") && in.device.size() > 3 &&
        in.device.find_first_not_of("0123456789", 3) == std::string::npos)
        return world_->switch_line_fault(std::stoi(in.device.substr(3)), in.what, in.arg);
    for (const auto& d : world_->devices())
        if (d->instance() == in.device) return d->inject(in.what, in.arg);
    std::vector<std::string> names;
    for (const auto& d : world_->devices()) names.push_back(d->instance());
    std::string e = "no device '" + in.device + "'";
    if (auto n = scenario::nearest(in.device, names)) e += " (did you mean '" + *n + "'?)";
    return e;
}

void Session::apply_due_inputs() {
    while (next_input_ < journal_.size() && journal_[next_input_].at <= pos_) give(journal_[next_input_++]);
}

std::string Session::inject(const std::string& device, const std::string& what, const std::string& arg) {
    if (ended_) return "the run has ended";
    Input in{pos_, device, what, arg};
    if (std::string e = give(in); !e.empty()) return e;
    // What was journaled after this point belonged to a future that is now another one.
    journal_.resize(next_input_);
    journal_.push_back(std::move(in));
    next_input_ = journal_.size();
    return "";
}

Stop Session::go(const Goal& g) {
    if (ended_) return {Stop::Why::End};
    recorder_->goal = &g;
    Stop result;
    for (;;) {
        const Input* in = next_input_ < journal_.size() ? &journal_[next_input_] : nullptr;
        recorder_->input_seq = in && in->at.at_record ? in->at.seq : 0;
        recorder_->stopped_for_goal = false;
        sim::Time limit = std::min(sc_.until, g.time);
        if (g.breakpoints || g.hits) limit = std::min(limit, bps_.next_time(now()));
        if (in && !in->at.at_record) limit = std::min(limit, in->at.time);
        // In slices, so that Ctrl-C is seen between two (a user's move only).
        if (interrupted_ && g.count_hits) limit = std::min(limit, now() + kSlice);
        auto status = sim_->run_until(limit);
        pos_ = {sim_->trace().last_seq(), now(), status == sim::Simulator::Status::Paused};
        apply_due_inputs();
        if (status == sim::Simulator::Status::Paused) {
            if (recorder_->stopped_for_goal) {
                result = recorder_->stop;
                break;
            }
            continue;  // an input was due here
        }
        if (status == sim::Simulator::Status::Stopped) {
            ended_ = true;
            result = {Stop::Why::Halted};
            break;
        }
        if (now() >= sc_.until) {
            ended_ = true;
            result = {Stop::Why::End};
            break;
        }
        if (now() == g.time) {
            result = {Stop::Why::Time};
            break;
        }
        if (interrupted_ && g.count_hits && interrupted_()) {
            result = {Stop::Why::Interrupted};
            break;
        }
        auto at_time = bps_.times_in(now() - 1, now());
        if (!at_time.empty()) {
            if (g.hits) {
                g.hits->push_back(pos_);
            } else if (g.breakpoints) {
                Breakpoint* b = bps_.find(at_time.front()->number);
                if (g.count_hits) ++b->hits;
                result = {Stop::Why::Breakpoint, b->number};
                break;
            }
        }
    }
    recorder_->goal = nullptr;
    recorder_->input_seq = 0;
    return result;
}

Stop Session::step(std::uint64_t records) {
    Goal g;
    g.seq = pos_.seq + std::max<std::uint64_t>(records, 1);
    return go(g);
}

Stop Session::next() {
    Goal g;
    g.boundary = true;
    return go(g);
}

Stop Session::resume() {
    Goal g;
    g.breakpoints = true;
    return go(g);
}

Stop Session::until(sim::Time t) {
    Goal g;
    g.time = t;
    g.breakpoints = true;
    return go(g);
}

Stop Session::run() {
    journal_.clear();
    build();
    bps_.reset_hits();
    return resume();
}

void Session::replay_to(const Position& p, const Observer& observer) {
    build(observer);
    Goal g;
    g.count_hits = false;
    if (p.at_record)
        g.seq = p.seq;
    else
        g.time = p.time;
    if (pos_ < p) go(g);
    // A record before the first one that can stop (the boot's) is the start.
    const bool at_start = !pos_.at_record && pos_.time == 0;
    replay_arrived_ = p.at_record ? (pos_.at_record && pos_.seq == p.seq) || (at_start && p.seq <= pos_.seq)
                                  : !pos_.at_record && pos_.time == p.time;
}

Stop Session::reverse_step(std::uint64_t records) {
    records = std::max<std::uint64_t>(records, 1);
    std::uint64_t back = pos_.at_record ? records : records - 1;
    replay_to({pos_.seq > back ? pos_.seq - back : 0, 0, true});
    return {pos_.at_record ? Stop::Why::Steps : Stop::Why::Start};
}

Stop Session::reverse_continue() {
    const Position here = pos_;
    std::vector<Position> hits;
    build();
    Goal g;
    g.count_hits = false;
    g.hits = &hits;
    if (here.at_record)
        g.seq = here.seq;
    else
        g.time = here.time;
    if (pos_ < here) go(g);
    Position last;
    bool found = false;
    for (const Position& h : hits)
        if (h < here) {
            last = h;
            found = true;
        }
    if (!found) {
        build();
        return {Stop::Why::Start};
    }
    replay_to(last);
    Stop s{Stop::Why::Breakpoint};
    // Which breakpoint that was: the record's, or the time's.
    if (const sim::TraceRecord* r = current()) {
        if (const Breakpoint* b = bps_.hit(*r)) s.breakpoint = b->number;
    } else if (auto at = bps_.times_in(now() - 1, now()); !at.empty()) {
        s.breakpoint = at.front()->number;
    }
    return s;
}

}  // namespace irqlab::step
