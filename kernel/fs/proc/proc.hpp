// The simulated /proc: every file irqlab models, read as a user would read it, in the
// kernel's exact format. The CLI's --proc-dir, the stepper's `cat` and simulated
// processes all go through here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace irqlab::kernel {
class Kernel;
}

namespace irqlab::kernel::procfs {

// Every file, by its path under /proc ("interrupts", "irq/16/smp_affinity"), in name order.
std::vector<std::string> list(Kernel& k);
// A file's contents now; nullopt if there is no such file. `path` may start with "/proc/".
std::optional<std::string> read(Kernel& k, std::string_view path);
// write(2) to a file: the bytes taken, or -errno (-ENOENT, -EACCES, -EINVAL, ...).
long write(Kernel& k, std::string_view path, std::string_view data);

// The files' generators.
std::string show_stat(Kernel& k);
std::string show_softirqs(Kernel& k);

}  // namespace irqlab::kernel::procfs
