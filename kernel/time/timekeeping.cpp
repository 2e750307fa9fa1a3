// Clocks (kernel/time/timekeeping.c): all read the simulated time.
#include <linux/ktime.h>

#include "kernel/kernel.hpp"

using irqlab::kernel::Kernel;

extern "C" {
ktime_t ktime_get(void) { return Kernel::get().now(); }
u64 ktime_get_ns(void) { return static_cast<u64>(Kernel::get().now()); }
u64 ktime_get_mono_fast_ns(void) { return ktime_get_ns(); }
u64 local_clock(void) { return ktime_get_ns(); }
u64 sched_clock(void) { return ktime_get_ns(); }
}
