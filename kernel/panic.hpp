// Kernel bugs, as a debug kernel reports them (kernel/panic.c, kernel/sched/core.c,
// lib/dump_stack.c): the report goes to the kernel log in Linux's words, with the context
// stack, and the run records the bug under its kind so a scenario can expect it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace irqlab::kernel {

class Kernel;
class Cpu;

// What `uname -r` and `uname -v` say (the reports' "6.12.117-irqlab #1").
inline constexpr const char* kRelease = "6.12.117-irqlab";
inline constexpr const char* kVersion = "#1";

// The kinds of bug a scenario can expect, named by the words of the report's first line.
namespace bug {
inline constexpr std::string_view kSleepInAtomic = "sleeping function called from invalid context";
inline constexpr std::string_view kSchedulingWhileAtomic = "scheduling while atomic";
inline constexpr std::string_view kSoftLockup = "soft lockup";
inline constexpr std::string_view kHardLockup = "hard LOCKUP";
inline constexpr std::string_view kWarning = "WARNING";
inline constexpr std::string_view kKernelBug = "kernel BUG";
inline constexpr std::string_view kInvalidFree = "double-free or invalid-free";
inline constexpr std::string_view kPanic = "Kernel panic";
inline constexpr std::string_view kOdebugFreeActive = "ODEBUG: free active";
inline constexpr std::string_view kKasanUseAfterFree = "KASAN: slab-use-after-free";
// Every kind the simulator can record, for checking scenario expectations.
const std::vector<std::string_view>& kinds();
}  // namespace bug

struct BugRecord {
    sim::Time time = 0;
    int cpu = -1;
    std::string kind;
    std::string line;  // the first line of the report
};

class Bugs {
public:
    // Counts one occurrence; keeps the first kMaxRecords in full. `cpu`: the CPU it is
    // about, when not the running one (the watchdog's reports).
    void record(Kernel& k, std::string_view kind, std::string line, int cpu = -1);
    const std::vector<BugRecord>& records() const { return records_; }
    const std::map<std::string, std::uint64_t, std::less<>>& counts() const { return counts_; }
    std::uint64_t count(std::string_view kind) const;
    std::uint64_t total() const { return total_; }

    // The taint mask (TAINT_* bits of kernel/panic.c).
    unsigned long taint = 0;
    static constexpr int kTaintDie = 7;
    static constexpr int kTaintWarn = 9;
    static constexpr int kTaintSoftlockup = 14;
    std::string print_tainted(bool verbose) const;

    unsigned long might_sleep_prev_jiffy = 0;  // the report's rate limit
    int debugobjects_reports = 0;              // debug_print_object() prints 5 at most

    static constexpr std::size_t kMaxRecords = 10'000;

private:
    std::vector<BugRecord> records_;
    std::map<std::string, std::uint64_t, std::less<>> counts_;
    std::uint64_t total_ = 0;
};

struct Task;

// dump_stack(): the CPU/task line, and a task's context stack (the running one by
// default), innermost first. `extra` frames are printed innermost (the reporters).
void dump_stack(Kernel& k, std::initializer_list<const char*> extra = {}, Task* task = nullptr);
// __might_resched(): the atomic-sleep check, reported (rate-limited) if it fails.
// Returns true when the context was atomic.
bool might_sleep_report(Kernel& k, const char* file, int line);
// __schedule_bug(): "BUG: scheduling while atomic: comm/pid/0x%08x".
void schedule_bug(Kernel& k, std::uint32_t preempt_count);
// WARN(): "------------[ cut here ]------------", the message, "WARNING: CPU: ...".
void warn_report(Kernel& k, std::string_view kind, const char* file, int line, const char* func,
                 const std::string& message);
// kfree() of something that is not a live allocation (KASAN's words).
void invalid_free_report(Kernel& k, const void* p);
// panic(): prints and stops the machine; a calling task never runs again (from the engine's
// own fiber it returns, and the run stops after the current event).
void panic(Kernel& k, const std::string& message);

}  // namespace irqlab::kernel
