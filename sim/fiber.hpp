// Stackful fibers on Boost.Context.
//
// Every simulated task runs on a fiber, and so does the engine loop. Switching is
// symmetric: any fiber can switch to any other with switch_to(), which is what lets a
// breakpoint stop the simulation in the middle of a task and hand control to the stepper.
//
// Stacks are mmap'd with a guard page below them; a fiber that runs off its stack gets a
// clear report naming it instead of silent corruption. Boost 1.74's fcontext fibers have no
// AddressSanitizer hooks, so switch_to() calls __sanitizer_start/finish_switch_fiber itself.
//
// A fiber that has not finished is torn down by kill(): it is resumed with a request that
// makes its pending switch throw, the stack unwinds (destructors run, C frames are passed
// through: driver code is compiled with unwind tables), and it finishes. Nothing may catch
// that exception except the fiber's entry (catch (...) must rethrow FiberKilled).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace irqlab::sim {

// Thrown inside a fiber that is being killed; only Fiber's own entry catches it.
struct FiberKilled {};

class Fiber {
public:
    // The body returns the fiber to switch to when it has finished (nullptr: the thread's
    // main fiber).
    using Body = std::function<Fiber*()>;

    Fiber(std::string name, std::size_t stack_size, Body body);
    Fiber(const Fiber&) = delete;
    Fiber(Fiber&&) = delete;
    Fiber& operator=(const Fiber&) = delete;
    ~Fiber();  // kills the fiber first if it has started and not finished

    // The fiber running now (the thread's main fiber outside any other).
    static Fiber& current();
    // The thread's own context, which runs main() and the controller.
    static Fiber& main();
    // Suspends the current fiber and resumes (or starts) `target`.
    static void switch_to(Fiber& target);

    // Unwinds and finishes this fiber; must not be called on the current fiber.
    void kill();

    const std::string& name() const { return name_; }
    std::size_t stack_size() const { return stack_size_; }
    bool started() const { return started_; }
    bool finished() const { return finished_; }
    // How far below the top of this fiber's stack `p` is, or -1 when it is not on it.
    std::ptrdiff_t stack_depth(const void* p) const {
        const char* c = static_cast<const char*>(p);
        const char* bottom = static_cast<const char*>(stack_bottom_);
        if (!bottom || c < bottom || c >= bottom + stack_bytes_) return -1;
        return bottom + stack_bytes_ - c;
    }

    // 256 KiB (1 MiB under AddressSanitizer, whose redzones make frames larger).
    static std::size_t default_stack_size();

private:
    friend struct FiberAccess;
    friend struct FiberEntry;
    Fiber();  // the main fiber

    std::string name_;
    std::size_t stack_size_ = 0;
    Body body_;
    // This fiber's saved boost::context::fiber while it is suspended (behind a pointer so
    // that this header, included everywhere, does not pull in Boost).
    struct Cont;
    std::unique_ptr<Cont> cont_;
    bool started_ = false;
    bool finished_ = false;
    bool kill_requested_ = false;
    Fiber* killer_ = nullptr;
    // Stack bounds, for the sanitizer and the guard-page report.
    const void* stack_bottom_ = nullptr;
    std::size_t stack_bytes_ = 0;
    const void* guard_ = nullptr;
    void* fake_stack_ = nullptr;  // ASan's fake stack of this fiber while it is suspended
};

}  // namespace irqlab::sim
