// The debug-kernel checks made when memory is freed while an object in it is still in use
// (lib/debugobjects.c with CONFIG_DEBUG_OBJECTS_WORK and _TIMERS; KASAN for tasklets).
#pragma once

#include <cstddef>

namespace irqlab::kernel {

class Kernel;
class Cpu;

// debug_check_no_obj_freed(): a queued work item, a pending timer or hrtimer in
// [addr, addr+size) is reported ("ODEBUG: free active ...") and fixed up as Linux does (cancelled); a
// scheduled tasklet there is taken off its list and remembered, so the tasklet softirq
// reports the use after free when it gets to it.
void debug_check_no_obj_freed(Kernel& k, const void* addr, std::size_t size);
// debug_object_init(): a work item, timer, hrtimer or tasklet at `obj` is set up; the
// kmalloc block holding it is then checked when freed (the others are not looked at).
void debug_object_init(const void* obj);
// At the start of tasklet_action on `cpu`: the KASAN reports of freed scheduled tasklets.
void report_freed_tasklets(Kernel& k, Cpu& cpu);

}  // namespace irqlab::kernel
