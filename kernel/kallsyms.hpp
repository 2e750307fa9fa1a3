// Names for functions and stable stand-ins for addresses (kernel/kallsyms.c's role).
//
// A driver's callbacks are named when they are registered (irqlab_symbol() in the API
// macros captures the spelled name), because static C functions are invisible to dladdr.
// Addresses are never printed: %p shows a hash and %px a fake kernel address, both derived
// from the object's identity (its kmalloc block and offset, or the order in which it was
// first seen), so every run and every build prints the same text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace irqlab::kernel {

class Kernel;

class Symbols {
public:
    explicit Symbols(Kernel& k);
    // Names recorded while no kernel existed (static constructors), in order.
    static std::vector<std::array<const void*, 3>>& early();

    // Records `name` (and its module) for `addr`, the first time only.
    void name(const void* addr, const char* name, const char* module);
    // The function's name, or a stable "0x..." for an unknown one.
    const char* name_of(const void* addr);
    const char* module_of(const void* addr) const;
    bool known(const void* addr) const { return syms_.count(addr) != 0; }
    // The recorded name, or nullptr: a pure lookup (name_of() gives an unknown address a
    // first-seen id, which shifts later fake addresses; inspection must not do that).
    const char* lookup(const void* addr) const {
        auto it = syms_.find(addr);
        return it == syms_.end() ? nullptr : it->second.name;
    }
    // %ps (name [module]) or %pS (name+0x0/0x0 [module]).
    std::string symbolize(const void* addr, bool with_offset);

    std::uint64_t fake_address(const void* p);
    std::string hashed(const void* p);  // 16 hex digits, as hashed %p prints
    const char* intern(std::string_view s);

private:
    struct Sym {
        const char* name;
        const char* module;
    };
    Kernel& k_;
    std::unordered_map<const void*, Sym> syms_;            // looked up only, never iterated
    std::unordered_map<const void*, std::uint64_t> seen_;  // first-seen ids for non-heap objects
    // An object on a task's stack is known by (pid, depth), not by its host address: a new
    // task's stack may be mapped where an exited one's was, and that must not make two
    // objects one (or the trace would depend on the host's memory layout).
    std::map<std::pair<int, std::ptrdiff_t>, std::uint64_t> stack_seen_;
    std::uint64_t next_seen_id_ = 1;
    std::set<std::string, std::less<>> strings_;
    // Names looked up last (known ones only: they never change), by address: handlers and
    // bottom halves are named on every run for the context stack.
    std::array<std::pair<const void*, const char*>, 64> recent_{};
};

// A small hash of a pointer for direct-mapped caches of `size` (a power of two) slots.
inline std::size_t pointer_slot(const void* p, std::size_t size) {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(p) * 0x9E3779B97F4A7C15ULL) >> 40) & (size - 1);
}

}  // namespace irqlab::kernel
