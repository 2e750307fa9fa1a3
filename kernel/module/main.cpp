// Modules (kernel/module/main.c): every driver file is a module. Its constructor makes
// it known when the program starts (before any simulated kernel exists); a scenario
// loads it into a kernel, which runs its init in the loading task, as insmod's
// init_module() does, and may unload it (its exit).
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/printk.h>

#include <cstring>
#include <vector>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel {

namespace {
// Filled by static constructors: a function-local static, so its order is safe.
std::vector<struct module*>& registry() {
    static std::vector<struct module*> mods;
    return mods;
}

struct module* find_builtin(std::string_view name) {
    for (struct module* m : registry())
        if (name == m->name) return m;
    return nullptr;
}
}  // namespace

std::vector<std::string> DriverCore::builtin_modules() {
    std::vector<std::string> names;
    for (struct module* m : registry()) names.emplace_back(m->name);
    return names;
}

bool DriverCore::loaded(std::string_view name) const {
    for (struct module* m : loaded_)
        if (name == m->name) return true;
    return false;
}

// do_init_module(): the init, and the warning for a positive return.
int DriverCore::load_module(std::string_view name) {
    struct module* mod = find_builtin(name);
    if (!mod) return -ENOENT;
    if (loaded(name)) return -EEXIST;
    loaded_.push_back(mod);
    k_.modules.emplace_back(mod->name);
    int ret = mod->init ? mod->init() : 0;
    if (ret > 0) {
        pr_warn("%s: '%s'->init suspiciously returned %d, it should follow 0/-E convention\n", mod->name,
                mod->init_name, ret);
        ret = 0;
    }
    if (ret < 0) {
        std::erase(loaded_, mod);
        std::erase(k_.modules, std::string(mod->name));
    }
    return ret;
}

// delete_module(): a module without an exit cannot be unloaded.
int DriverCore::unload_module(std::string_view name) {
    struct module* mod = find_builtin(name);
    if (!mod || !loaded(name)) return -ENOENT;
    if (mod->init && !mod->exit) return -EBUSY;
    if (mod->exit) mod->exit();
    std::erase(loaded_, mod);
    std::erase(k_.modules, std::string(mod->name));
    return 0;
}

}  // namespace irqlab::kernel

extern "C" {

void irqlab_register_module(struct module* mod) {
    auto& mods = irqlab::kernel::registry();
    for (struct module* m : mods)
        if (std::strcmp(m->name, mod->name) == 0) return;  // one module per name
    mods.push_back(mod);
}

struct module* irqlab_module_self(const char* name) { return irqlab::kernel::find_builtin(name); }

}  // extern "C"
