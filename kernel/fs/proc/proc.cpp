#include "kernel/fs/proc/proc.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/net/net.hpp"

#include <linux/errno.h>

#include <algorithm>
#include <charconv>

#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel::procfs {

namespace {

std::string_view relative(std::string_view path) {
    if (path.substr(0, 6) == "/proc/") path.remove_prefix(6);
    return path;
}

// "irq/16/smp_affinity" -> (16, "smp_affinity").
bool split_irq_path(std::string_view p, unsigned& irq, std::string_view& file) {
    if (p.substr(0, 4) != "irq/") return false;
    p.remove_prefix(4);
    std::size_t slash = p.find('/');
    if (slash == std::string_view::npos || slash == 0) return false;
    auto [end, ec] = std::from_chars(p.data(), p.data() + slash, irq);
    if (ec != std::errc() || end != p.data() + slash) return false;
    file = p.substr(slash + 1);
    return true;
}

}  // namespace

std::vector<std::string> list(Kernel& k) {
    std::vector<std::string> out = {"devices", "interrupts", "irq/default_smp_affinity", "net/dev", "net/softnet_stat", "softirqs", "stat"};
    for (const auto& [irq, desc] : k.irqs().all())
        for (const std::string& f : irq_proc_files()) out.push_back("irq/" + std::to_string(irq) + "/" + f);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> read(Kernel& k, std::string_view path) {
    std::string_view p = relative(path);
    if (p == "interrupts") return show_interrupts(k);
    if (p == "stat") return show_stat(k);
    if (p == "softirqs") return show_softirqs(k);
    if (p == "devices") return k.vfs().show_devices();
    if (p == "net/softnet_stat") return k.net().show_softnet_stat();
    if (p == "net/dev") return k.net().show_dev();
    if (p == "irq/default_smp_affinity") return default_smp_affinity(k);
    unsigned irq = 0;
    std::string_view file;
    if (split_irq_path(p, irq, file)) return irq_proc_read(k, irq, file);
    return std::nullopt;
}

long write(Kernel& k, std::string_view path, std::string_view data) {
    std::string_view p = relative(path);
    unsigned irq = 0;
    std::string_view file;
    if (split_irq_path(p, irq, file)) {
        if (!irq_proc_read(k, irq, file)) return -ENOENT;
        return irq_proc_write(k, irq, file, data);
    }
    return read(k, path) ? -EACCES : -ENOENT;
}

}  // namespace irqlab::kernel::procfs
