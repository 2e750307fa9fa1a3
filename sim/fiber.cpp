#include "sim/fiber.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define IRQLAB_ASAN 1
#endif

namespace ctx = boost::context;

namespace irqlab::sim {

struct Fiber::Cont {
    ctx::fiber f;
};

namespace {

thread_local Fiber* t_current = nullptr;
thread_local Fiber* t_from = nullptr;  // the fiber that switched to the one now resuming

std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return size;
}

// --- Stack overflow report -----------------------------------------------------------

void write_str(const char* s) { (void)!write(STDERR_FILENO, s, std::strlen(s)); }

void write_hex(const void* p) {
    char buf[19] = "0x";
    auto v = reinterpret_cast<std::uintptr_t>(p);
    for (int i = 0; i < 16; ++i) buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    buf[18] = 0;
    write_str(buf);
}

void write_dec(std::size_t v) {
    char buf[24];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    char out[24];
    for (int i = 0; i < n; ++i) out[i] = buf[n - 1 - i];
    out[n] = 0;
    write_str(out);
}

struct sigaction g_previous_segv;


}  // namespace

struct FiberAccess {
    static const void* guard(const Fiber& f) { return f.guard_; }
    static const void* bottom(const Fiber& f) { return f.stack_bottom_; }
    static std::size_t bytes(const Fiber& f) { return f.stack_bytes_; }
};

namespace {

// Async-signal-safe: reads the current fiber's bounds and writes with write(2).
void on_segv(int sig, siginfo_t* info, void* uctx) {
    Fiber* f = t_current;
    const char* addr = static_cast<const char*>(info->si_addr);
    if (f && FiberAccess::guard(*f)) {
        auto guard = static_cast<const char*>(FiberAccess::guard(*f));
        if (addr >= guard && addr < guard + page_size()) {
            // Linux's text (arch/x86/kernel/traps.c, handle_stack_overflow), then ours.
            write_str("BUG: stack guard page was hit at ");
            write_hex(addr);
            write_str(" (stack is ");
            write_hex(FiberAccess::bottom(*f));
            write_str("..");
            write_hex(static_cast<const char*>(FiberAccess::bottom(*f)) + FiberAccess::bytes(*f));
            write_str(")\nirqlab: the stack of \"");
            write_str(f->name().c_str());
            write_str("\" (");
            write_dec(f->stack_size() / 1024);
            write_str(" KiB) overflowed; raise machine.stack_size in the scenario\n");
            _exit(1);
        }
    }
    // Not ours: hand it to whoever handled SIGSEGV before (the sanitizer, or the default).
    if (g_previous_segv.sa_flags & SA_SIGINFO) {
        g_previous_segv.sa_sigaction(sig, info, uctx);
        return;
    }
    if (g_previous_segv.sa_handler != SIG_DFL && g_previous_segv.sa_handler != SIG_IGN) {
        g_previous_segv.sa_handler(sig);
        return;
    }
    signal(SIGSEGV, SIG_DFL);  // returning re-executes the access and dies the usual way
}

void install_overflow_handler() {
    // Installed again whenever someone else took SIGSEGV over since (a test framework
    // installs its own handler for each test), which is then the one chained to.
    struct sigaction current{};
    sigaction(SIGSEGV, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_segv) return;
    // The handler runs on its own stack: the faulting one has no room left.
    static constexpr std::size_t kAltStack = 64 * 1024;
    static void* alt = std::malloc(kAltStack);
    stack_t ss{};
    ss.ss_sp = alt;
    ss.ss_size = kAltStack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_previous_segv);
}

// --- Stacks with a guard page ----------------------------------------------------------

struct GuardedStack {
    std::size_t size;  // usable bytes
    Fiber* owner;

    ctx::stack_context allocate() {
        std::size_t page = page_size();
        std::size_t usable = (size + page - 1) / page * page;
        void* base = mmap(nullptr, usable + page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) throw std::bad_alloc();
        mprotect(base, page, PROT_NONE);  // stacks grow down: the guard sits below
#ifdef IRQLAB_ASAN
        ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(base) + page, usable);
#endif
        ctx::stack_context sc;
        sc.size = usable;
        sc.sp = static_cast<char*>(base) + page + usable;
        return sc;
    }

    void deallocate(ctx::stack_context& sc) noexcept {
        std::size_t page = page_size();
        char* top = static_cast<char*>(sc.sp);
        char* base = top - sc.size - page;
#ifdef IRQLAB_ASAN
        ASAN_UNPOISON_MEMORY_REGION(base + page, sc.size);
#endif
        munmap(base, sc.size + page);
    }
};

// --- Sanitizer hooks -------------------------------------------------------------------

// Before a switch: where the target's stack is, and where to keep the leaving fiber's
// fake stack (nullptr: the leaving fiber is finished and its fake stack can go).
inline void before_switch(void** from_fake_stack, const void* bottom, std::size_t size) {
#ifdef IRQLAB_ASAN
    __sanitizer_start_switch_fiber(from_fake_stack, bottom, size);
#else
    (void)from_fake_stack, (void)bottom, (void)size;
#endif
}

}  // namespace

// Gives the entry trampoline access to the private fields.
struct FiberEntry {
    static void after_switch(Fiber* self) {
#ifdef IRQLAB_ASAN
        const void* prev_bottom = nullptr;
        std::size_t prev_size = 0;
        __sanitizer_finish_switch_fiber(self->fake_stack_, &prev_bottom, &prev_size);
        // The main fiber's bounds are only known to the sanitizer; learn them here.
        if (t_from && !t_from->stack_bottom_) {
            t_from->stack_bottom_ = prev_bottom;
            t_from->stack_bytes_ = prev_size;
        }
#else
        (void)self;
#endif
    }
    static ctx::fiber run(Fiber* self, ctx::fiber&& caller) {
        after_switch(self);
        t_from->cont_->f = std::move(caller);
        Fiber* next = nullptr;
        if (!self->kill_requested_) {
            try {
                next = self->body_();
            } catch (const FiberKilled&) {
            } catch (const std::exception& e) {
                std::fprintf(stderr, "irqlab: internal error: exception escaped fiber \"%s\": %s\n",
                             self->name_.c_str(), e.what());
                std::abort();
            }
        }
        if (self->kill_requested_) next = self->killer_;
        if (!next) next = &Fiber::main();
        self->finished_ = true;
        t_from = self;
        t_current = next;
        // nullptr: this fiber's fake stack can be released, it never comes back.
        before_switch(nullptr, next->stack_bottom_, next->stack_bytes_);
        return std::move(next->cont_->f);
    }
};

Fiber::Fiber() : name_("main"), cont_(std::make_unique<Cont>()) { started_ = true; }

Fiber::Fiber(std::string name, std::size_t stack_size, Body body)
    : name_(std::move(name)), stack_size_(stack_size), body_(std::move(body)) {
    install_overflow_handler();
    GuardedStack alloc{stack_size_, this};
    ctx::stack_context sc = alloc.allocate();
    stack_bytes_ = sc.size;
    stack_bottom_ = static_cast<char*>(sc.sp) - sc.size;
    guard_ = static_cast<const char*>(stack_bottom_) - page_size();
    cont_ = std::make_unique<Cont>();
    cont_->f = ctx::fiber(std::allocator_arg, ctx::preallocated(sc.sp, sc.size, sc), alloc,
                          [this](ctx::fiber&& caller) { return FiberEntry::run(this, std::move(caller)); });
}

Fiber::~Fiber() {
    if (this == &main()) return;
    if (!finished_ && cont_->f) kill();
}

Fiber& Fiber::main() {
    thread_local Fiber main_fiber;
    return main_fiber;
}

Fiber& Fiber::current() {
    if (!t_current) t_current = &main();
    return *t_current;
}

void Fiber::switch_to(Fiber& target) {
    Fiber* from = &current();
    if (&target == from) return;
    if (!target.cont_->f) {
        std::fprintf(stderr, "irqlab: internal error: switch to fiber \"%s\" that %s\n",
                     target.name_.c_str(), target.finished_ ? "has finished" : "is running");
        std::abort();
    }
    target.started_ = true;
    t_from = from;
    t_current = &target;
    before_switch(&from->fake_stack_, target.stack_bottom_, target.stack_bytes_);
    ctx::fiber caller = std::move(target.cont_->f).resume();
    // Back in `from`: whoever switched here is t_from; keep its context to resume it later.
    FiberEntry::after_switch(from);
    t_from->cont_->f = std::move(caller);
    t_current = from;
    if (from->kill_requested_ && from != &main()) throw FiberKilled{};
}

void Fiber::kill() {
    if (this == &current() || finished_ || !cont_->f) return;
    kill_requested_ = true;
    killer_ = &current();
    switch_to(*this);
}

std::size_t Fiber::default_stack_size() {
#ifdef IRQLAB_ASAN
    return 1024 * 1024;
#else
    return 256 * 1024;
#endif
}

}  // namespace irqlab::sim
