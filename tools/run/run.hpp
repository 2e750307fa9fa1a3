// One run of a scenario: build the machine, run it, write the outputs, judge the result.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "tools/live/live.hpp"
#include "tools/scenario/scenario.hpp"

namespace irqlab::run {

struct Options {
    std::string dmesg_path;       // --dmesg
    std::string trace_text_path;  // --trace-text
    std::string trace_json_path;  // --trace-json
    std::string proc_dir;         // --proc-dir: /proc at the end of the run
    std::string stats_json_path;  // --stats-json: every figure of the summary
    bool summary = true;
    // --timeline: the terminal timeline of [timeline_from, timeline_to] (0: the run's end)
    // after the summary, `width` columns, in colour or not.
    bool timeline = false;
    std::int64_t timeline_from = 0, timeline_to = 0;
    int width = 80;
    bool color = false;
    live::Options live;           // --realtime, --uart, --keyboard, --record-inputs, --replay-inputs
};

// Exit codes: 0 the run met its expectations, 1 a bug or an unmet expectation, 2 bad
// input (an output file that cannot be written, a live mode port in use), 130 Ctrl-C.
int run(const scenario::Scenario& sc, const Options& opt, std::ostream& out, std::ostream& err);

}  // namespace irqlab::run
