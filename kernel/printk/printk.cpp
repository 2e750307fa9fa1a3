#include "kernel/printk/printk.hpp"

#include <linux/printk.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

void Log::push(LogRecord r) {
    flush();
    ring_.push_back(std::move(r));
    if (ring_.size() > kRingRecords) ring_.pop_front();
    ++total_;
    held_ = true;
}

void Log::flush() {
    if (held_ && sink_ && !ring_.empty()) sink_(ring_.back());
    held_ = false;
}

void Log::append(int level, std::string_view text, bool cont) {
    // One record per line: Linux stores a multi-line printk as one record but every
    // reader (dmesg, the console) shows each line with the record's timestamp.
    bool first = true;
    while (true) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        bool last = nl == std::string_view::npos;
        if (last && line.empty() && !first) break;  // a trailing newline ends the text
        if (first && cont && held_ && !ring_.empty()) {
            ring_.back().text += line;
        } else {
            LogRecord r;
            r.time = k_.now();
            r.level = static_cast<std::uint8_t>(level);
            Task* t = k_.running();
            r.cpu = t ? static_cast<std::int16_t>(t->ts.cpu) : -1;
            r.text = std::string(line);
            push(std::move(r));
        }
        first = false;
        if (last) break;
        text.remove_prefix(nl + 1);
        if (text.empty()) break;
    }
}

std::string Log::dmesg_line(const LogRecord& r) {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%5lld.%06lld] ", static_cast<long long>(r.time / sim::kNsPerSec),
                  static_cast<long long>((r.time % sim::kNsPerSec) / 1000));
    return stamp + r.text;
}

std::string Log::dmesg() const {
    std::string out;
    for (const LogRecord& r : ring_) out += dmesg_line(r) + "\n";
    return out;
}

bool Log::ratelimit() {
    if (k_.now() - ratelimit_begin_ >= 5 * sim::kNsPerSec) {
        ratelimit_begin_ = k_.now();
        ratelimit_printed_ = 0;
    }
    return ratelimit_printed_++ < 10;
}

void printk_emit(Kernel& k, int level, std::string_view text) { k.log().append(level, text, false); }

std::string kformat(Kernel& k, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string s = kvformat(k, fmt, ap);
    va_end(ap);
    return s;
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------

using irqlab::kernel::Kernel;

extern "C" {

int vprintk(const char* fmt, va_list args) {
    Kernel& k = Kernel::get();
    std::string s = irqlab::kernel::kvformat(k, fmt, args);
    int level = irqlab::kernel::kDefaultMessageLoglevel;
    bool cont = false;
    std::size_t i = 0;
    while (i + 1 < s.size() && s[i] == KERN_SOH_ASCII) {
        char c = s[i + 1];
        if (c >= '0' && c <= '7')
            level = c - '0';
        else if (c == 'c')
            cont = true;
        i += 2;
    }
    k.log().append(level, std::string_view(s).substr(i), cont);
    return static_cast<int>(s.size() - i);
}

int printk(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

int vscnprintf(char* buf, size_t size, const char* fmt, va_list args) {
    std::string s = irqlab::kernel::kvformat(Kernel::get(), fmt, args);
    if (size == 0) return 0;
    std::size_t n = std::min(s.size(), size - 1);
    std::memcpy(buf, s.data(), n);
    buf[n] = 0;
    return static_cast<int>(n);
}

int scnprintf(char* buf, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vscnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

// ___ratelimit() with printk_ratelimit_state: 10 messages per 5 s.
int __printk_ratelimit(const char*) { return Kernel::get().log().ratelimit() ? 1 : 0; }

}  // extern "C"
