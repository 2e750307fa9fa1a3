// lockdep's irq-safety check as CONFIG_PROVE_LOCKING has it (kernel/locking/lockdep.c,
// 6.12): mark_usage() and mark_held_locks() set usage bits on a lock class, mark_lock_irq()
// checks each new bit against its exclusive one (valid_state()), and print_usage_bug()
// reports "inconsistent lock state".
#include "kernel/locking/lockdep.hpp"

#include <linux/kernel.h>
#include <linux/lockdep_types.h>
#include <linux/preempt.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/locking/spinlock.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {

// enum lock_usage_bit (lockdep_internals.h): per state, used in that irq context and taken
// with that irq enabled, each as write and as read. irqlab has no read locks: the _READ bits
// stay clear, and are here for Linux's numbering and usage characters.
enum lock_usage_bit : int {
    LOCK_USED_IN_HARDIRQ,
    LOCK_USED_IN_HARDIRQ_READ,
    LOCK_ENABLED_HARDIRQ,
    LOCK_ENABLED_HARDIRQ_READ,
    LOCK_USED_IN_SOFTIRQ,
    LOCK_USED_IN_SOFTIRQ_READ,
    LOCK_ENABLED_SOFTIRQ,
    LOCK_ENABLED_SOFTIRQ_READ,
    LOCK_USED,
    LOCK_USED_READ,
    LOCK_USAGE_STATES
};
constexpr int LOCK_USAGE_READ_MASK = 1;
constexpr int LOCK_USAGE_DIR_MASK = 2;
constexpr int LOCK_USAGE_STATE_MASK = ~(LOCK_USAGE_READ_MASK | LOCK_USAGE_DIR_MASK);
static_assert(LOCK_USAGE_STATES == std::tuple_size_v<decltype(LockClass::usage_traces)>);

constexpr const char* usage_str[LOCK_USAGE_STATES] = {
    "IN-HARDIRQ-W", "IN-HARDIRQ-R", "HARDIRQ-ON-W", "HARDIRQ-ON-R", "IN-SOFTIRQ-W",
    "IN-SOFTIRQ-R", "SOFTIRQ-ON-W", "SOFTIRQ-ON-R", "INITIAL USE",  "INITIAL READ USE",
};

constexpr std::string_view kInconsistentLockState = "inconsistent lock state";

// The state of the irq-flags tracing lockdep reads, here straight from the CPU: its
// hardirq_context is the hardirq count, a task's softirq_context is in_serving_softirq()
// and its softirqs_enabled a zero softirq count (neither served nor disabled).
struct IrqState {
    unsigned hardirq_count;  // hardirq_count() >> HARDIRQ_SHIFT
    unsigned softirq_count;  // softirq_count() >> SOFTIRQ_SHIFT
    bool hardirqs_enabled;
    bool hardirq_context() const { return hardirq_count != 0; }
    bool softirq_context() const { return softirq_count & 1; }  // SOFTIRQ_OFFSET
    bool softirqs_enabled() const { return softirq_count == 0; }
};

IrqState irq_state(Kernel& k) {
    const Cpu& cpu = k.this_cpu();
    return {static_cast<unsigned>((cpu.preempt_count & HARDIRQ_MASK) >> HARDIRQ_SHIFT),
            static_cast<unsigned>((cpu.preempt_count & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT), cpu.irqs_on};
}

// Where lockdep was entered from, innermost first (null entries are skipped): the functions
// above the context stack in the traces it saves, and in the stack a report dumps.
struct Entry {
    std::array<const char*, 6> trace{};
    std::array<const char*, 7> dump{};
};

constexpr Entry kFromHardirqsOn{
    {"lockdep_hardirqs_on_prepare", "trace_hardirqs_on"},
    {"print_usage_bug", "mark_lock", "mark_held_locks", "lockdep_hardirqs_on_prepare", "trace_hardirqs_on"}};
// __local_bh_enable_ip() turns hardirqs back on at its end; that is where Linux marks them.
constexpr Entry kFromSoftirqsOn{
    {"lockdep_hardirqs_on_prepare", "trace_hardirqs_on", "__local_bh_enable_ip"},
    {"print_usage_bug", "mark_lock", "mark_held_locks", "lockdep_hardirqs_on_prepare", "trace_hardirqs_on",
     "__local_bh_enable_ip"}};

// struct held_lock, as mark_lock() and the reports use it.
struct Hlock {
    struct lockdep_map* instance;
    const char* acquire_ip;  // a function name, or null when the stack had none
};

// Lockdep's callers in `top` (innermost first, nulls skipped), less a locking function that
// named itself on the context stack already (mutex_lock).
template <std::size_t N>
std::vector<const char*> callers(const Task& t, const std::array<const char*, N>& top) {
    std::vector<const char*> out;
    for (const char* fn : top)
        if (fn) out.push_back(fn);
    if (!out.empty() && !t.frames.empty() && std::strcmp(t.frames.back().fn, out.back()) == 0) out.pop_back();
    return out;
}

// The acquire_ip: the innermost function on the stack below the locking function `fn`.
const char* acquire_ip_of(const Task& t, const char* fn) {
    auto it = t.frames.rbegin();
    if (it != t.frames.rend() && fn && (it->fn == fn || (it->fn[0] == fn[0] && std::strcmp(it->fn, fn) == 0))) ++it;
    return it != t.frames.rend() ? it->fn : nullptr;
}

// look_up_lock_class() and the rest of register_lock_class(): the class of a map's key,
// made at its first acquisition. A class named like an older one prints as "name#2"
// (count_matching_names()). Out of line: the hot path is the class_cache hit below.
[[gnu::noinline]] LockClass& look_up_lock_class(Kernel& k, struct lockdep_map* map, int wait_type) {
    const void* key = map->key ? static_cast<const void*>(map->key) : static_cast<const void*>(map);
    Lockdep& ld = k.locking().lockdep;
    auto remember = [&](LockClass& c) -> LockClass& {
        map->class_cache = &c;
        map->__irqlab_lockdep = ld.id;
        return c;
    };
    auto& classes = ld.classes;
    if (auto it = classes.find(key); it != classes.end()) return remember(it->second);
    LockClass c;
    c.name = map->name ? map->name : k.symbols().name_of(key);
    c.wait_type = wait_type;
    for (const auto& entry : classes)
        if (entry.second.name == c.name) c.name_version = std::max(c.name_version, entry.second.name_version + 1);
    return remember(classes.emplace(key, std::move(c)).first->second);
}

// register_lock_class(): the class the map's class_cache holds, or the one looked up.
LockClass& register_lock_class(Kernel& k, struct lockdep_map* map, int wait_type) {
    if (map->class_cache && map->__irqlab_lockdep == k.locking().lockdep.id) return *static_cast<LockClass*>(map->class_cache);
    return look_up_lock_class(k, map, wait_type);
}

// get_usage_char(): '+' taken with the irq enabled, '-' used in the irq, '?' both.
char get_usage_char(const LockClass& c, int bit) {
    char ch = '.';
    if (c.usage_mask & (1u << (bit + LOCK_USAGE_DIR_MASK))) {
        ch = '+';
        if (c.usage_mask & (1u << bit)) ch = '?';
    } else if (c.usage_mask & (1u << bit)) {
        ch = '-';
    }
    return ch;
}

// __print_lock_name().
std::string class_name(const LockClass& c) {
    return c.name_version > 1 ? c.name + "#" + std::to_string(c.name_version) : c.name;
}

// print_lock_name(): " (name){usage}-{outer:inner}".
std::string print_lock_name(const LockClass& c) {
    const char usage[] = {get_usage_char(c, LOCK_USED_IN_HARDIRQ), get_usage_char(c, LOCK_USED_IN_HARDIRQ_READ),
                          get_usage_char(c, LOCK_USED_IN_SOFTIRQ), get_usage_char(c, LOCK_USED_IN_SOFTIRQ_READ), 0};
    return " (" + class_name(c) + "){" + usage + "}-{" + std::to_string(c.wait_type) + ":" +
           std::to_string(c.wait_type) + "}";
}

// print_lock(): the instance's address, its class, and where it was taken.
std::string print_lock(Kernel& k, const Hlock& h, const LockClass& c) {
    char addr[24];
    std::snprintf(addr, sizeof addr, "%016llx", static_cast<unsigned long long>(k.symbols().fake_address(h.instance)));
    return addr + print_lock_name(c) + ", at: " + (h.acquire_ip ? std::string(h.acquire_ip) + "+0x0/0x0" : "0x0");
}

void warn(Kernel& k, const std::string& s) { printk_emit(k, LOGLEVEL_WARNING, s); }

// lockdep_print_held_locks(), for the running task.
void print_held_locks(Kernel& k, const Task& t) {
    std::size_t depth = t.held_locks.size();
    char line[160];
    if (!depth)
        std::snprintf(line, sizeof line, "no locks held by %s/%d.", t.comm(), t.pid());
    else
        std::snprintf(line, sizeof line, "%zu lock%s held by %s/%d:", depth, depth == 1 ? "" : "s", t.comm(), t.pid());
    warn(k, line);
    for (std::size_t i = 0; i < depth; ++i) {
        const Task::HeldLock& h = t.held_locks[i];
        const LockClass& c = register_lock_class(k, h.map, LD_WAIT_INV);
        warn(k, " #" + std::to_string(i) + ": " + print_lock(k, {h.map, h.acquire_ip}, c));
    }
}

// dump_stack() with lockdep's own callers on the context stack for the while.
void dump_stack_from(Kernel& k, Task& t, const Entry& from) {
    std::size_t depth = t.frames.size();
    bool irq = depth && t.frames.back().irq;
    std::vector<const char*> top = callers(t, from.dump);
    for (auto it = top.rbegin(); it != top.rend(); ++it) t.frames.emplace_back(*it, irq);
    dump_stack(k, {}, &t);
    t.frames.erase(t.frames.begin() + static_cast<std::ptrdiff_t>(depth), t.frames.end());
}

// print_usage_bug_scenario().
void print_usage_bug_scenario(Kernel& k, const LockClass& c) {
    std::string name = class_name(c);
    warn(k, " Possible unsafe locking scenario:");
    warn(k, "");
    warn(k, "       CPU0");
    warn(k, "       ----");
    warn(k, "  lock(" + name + ");");
    warn(k, "  <Interrupt>");
    warn(k, "    lock(" + name + ");");
    warn(k, "");
    warn(k, " *** DEADLOCK ***");
    warn(k, "");
}

// print_usage_bug(). Only the first lock bug of a boot is reported (debug_locks_off()).
// print_irqtrace_events() is left out: irqlab does not record where irqs were last turned
// on and off.
void print_usage_bug(Kernel& k, Task& curr, const Hlock& self, const LockClass& c, int prev_bit, int new_bit,
                     const IrqState& s, const Entry& from) {
    Locking& l = k.locking();
    if (!l.debug_locks) return;
    l.debug_locks = false;
    k.bugs().record(k, kInconsistentLockState, "WARNING: inconsistent lock state");
    warn(k, "");
    warn(k, "================================");
    warn(k, "WARNING: inconsistent lock state");
    char line[256];
    std::snprintf(line, sizeof line, "%s %s %s", kRelease, kVersion, k.bugs().print_tainted(false).c_str());
    warn(k, line);
    warn(k, "--------------------------------");
    std::snprintf(line, sizeof line, "inconsistent {%s} -> {%s} usage.", usage_str[prev_bit], usage_str[new_bit]);
    warn(k, line);
    std::snprintf(line, sizeof line, "%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u] takes:", curr.comm(), curr.pid(),
                  s.hardirq_context() ? 1u : 0u, s.hardirq_count, s.softirq_context() ? 1u : 0u, s.softirq_count,
                  s.hardirqs_enabled ? 1u : 0u, s.softirqs_enabled() ? 1u : 0u);
    warn(k, line);
    warn(k, print_lock(k, self, c));
    std::snprintf(line, sizeof line, "{%s} state was registered at:", usage_str[prev_bit]);
    warn(k, line);
    for (const std::string& fn : c.usage_traces[static_cast<std::size_t>(prev_bit)]) warn(k, "  " + fn);
    warn(k, "");
    warn(k, "other info that might help us debug this:");
    print_usage_bug_scenario(k, c);
    print_held_locks(k, curr);
    warn(k, "");
    warn(k, "stack backtrace:");
    dump_stack_from(k, curr, from);
}

int exclusive_bit(int new_bit) {
    int state = new_bit & LOCK_USAGE_STATE_MASK;
    int dir = new_bit & LOCK_USAGE_DIR_MASK;
    // Keep the state, flip the direction, strip read.
    return state | (dir ^ LOCK_USAGE_DIR_MASK);
}

bool valid_state(Kernel& k, Task& curr, const Hlock& self, const LockClass& c, int new_bit, int bad_bit,
                 const IrqState& s, const Entry& from) {
    if (!(c.usage_mask & (1u << bad_bit))) return true;
    print_usage_bug(k, curr, self, c, bad_bit, new_bit, s, from);
    return false;
}

// mark_lock_irq(): a class used in an irq must never be taken with that irq enabled, and
// the other way round. (Linux then checks the same through the locks taken under and over
// this one, check_usage_forwards()/backwards(); irqlab keeps no dependency graph.)
bool mark_lock_irq(Kernel& k, Task& curr, const Hlock& self, const LockClass& c, int new_bit, const IrqState& s,
                   const Entry& from) {
    int excl_bit = exclusive_bit(new_bit);
    int read = new_bit & LOCK_USAGE_READ_MASK;
    if (!valid_state(k, curr, self, c, new_bit, excl_bit, s, from)) return false;
    if (!read && !valid_state(k, curr, self, c, new_bit, excl_bit + LOCK_USAGE_READ_MASK, s, from)) return false;
    return true;
}

// mark_lock(): the first time a class gets a usage bit, where is saved and the bit is
// checked. False when that made a report.
bool mark_lock(Kernel& k, Task& curr, const Hlock& self, LockClass& c, int new_bit, const IrqState& s,
               const Entry& from) {
    unsigned new_mask = 1u << new_bit;
    if (c.usage_mask & new_mask) return true;
    c.usage_mask |= new_mask;
    // save_trace(): lockdep's callers, then the context stack.
    std::vector<std::string>& trace = c.usage_traces[static_cast<std::size_t>(new_bit)];
    for (const char* fn : callers(curr, from.trace)) trace.emplace_back(fn);
    for (auto it = curr.frames.rbegin(); it != curr.frames.rend(); ++it) trace.emplace_back(it->fn);
    if (new_bit < LOCK_USED) return mark_lock_irq(k, curr, self, c, new_bit, s, from);
    return true;
}

// The usage bits mark_usage() would give the class; when it has them all, there is
// nothing new to record or check (mark_lock() returns at once for a bit already set).
unsigned usage_bits(bool trylock, const IrqState& s) {
    unsigned bits = 1u << LOCK_USED;
    if (!trylock) {
        if (s.hardirq_context()) bits |= 1u << LOCK_USED_IN_HARDIRQ;
        if (s.softirq_context()) bits |= 1u << LOCK_USED_IN_SOFTIRQ;
    }
    if (s.hardirqs_enabled) {
        bits |= 1u << LOCK_ENABLED_HARDIRQ;
        if (s.softirqs_enabled()) bits |= 1u << LOCK_ENABLED_SOFTIRQ;
    }
    return bits;
}

// mark_usage(): what this acquisition says about the class. A trylock cannot deadlock
// against an interrupt, so it is never marked as used in one.
bool mark_usage(Kernel& k, Task& curr, const Hlock& self, LockClass& c, bool trylock, const IrqState& s,
                const Entry& from) {
    if (!trylock) {
        if (s.hardirq_context() && !mark_lock(k, curr, self, c, LOCK_USED_IN_HARDIRQ, s, from)) return false;
        if (s.softirq_context() && !mark_lock(k, curr, self, c, LOCK_USED_IN_SOFTIRQ, s, from)) return false;
    }
    if (s.hardirqs_enabled) {
        if (!mark_lock(k, curr, self, c, LOCK_ENABLED_HARDIRQ, s, from)) return false;
        if (s.softirqs_enabled() && !mark_lock(k, curr, self, c, LOCK_ENABLED_SOFTIRQ, s, from)) return false;
    }
    return mark_lock(k, curr, self, c, LOCK_USED, s, from);
}

// mark_usage() as __lock_acquire() calls it: out of line, since a class has its usage bits
// after its first few acquisitions.
[[gnu::noinline]] void mark_usage_from_acquire(Kernel& k, Task& t, const Hlock& self, LockClass& c,
                                               const LockAcquire& how, const IrqState& s) {
    Entry from{{"lock_acquire", how.fn}, {"print_usage_bug", "mark_lock", "__lock_acquire", "lock_acquire", how.fn}};
    mark_usage(k, t, self, c, how.trylock, s, from);
}

// mark_held_locks(): every lock the task holds gets `base_bit`.
bool mark_held_locks(Kernel& k, Task& curr, int base_bit, const IrqState& s, const Entry& from) {
    for (std::size_t i = 0; i < curr.held_locks.size(); ++i) {
        const Task::HeldLock& h = curr.held_locks[i];
        LockClass& c = register_lock_class(k, h.map, LD_WAIT_INV);
        if (!mark_lock(k, curr, {h.map, h.acquire_ip}, c, base_bit, s, from)) return false;
    }
    return true;
}

// __trace_hardirqs_on_caller(): hardirqs go on, so the held locks are now held with them
// on, and with softirqs on if those are. `s` is the state lockdep has then: hardirqs still
// off (lockdep_hardirqs_on() records them on only after).
void trace_hardirqs_on_caller(Kernel& k, Task& curr, const IrqState& s, const Entry& from) {
    if (!mark_held_locks(k, curr, LOCK_ENABLED_HARDIRQ, s, from)) return;
    if (s.softirqs_enabled()) mark_held_locks(k, curr, LOCK_ENABLED_SOFTIRQ, s, from);
}

// The task whose held locks an irq-state change concerns; null when lockdep has nothing
// to do. Enabling interrupts inside a hardirq handler is wrong in itself (Linux warns and
// stops checking); NMIs are not tracked.
Task* irq_change_task(Kernel& k) {
    Task* t = k.running();
    if (!k.locking().debug_locks || !t || t->held_locks.empty()) return nullptr;
    if (k.this_cpu().preempt_count & (NMI_MASK | HARDIRQ_MASK)) return nullptr;
    return t;
}

}  // namespace

Lockdep::Lockdep() {
    static unsigned long next_id = 0;
    id = ++next_id;
}

void lockdep_acquire(Kernel& k, struct lockdep_map* map, const void* lock, const LockAcquire& how) {
    Task* t = k.running();
    if (!t) return;
    const char* ip = acquire_ip_of(*t, how.fn);
    // __lock_acquire() checks the usage before the lock joins the held ones, so a report
    // lists only those taken before it. NMIs are not tracked.
    if (k.locking().debug_locks && !(k.this_cpu().preempt_count & NMI_MASK)) {
        LockClass& c = register_lock_class(k, map, how.wait_type);
        IrqState s = irq_state(k);
        if (unsigned bits = usage_bits(how.trylock, s); (c.usage_mask & bits) != bits)
            mark_usage_from_acquire(k, *t, {map, ip}, c, how, s);
    }
    t->held_locks.emplace_back(map, lock, ip);
}

void lockdep_release(Kernel& k, struct lockdep_map*, const void* lock) {
    Task* t = k.running();
    if (!t) return;
    // Locks may be released out of order; drop the most recent acquisition of this one.
    for (auto it = t->held_locks.rbegin(); it != t->held_locks.rend(); ++it)
        if (it->lock == lock) {
            t->held_locks.erase(std::next(it).base());
            break;
        }
}

void lockdep_hardirqs_on(Kernel& k) {
    Task* t = irq_change_task(k);
    if (!t) return;
    IrqState s = irq_state(k);
    s.hardirqs_enabled = false;
    trace_hardirqs_on_caller(k, *t, s, kFromHardirqsOn);
}

void lockdep_softirqs_on(Kernel& k) {
    Task* t = irq_change_task(k);
    // Linux runs __local_bh_enable_ip() with hardirqs off and marks the held locks when it
    // turns them back on at its end, after the pending softirqs ran; irqlab's leaves them
    // on, so the marks are made here, before.
    if (!t || !k.this_cpu().irqs_on) return;
    // As lockdep sees it there: the BH count gone, hardirqs not yet back on.
    trace_hardirqs_on_caller(k, *t, {0, 0, false}, kFromSoftirqsOn);
}

}  // namespace irqlab::kernel
