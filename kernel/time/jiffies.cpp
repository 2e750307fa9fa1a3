// jiffies and its conversions (kernel/time/time.c). HZ is the scenario's.
#include <linux/jiffies.h>

#include "kernel/kernel.hpp"
#include "kernel/time/tick.hpp"

using irqlab::kernel::Kernel;

extern "C" {

unsigned int irqlab_hz = 250;

unsigned long irqlab_jiffies(void) {
    Kernel& k = Kernel::get();
    return irqlab::kernel::jiffies_at(k, k.now());
}

u64 get_jiffies_64(void) { return irqlab_jiffies(); }

unsigned int jiffies_to_msecs(const unsigned long j) {
    return static_cast<unsigned int>(j * MSEC_PER_SEC / irqlab_hz);
}

unsigned int jiffies_to_usecs(const unsigned long j) {
    return static_cast<unsigned int>(j * USEC_PER_SEC / irqlab_hz);
}

u64 jiffies_to_nsecs(const unsigned long j) { return static_cast<u64>(j) * (NSEC_PER_SEC / irqlab_hz); }

// Rounds up, as every variant of _msecs_to_jiffies() does: a timeout never comes early.
unsigned long msecs_to_jiffies(const unsigned int m) {
    if (static_cast<int>(m) < 0) return MAX_JIFFY_OFFSET;  // negative: an infinite timeout
    return (static_cast<unsigned long>(m) * irqlab_hz + MSEC_PER_SEC - 1) / MSEC_PER_SEC;
}

unsigned long usecs_to_jiffies(const unsigned int u) {
    return (static_cast<unsigned long>(u) * irqlab_hz + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

unsigned long nsecs_to_jiffies(u64 n) { return static_cast<unsigned long>(n / (NSEC_PER_SEC / irqlab_hz)); }

}  // extern "C"
