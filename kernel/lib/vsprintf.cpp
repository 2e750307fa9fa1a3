// The kernel's vsnprintf (lib/vsprintf.c): the C conversions, plus the %p extensions that
// kernel messages use. Pointers never print host addresses: %p prints a stable hash and
// %px a stable fake kernel address derived from the object's identity, so output is the
// same in every run and every build.
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <linux/ioport.h>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/lib/errname.hpp"
#include "kernel/printk/printk.hpp"

namespace irqlab::kernel {

namespace {

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// %p and its extensions; `f` points just past the 'p'. Returns the text, advances `f`.
std::string format_pointer(Kernel& k, const char*& f, const void* p, int width) {
    Symbols& sym = k.symbols();
    char buf[64];
    switch (*f) {
        case 'S':
        case 's':
        case 'F':
        case 'f':
        case 'B': {
            bool offset = *f == 'S' || *f == 'F' || *f == 'B';
            ++f;
            if (*f == 'R') ++f;
            return sym.symbolize(p, offset);
        }
        case 'x':
            ++f;
            std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sym.fake_address(p)));
            return buf;
        case 'K':
            ++f;
            return sym.hashed(p);
        case 'R':
        case 'r': {  // a struct resource (resource_string(), the common types)
            ++f;
            const auto* r = static_cast<const struct resource*>(p);
            unsigned long type = r->flags & IORESOURCE_TYPE_BITS;
            const char* name = type == IORESOURCE_IO ? "io  " : type == IORESOURCE_MEM ? "mem" : type == IORESOURCE_IRQ ? "irq" : "??? ";
            if (type == IORESOURCE_IRQ)
                std::snprintf(buf, sizeof buf, "[%s %llu]", name, static_cast<unsigned long long>(r->start));
            else
                std::snprintf(buf, sizeof buf, "[%s %#0*llx-%#0*llx]", name, type == IORESOURCE_IO ? 6 : 10,
                              static_cast<unsigned long long>(r->start), type == IORESOURCE_IO ? 6 : 10,
                              static_cast<unsigned long long>(r->end));
            return buf;
        }
        case 'e': {  // an ERR_PTR() prints as its errno name, anything else as %p
            ++f;
            auto v = reinterpret_cast<std::intptr_t>(p);
            if (v < 0 && v >= -4095) return errname_signed(static_cast<int>(v));
            return sym.hashed(p);
        }
        case 'a': {
            ++f;
            unsigned long long v = 0;
            if (*f == 'd') {
                ++f;
                std::memcpy(&v, p, sizeof(std::uint64_t));  // dma_addr_t
            } else {
                if (*f == 'p') ++f;
                std::memcpy(&v, p, sizeof(std::uint64_t));  // phys_addr_t
            }
            std::snprintf(buf, sizeof buf, "0x%016llx", v);
            return buf;
        }
        case 'M':
        case 'm': {
            bool colons = *f == 'M';
            ++f;
            const auto* b = static_cast<const unsigned char*>(p);
            std::string out;
            for (int i = 0; i < 6; ++i) {
                std::snprintf(buf, sizeof buf, colons && i ? ":%02x" : "%02x", b[i]);
                out += buf;
            }
            return out;
        }
        case 'h': {
            ++f;
            char sep = ' ';
            if (*f == 'C') sep = ':', ++f;
            else if (*f == 'D') sep = '-', ++f;
            else if (*f == 'N') sep = 0, ++f;
            const auto* b = static_cast<const unsigned char*>(p);
            int n = width > 0 ? std::min(width, 64) : 1;
            std::string out;
            for (int i = 0; i < n; ++i) {
                if (i && sep) out += sep;
                std::snprintf(buf, sizeof buf, "%02x", b[i]);
                out += buf;
            }
            return out;
        }
        default:
            while (is_alnum(*f)) ++f;  // unknown extension: consumed, plain hash printed
            return sym.hashed(p);
    }
}

}  // namespace

std::string kvformat(Kernel& k, const char* fmt, va_list ap_in) {
    va_list ap;
    va_copy(ap, ap_in);
    std::string out;
    const char* f = fmt;
    char spec[32];
    char buf[128];
    while (*f) {
        if (*f != '%') {
            const char* start = f;
            while (*f && *f != '%') ++f;
            out.append(start, static_cast<std::size_t>(f - start));
            continue;
        }
        const char* start = f++;
        if (*f == '%') {
            out += '%';
            ++f;
            continue;
        }
        while (*f && std::strchr("-+ #0", *f)) ++f;
        int width = -1;
        bool star_width = false;
        if (*f == '*') {
            width = va_arg(ap, int);
            star_width = true;
            ++f;
        } else {
            while (*f >= '0' && *f <= '9') width = (width < 0 ? 0 : width * 10) + (*f++ - '0');
        }
        int precision = -1;
        bool star_prec = false;
        if (*f == '.') {
            ++f;
            precision = 0;
            if (*f == '*') {
                precision = va_arg(ap, int);
                star_prec = true;
                ++f;
            } else {
                while (*f >= '0' && *f <= '9') precision = precision * 10 + (*f++ - '0');
            }
        }
        // Length modifier.
        int longs = 0;
        char size = 0;
        for (;;) {
            if (*f == 'l') longs++, ++f;
            else if (*f == 'h') size = size == 'h' ? 'H' : 'h', ++f;
            else if (*f == 'z' || *f == 't' || *f == 'j' || *f == 'L' || *f == 'q') size = *f == 'q' ? 'L' : *f, ++f;
            else break;
        }
        char conv = *f ? *f++ : 0;
        // Rebuild the spec with * resolved, without the length (added per type below).
        std::string s(start, static_cast<std::size_t>(f - start));
        std::string base;
        for (char c : s) {
            if (c == 'l' || c == 'h' || c == 'z' || c == 't' || c == 'j' || c == 'L' || c == 'q') continue;
            base += c;
        }
        base.pop_back();  // the conversion
        if (star_width || star_prec) {
            std::string resolved;
            bool in_prec = false;
            for (char c : base) {
                if (c == '.') in_prec = true;
                if (c == '*') resolved += std::to_string(in_prec ? precision : width);
                else resolved += c;
            }
            base = resolved;
        }
        switch (conv) {
            case 'd':
            case 'i': {
                long long v;
                if (longs >= 2 || size == 'L' || size == 'j') v = va_arg(ap, long long);
                else if (longs == 1 || size == 'z' || size == 't') v = va_arg(ap, long);
                else v = va_arg(ap, int);
                if (size == 'h' && !longs) v = static_cast<short>(v);
                if (size == 'H' && !longs) v = static_cast<signed char>(v);
                std::snprintf(spec, sizeof spec, "%slld", base.c_str());
                std::snprintf(buf, sizeof buf, spec, v);
                out += buf;
                break;
            }
            case 'u':
            case 'x':
            case 'X':
            case 'o': {
                unsigned long long v;
                if (longs >= 2 || size == 'L' || size == 'j') v = va_arg(ap, unsigned long long);
                else if (longs == 1 || size == 'z' || size == 't') v = va_arg(ap, unsigned long);
                else v = va_arg(ap, unsigned int);
                if (size == 'h' && !longs) v = static_cast<unsigned short>(v);
                if (size == 'H' && !longs) v = static_cast<unsigned char>(v);
                std::snprintf(spec, sizeof spec, "%sll%c", base.c_str(), conv);
                std::snprintf(buf, sizeof buf, spec, v);
                out += buf;
                break;
            }
            case 'c': {
                int c = va_arg(ap, int);
                std::snprintf(spec, sizeof spec, "%sc", base.c_str());
                std::snprintf(buf, sizeof buf, spec, c);
                out += buf;
                break;
            }
            case 's': {
                const char* str = va_arg(ap, const char*);
                if (!str) str = "(null)";
                std::snprintf(spec, sizeof spec, "%ss", base.c_str());
                int n = std::snprintf(nullptr, 0, spec, str);
                std::string tmp(static_cast<std::size_t>(n) + 1, '\0');
                std::snprintf(tmp.data(), tmp.size(), spec, str);
                tmp.pop_back();
                out += tmp;
                break;
            }
            case 'p': {
                const void* p = va_arg(ap, const void*);
                std::string text = p || (*f == 'h') ? format_pointer(k, f, p, width)
                                                    : (format_pointer(k, f, p, width), std::string("(null)"));
                if (!star_width && width > 0 && static_cast<int>(text.size()) < width && *(f - 1) != 'h')
                    text.insert(0, static_cast<std::size_t>(width) - text.size(), ' ');
                out += text;
                break;
            }
            case 0:
                out += base;
                break;
            default:
                out += s;  // not a conversion the kernel knows: printed as is
                break;
        }
    }
    va_end(ap);
    return out;
}

}  // namespace irqlab::kernel
