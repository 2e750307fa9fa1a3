// The kernel log (kernel/printk/printk.c): records with a time, a level and a CPU, and
// dmesg's format ("[    0.001234] text").
//
// The log keeps a bounded ring in memory (what `dmesg` in the stepper shows) and, when a
// sink is set (--dmesg FILE), streams every record to it, so a long run never holds its
// whole log.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace irqlab::kernel {

class Kernel;

constexpr int kDefaultMessageLoglevel = 4;  // CONFIG_MESSAGE_LOGLEVEL_DEFAULT

struct LogRecord {
    sim::Time time = 0;
    std::uint8_t level = 4;
    std::int16_t cpu = -1;
    std::string text;
};

class Log {
public:
    explicit Log(Kernel& k) : k_(k) {}
    ~Log() { flush(); }

    // One printk: `text` without level prefix; `cont` appends to the previous record.
    void append(int level, std::string_view text, bool cont);
    // Hands the last record to the sink (a continuation may still come until then).
    void flush();

    const std::deque<LogRecord>& ring() const { return ring_; }
    std::uint64_t total() const { return total_; }
    void set_sink(std::function<void(const LogRecord&)> sink) { sink_ = std::move(sink); }

    // printk_ratelimit(): at most 10 messages in 5 s (DEFAULT_RATELIMIT_*).
    bool ratelimit();

    static std::string dmesg_line(const LogRecord& r);
    std::string dmesg() const;

    static constexpr std::size_t kRingRecords = 100'000;

private:
    void push(LogRecord r);
    Kernel& k_;
    std::deque<LogRecord> ring_;
    std::uint64_t total_ = 0;
    bool held_ = false;  // the newest record is not yet with the sink
    std::function<void(const LogRecord&)> sink_;
    sim::Time ratelimit_begin_ = 0;
    int ratelimit_printed_ = 0;
};

// printk from the simulator's own code (reports), at `level`, one or more lines.
void printk_emit(Kernel& k, int level, std::string_view text);
// The kernel's vsnprintf: C formats plus %pS, %ps, %pF, %pf, %pB, %p, %px, %pK, %pa,
// %pad, %pM, %*ph.
std::string kvformat(Kernel& k, const char* fmt, va_list ap);
std::string kformat(Kernel& k, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace irqlab::kernel
