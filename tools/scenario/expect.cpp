#include "tools/scenario/expect.hpp"

#include <algorithm>

#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "sim/time.hpp"

namespace irqlab::scenario {

namespace {
std::string first_report(const kernel::Bugs& bugs, const std::string& kind) {
    for (const kernel::BugRecord& b : bugs.records())
        if (b.kind == kind) return " (first at " + sim::format_time(b.time) + " on cpu" + std::to_string(b.cpu) + ": " + b.line + ")";
    return "";
}
}  // namespace

Verdict judge(const Scenario& sc, kernel::Kernel& k) {
    Verdict v;
    const kernel::Bugs& bugs = k.bugs();
    const auto& expected = sc.expect.bugs;
    for (const std::string& kind : expected) {
        std::uint64_t n = bugs.count(kind);
        if (n)
            v.met.push_back("bug '" + kind + "' happened (" + std::to_string(n) + "x)" + first_report(bugs, kind));
        else
            v.failed.push_back("expected bug '" + kind + "' did not happen");
    }
    for (const auto& [kind, n] : bugs.counts()) {
        if (std::find(expected.begin(), expected.end(), kind) != expected.end()) continue;
        v.failed.push_back("unexpected bug '" + kind + "' (" + std::to_string(n) + "x)" + first_report(bugs, kind));
    }
    if (!sc.expect.bugs_given && bugs.total() == 0) v.met.push_back("no kernel bugs");
    return v;
}

}  // namespace irqlab::scenario
