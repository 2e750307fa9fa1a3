#include "kernel/kallsyms.hpp"

#include <cstdio>

#include "kernel/kernel.hpp"
#include "kernel/mm/slab.hpp"
#include "kernel/sched/task.hpp"
#include "sim/fiber.hpp"

namespace irqlab::kernel {

namespace {
std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}
}  // namespace

const char* Symbols::intern(std::string_view s) {
    auto it = strings_.find(s);
    if (it == strings_.end()) it = strings_.emplace(s).first;
    return it->c_str();
}

void Symbols::name(const void* addr, const char* n, const char* module) {
    if (!addr || syms_.count(addr)) return;
    syms_.emplace(addr, Sym{intern(n), module ? intern(module) : nullptr});
}

const char* Symbols::name_of(const void* addr) {
    auto& recent = recent_[pointer_slot(addr, recent_.size())];
    if (recent.first == addr && addr) return recent.second;
    auto it = syms_.find(addr);
    if (it != syms_.end()) {
        recent = {addr, it->second.name};
        return it->second.name;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(fake_address(addr)));
    return intern(buf);
}

const char* Symbols::module_of(const void* addr) const {
    auto it = syms_.find(addr);
    return it == syms_.end() ? nullptr : it->second.module;
}

std::string Symbols::symbolize(const void* addr, bool with_offset) {
    std::string out = name_of(addr);
    if (with_offset && known(addr)) out += "+0x0/0x0";
    if (const char* m = module_of(addr)) out += std::string(" [") + m + "]";
    return out;
}

std::uint64_t Symbols::fake_address(const void* p) {
    if (!p) return 0;
    if (const Block* b = k_.memory().block_of(p)) {
        // The direct map: ffff888000000000, one 4 KiB slot per allocation, in order.
        std::uint64_t off = static_cast<std::uint64_t>(static_cast<const char*>(p) - static_cast<const char*>(b->start));
        return 0xffff888100000000ULL + b->id * 0x1000ULL + off;
    }
    // Anything else (a driver's static data, an object on a task's stack): the module area,
    // in the order first seen.
    std::uint64_t* id = nullptr;
    for (const auto& t : k_.tasks())
        if (std::ptrdiff_t depth = t->fiber ? t->fiber->stack_depth(p) : -1; depth >= 0) {
            id = &stack_seen_[{t->pid(), depth}];
            break;
        }
    if (!id) id = &seen_[p];
    if (!*id) *id = next_seen_id_++;
    return 0xffffffffc0000000ULL + *id * 0x40ULL;
}

std::string Symbols::hashed(const void* p) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(mix(fake_address(p)) & 0xffffffffULL));
    return buf;
}

}  // namespace irqlab::kernel

namespace irqlab::kernel {
// Names given by static constructors (module_init), before any kernel exists: every
// kernel learns them when it is made.
std::vector<std::array<const void*, 3>>& Symbols::early() {
    static std::vector<std::array<const void*, 3>> names;
    return names;
}

Symbols::Symbols(Kernel& k) : k_(k) {
    for (const auto& [addr, n, module] : early()) name(addr, static_cast<const char*>(n), static_cast<const char*>(module));
}
}  // namespace irqlab::kernel

extern "C" void irqlab_name_symbol(const void* addr, const char* name, const char* module) {
    if (irqlab::kernel::Kernel* k = irqlab::kernel::Kernel::get_if())
        k->symbols().name(addr, name, module);
    else
        irqlab::kernel::Symbols::early().push_back({addr, name, module});
}
