// Managed device resources (drivers/base/devres.c): what a driver acquires with devm_*
// is released when it unbinds, newest first.
#include <linux/device.h>
#include <linux/slab.h>

#include <cstring>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kernel.hpp"
#include "kernel/panic.hpp"

namespace irqlab::kernel {

void DriverCore::devres_add(struct device* dev, Devres d) { record(dev).devres.push_back(std::move(d)); }

bool DriverCore::devres_remove(struct device* dev, const void* kind, const void* tag, std::uint64_t key) {
    auto& list = record(dev).devres;
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (it->kind == kind && it->tag == tag && it->key == key) {
            list.erase(std::next(it).base());
            return true;
        }
    }
    return false;
}

bool DriverCore::devres_release(struct device* dev, const void* kind, const void* tag, std::uint64_t key) {
    auto& list = record(dev).devres;
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (it->kind == kind && it->tag == tag && it->key == key) {
            std::function<void()> release = std::move(it->release);
            list.erase(std::next(it).base());
            release();
            return true;
        }
    }
    return false;
}

void DriverCore::devres_release_all(struct device* dev) {
    auto& list = record(dev).devres;
    while (!list.empty()) {
        std::function<void()> release = std::move(list.back().release);
        list.pop_back();
        release();
    }
}

namespace {
// The kinds, by address (Linux matches a devres by its release function).
const char kKmalloc = 0;
const char kAction = 0;
}  // namespace

}  // namespace irqlab::kernel

using irqlab::kernel::Devres;
using irqlab::kernel::Kernel;

extern "C" {

void* devm_kmalloc(struct device* dev, size_t size, gfp_t gfp) {
    void* p = kmalloc(size, gfp);
    if (!p) return nullptr;
    Kernel::get().drivers().devres_add(dev, Devres{[p] { kfree(p); }, p, &irqlab::kernel::kKmalloc});
    return p;
}

void* devm_kcalloc(struct device* dev, size_t n, size_t size, gfp_t gfp) {
    if (size && n > static_cast<size_t>(-1) / size) return nullptr;
    return devm_kmalloc(dev, n * size, gfp | __GFP_ZERO);
}

char* devm_kstrdup(struct device* dev, const char* s, gfp_t gfp) {
    if (!s) return nullptr;
    std::size_t n = std::strlen(s) + 1;
    auto* p = static_cast<char*>(devm_kmalloc(dev, n, gfp));
    if (p) std::memcpy(p, s, n);
    return p;
}

void devm_kfree(struct device* dev, const void* p) {
    if (!p) return;
    // devres_destroy() then the free; a pointer devm never gave is a driver bug (WARN_ON).
    Kernel& k = Kernel::get();
    if (k.drivers().devres_remove(dev, &irqlab::kernel::kKmalloc, p))
        kfree(p);
    else
        irqlab::kernel::warn_report(k, irqlab::kernel::bug::kWarning, "drivers/base/devres.c", 1077, "devm_kfree", "");
}

int devm_add_action(struct device* dev, void (*action)(void*), void* data) {
    Kernel::get().drivers().devres_add(
        dev, Devres{[action, data] { action(data); }, reinterpret_cast<const void*>(action), &irqlab::kernel::kAction});
    return 0;
}

int devm_add_action_or_reset(struct device* dev, void (*action)(void*), void* data) {
    int ret = devm_add_action(dev, action, data);
    if (ret) action(data);
    return ret;
}

}  // extern "C"
