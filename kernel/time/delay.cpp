// Busy-wait delays (arch/x86/lib/delay.c): the CPU spends the time.
#include <linux/delay.h>

#include "kernel/sched/spend.hpp"

extern "C" {
void ndelay(unsigned long nsecs) { irqlab::kernel::spend(static_cast<irqlab::sim::Time>(nsecs)); }
void udelay(unsigned long usecs) { irqlab::kernel::spend(static_cast<irqlab::sim::Time>(usecs) * 1000); }
void mdelay(unsigned long msecs) { irqlab::kernel::spend(static_cast<irqlab::sim::Time>(msecs) * 1'000'000); }
}
