#include "tools/run/run_loop.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ostream>

#include <signal.h>

#include "sim/simulator.hpp"

namespace irqlab::run {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sigint(int) { g_interrupted = 1; }
struct sigaction g_old_action {};
}  // namespace

SigintScope::SigintScope() {
    struct sigaction act {};
    act.sa_handler = on_sigint;
    sigemptyset(&act.sa_mask);
    sigaction(SIGINT, &act, &g_old_action);
    g_interrupted = 0;
}

SigintScope::~SigintScope() { sigaction(SIGINT, &g_old_action, nullptr); }

bool SigintScope::interrupted() { return g_interrupted != 0; }

void SigintScope::interrupt() { g_interrupted = 1; }

ProgressLine::ProgressLine(bool enabled, std::ostream& err)
    : enabled_(enabled), err_(err), start_(std::chrono::steady_clock::now()), shown_(start_) {}

ProgressLine::~ProgressLine() {
    if (drawn_) err_ << "\r\033[K" << std::flush;
}

void ProgressLine::update(sim::Simulator& s, sim::Time until, const std::string& note) {
    auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - shown_ < std::chrono::seconds(1)) return;
    shown_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = static_cast<double>(s.engine().events_processed()) / secs;
    char events[32];
    if (rate >= 1e6)
        std::snprintf(events, sizeof events, "%.2f M events/s", rate / 1e6);
    else
        std::snprintf(events, sizeof events, "%.0f events/s", rate);
    char line[192];
    std::snprintf(line, sizeof line, "\r  simulated %s of %s (%.0f%%)%s%s, %s \033[K",
                  sim::format_time(s.now() - s.now() % sim::kNsPerUs).c_str(), sim::format_time(until).c_str(),
                  100.0 * static_cast<double>(s.now()) / static_cast<double>(until), note.empty() ? "" : ", ",
                  note.c_str(), events);
    err_ << line << std::flush;
    drawn_ = true;
}

void ProgressLine::message(const std::string& text) {
    if (drawn_) err_ << "\r\033[K";
    err_ << text << "\n" << std::flush;
    shown_ = std::chrono::steady_clock::time_point{};  // redraw at the next update
}

bool run_sliced(sim::Simulator& s, sim::Time until, bool progress, std::ostream& err) {
    SigintScope sigint;
    ProgressLine line(progress, err);
    const sim::Time slice = std::max<sim::Time>(sim::kNsPerMs / 10, until / 1000);
    while (s.now() < until && !SigintScope::interrupted()) {
        if (s.run_until(std::min(until, s.now() + slice)) != sim::Simulator::Status::Reached) break;
        line.update(s, until);
    }
    return SigintScope::interrupted();
}

}  // namespace irqlab::run
