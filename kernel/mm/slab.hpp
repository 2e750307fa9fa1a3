// kmalloc and kfree (mm/slub.c's interface). Every allocation is tracked, so a pointer
// can be traced back to its block (for stable fake addresses and use-after-free checks),
// and everything still allocated is freed when the simulated machine goes away.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>

namespace irqlab::kernel {

class Kernel;

struct Block {
    void* start = nullptr;
    std::size_t size = 0;
    std::uint64_t id = 0;  // allocation order, from 1
    // A work item, timer, hrtimer or tasklet was initialized inside it (debug_object_init()), so a
    // free must look for pending ones; the other blocks (buffers, packets) skip that.
    bool debug_objects = false;
};

class Memory {
public:
    static constexpr unsigned char kPoison = 0x6b;  // POISON_FREE: what a reused object holds

    explicit Memory(Kernel& k) : k_(k) {}
    Memory(const Memory&) = delete;
    Memory& operator=(const Memory&) = delete;
    ~Memory();

    void* alloc(std::size_t size, bool zero);
    // Returns false when `p` is not the start of a live block. The block is poisoned and
    // held in a quarantine (as KASAN does) before the host gets it back, so a driver that
    // still uses it reads poison instead of crashing the simulator.
    bool free(const void* p);
    const Block* block_of(const void* p) const;
    // debug_object_init() of an object at `p`: marks its block, if it lies in one.
    void note_debug_object(const void* p);
    std::size_t size_of(const void* p) const;

    std::uint64_t allocations() const { return next_id_ - 1; }
    std::size_t bytes_in_use() const { return in_use_; }

private:
    Block* find_block(const void* p);  // the live block holding `p`, if any
    Kernel& k_;
    std::map<std::uintptr_t, Block> blocks_;  // by address: lookups only, ids give order
    std::uint64_t next_id_ = 1;
    std::size_t in_use_ = 0;
    std::deque<Block> quarantine_;
    std::size_t quarantined_ = 0;
    static constexpr std::size_t kQuarantineBytes = 16u << 20;
};

}  // namespace irqlab::kernel
