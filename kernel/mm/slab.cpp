#include "kernel/mm/slab.hpp"

#include <linux/kernel.h>
#include <linux/slab.h>

#include <cstdlib>
#include <cstring>

#include "kernel/debugobjects.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/spend.hpp"

namespace irqlab::kernel {

Memory::~Memory() {
    for (auto& [addr, b] : blocks_) std::free(b.start);
    for (Block& b : quarantine_) std::free(b.start);
}

void* Memory::alloc(std::size_t size, bool zero) {
    std::size_t n = size ? size : 1;
    void* p = std::malloc(n);
    if (!p) return nullptr;
    std::memset(p, zero ? 0 : kPoison, n);
    blocks_[reinterpret_cast<std::uintptr_t>(p)] = Block{p, size, next_id_++};
    in_use_ += size;
    return p;
}

bool Memory::free(const void* p) {
    auto it = blocks_.find(reinterpret_cast<std::uintptr_t>(p));
    if (it == blocks_.end()) return false;
    Block b = it->second;
    in_use_ -= b.size;
    blocks_.erase(it);
    std::memset(b.start, kPoison, b.size ? b.size : 1);
    quarantine_.push_back(b);
    quarantined_ += b.size;
    while (quarantined_ > kQuarantineBytes) {
        quarantined_ -= quarantine_.front().size;
        std::free(quarantine_.front().start);
        quarantine_.pop_front();
    }
    return true;
}

Block* Memory::find_block(const void* p) {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    auto it = blocks_.upper_bound(a);
    if (it == blocks_.begin()) return nullptr;
    --it;
    Block& b = it->second;
    if (a < it->first + (b.size ? b.size : 1)) return &b;
    return nullptr;
}

const Block* Memory::block_of(const void* p) const { return const_cast<Memory*>(this)->find_block(p); }

void Memory::note_debug_object(const void* p) {
    if (Block* b = find_block(p)) b->debug_objects = true;
}

std::size_t Memory::size_of(const void* p) const {
    const Block* b = block_of(p);
    return b ? b->size : 0;
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------

using irqlab::kernel::Kernel;

namespace {

void* do_kmalloc(size_t size, gfp_t flags) {
    irqlab::kernel::FrameScope frame_("__kmalloc");
    Kernel& k = Kernel::get();
    // might_alloc(): a blocking allocation may sleep (include/linux/sched/mm.h:321 in 6.12).
    if (gfpflags_allow_blocking(flags)) irqlab::kernel::might_sleep_report(k, "include/linux/sched/mm.h", 321);
    irqlab::kernel::spend(irqlab::kernel::Cost::kmalloc);
    return k.memory().alloc(size, flags & __GFP_ZERO);
}

}  // namespace

extern "C" {

void* kmalloc(size_t size, gfp_t flags) { return do_kmalloc(size, flags); }
void* kzalloc(size_t size, gfp_t flags) { return do_kmalloc(size, flags | __GFP_ZERO); }

void* kmalloc_array(size_t n, size_t size, gfp_t flags) {
    if (size != 0 && n > SIZE_MAX / size) return nullptr;
    return do_kmalloc(n * size, flags);
}

void* kcalloc(size_t n, size_t size, gfp_t flags) { return kmalloc_array(n, size, flags | __GFP_ZERO); }

void* krealloc(const void* p, size_t new_size, gfp_t flags) {
    Kernel& k = Kernel::get();
    void* q = do_kmalloc(new_size, flags);
    if (q && p) {
        std::size_t old = k.memory().size_of(p);
        std::memcpy(q, p, old < new_size ? old : new_size);
        kfree(p);
    }
    return q;
}

void kfree(const void* objp) {
    if (!objp) return;  // ZERO_OR_NULL_PTR
    Kernel& k = Kernel::get();
    irqlab::kernel::FrameScope frame_("kfree");
    // Only a real free is checked: an invalid one (not a block's start) is reported below.
    if (const irqlab::kernel::Block* b = k.memory().block_of(objp); b && b->start == objp && b->debug_objects)
        irqlab::kernel::debug_check_no_obj_freed(k, objp, b->size);
    if (!k.memory().free(objp)) irqlab::kernel::invalid_free_report(k, objp);
}

size_t ksize(const void* objp) { return Kernel::get().memory().size_of(objp); }

char* kstrdup(const char* s, gfp_t gfp) {
    if (!s) return nullptr;
    std::size_t n = std::strlen(s) + 1;
    auto* p = static_cast<char*>(do_kmalloc(n, gfp));
    if (p) std::memcpy(p, s, n);
    return p;
}

void* kmemdup(const void* src, size_t len, gfp_t gfp) {
    void* p = do_kmalloc(len, gfp);
    if (p) std::memcpy(p, src, len);
    return p;
}

}  // extern "C"
