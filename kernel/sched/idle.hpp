#pragma once

namespace irqlab::kernel {
// The body of every CPU's idle task (swapper/N); never returns.
int idle_loop();
}  // namespace irqlab::kernel
