#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "sim/fiber.hpp"

using namespace irqlab::sim;

TEST_CASE("a fiber runs until it switches back, and resumes where it left off") {
    std::vector<int> log;
    Fiber f("worker", Fiber::default_stack_size(), [&]() -> Fiber* {
        log.push_back(1);
        Fiber::switch_to(Fiber::main());
        log.push_back(3);
        return nullptr;
    });
    Fiber::switch_to(f);
    log.push_back(2);
    Fiber::switch_to(f);
    log.push_back(4);
    CHECK(log == std::vector<int>{1, 2, 3, 4});
    CHECK(f.finished());
}

TEST_CASE("fibers switch directly to one another, not only back to main") {
    std::vector<std::string> log;
    Fiber* b_ptr = nullptr;
    Fiber a("a", 64 * 1024, [&]() -> Fiber* {
        log.push_back("a1");
        Fiber::switch_to(*b_ptr);
        log.push_back("a2");
        return b_ptr;  // finish, handing over to b
    });
    Fiber b("b", 64 * 1024, [&]() -> Fiber* {
        log.push_back("b1");
        Fiber::switch_to(a);
        log.push_back("b2");
        return nullptr;  // finish, back to main
    });
    b_ptr = &b;
    Fiber::switch_to(a);
    CHECK(log == std::vector<std::string>{"a1", "b1", "a2", "b2"});
    CHECK(&Fiber::current() == &Fiber::main());
}

TEST_CASE("kill unwinds a suspended fiber and runs its destructors") {
    int destroyed = 0;
    struct Guard {
        int& n;
        ~Guard() { ++n; }
    };
    {
        Fiber f("parked", Fiber::default_stack_size(), [&]() -> Fiber* {
            Guard g{destroyed};
            Fiber::switch_to(Fiber::main());
            FAIL("a killed fiber must not resume");
            return nullptr;
        });
        Fiber::switch_to(f);
        CHECK(destroyed == 0);
        f.kill();
        CHECK(destroyed == 1);
        CHECK(f.finished());
    }
    CHECK(destroyed == 1);
}

TEST_CASE("a fiber destroyed before it started never runs its body") {
    bool ran = false;
    {
        Fiber f("never", 64 * 1024, [&]() -> Fiber* {
            ran = true;
            return nullptr;
        });
    }
    CHECK_FALSE(ran);
}

namespace {
volatile int g_depth_limit = -1;  // never reached: recursion only ends at the guard page
int recurse(int n) {
    volatile char pad[512];
    pad[0] = static_cast<char>(n);
    if (n == g_depth_limit) return n;
    return recurse(n + 1) + pad[0];
}
}  // namespace

TEST_CASE("running off a fiber's stack gives a clear report naming it") {
#if defined(__SANITIZE_ADDRESS__)
    std::exit(77);  // AddressSanitizer reports stack overflows itself
#endif
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        Fiber f("kworker/0:1", 64 * 1024, []() -> Fiber* {
            recurse(0);
            return nullptr;
        });
        Fiber::switch_to(f);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(text.find("BUG: stack guard page was hit at") != std::string::npos);
    CHECK(text.find("the stack of \"kworker/0:1\" (64 KiB) overflowed") != std::string::npos);
}
