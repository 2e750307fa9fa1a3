// The trace as ftrace prints it (kernel/trace/trace_output.c): the "# tracer: nop" header
// with the irq-info legend, then one line per record,
//   "%16s-%-7d [%03d] %c%c%c%c%c %5lu.%06lu: %s: %s"
// (task-pid, CPU, the five context flags, seconds.microseconds, event, TP_printk fields).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include <fmt/format.h>

#include "sim/trace.hpp"

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::output {

class FtraceText : public sim::TraceSubscriber {
public:
    // `out` must stay valid until finish(). When it is a file, finish() fills in the
    // entries count of the header.
    FtraceText(std::ostream& out, kernel::Kernel& k, bool seekable);
    void on_record(const sim::TraceRecord& r) override;
    void finish();
    std::uint64_t entries() const { return entries_; }

    using Buffer = fmt::memory_buffer;
    // One record as ftrace prints it (without newline), appended to `out`.
    static void format(Buffer& out, const sim::TraceRecord& r, kernel::Kernel& k);
    static std::string line(const sim::TraceRecord& r, kernel::Kernel& k);

private:
    std::ostream& out_;
    kernel::Kernel& k_;
    bool seekable_;
    std::uint64_t entries_ = 0;
    std::streamoff count_at_ = -1;
    Buffer buf_;  // one line, reused
};

}  // namespace irqlab::output
