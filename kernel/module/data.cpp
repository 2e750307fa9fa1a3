// The driver modules' static data, fresh for each simulated kernel.
//
// insmod gives a module fresh .data and .bss. irqlab's drivers are linked into the
// program, so their statics (a DECLARE_TASKLET's state, a driver's counters and pointers)
// would carry one kernel's state into the next one built in the same process: the
// stepper's replay builds many. The drivers' objects lie together between two markers
// (devices/driver_data_begin.c); the first kernel keeps a copy of that data as the program
// loaded it (after the static constructors that register the modules), and every later
// kernel starts from that copy.
#include "kernel/module/data.hpp"

#include <cstddef>
#include <vector>

extern "C" {
// Weak: a program without the drivers (some tests) has no markers, and nothing to restore.
extern char irqlab_driver_data_begin[] __attribute__((weak));
extern char irqlab_driver_data_end[] __attribute__((weak));
extern char irqlab_driver_bss_begin[] __attribute__((weak));
extern char irqlab_driver_bss_end[] __attribute__((weak));
}

namespace irqlab::kernel {

namespace {
struct Region {
    char* begin;
    char* end;
    std::vector<char> copy;  // empty until the first kernel takes it
};

// Byte by byte and uninstrumented: under AddressSanitizer the region also holds the
// redzones it puts between globals, which an instrumented copy would report.
__attribute__((no_sanitize("address"))) void copy_bytes(volatile char* to, const volatile char* from, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
}

void fresh(Region& r) {
    if (!r.begin || !r.end || r.end <= r.begin) return;
    auto size = static_cast<std::size_t>(r.end - r.begin);
    if (r.copy.empty()) {
        r.copy.resize(size);
        copy_bytes(r.copy.data(), r.begin, size);
    } else {
        copy_bytes(r.begin, r.copy.data(), size);
    }
}
}  // namespace

void fresh_driver_data() {
    static Region data{irqlab_driver_data_begin, irqlab_driver_data_end, {}};
    static Region bss{irqlab_driver_bss_begin, irqlab_driver_bss_end, {}};
    fresh(data);
    fresh(bss);
}

}  // namespace irqlab::kernel
