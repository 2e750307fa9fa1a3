// The stepper's commands, gdb-like: one line in, its output out. The prompt (libedit on
// a terminal, or lines from a pipe or a --commands file) is step_cli's; this is what the
// lines mean.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "tools/scenario/scenario.hpp"

namespace irqlab::step {

class Session;
struct Stop;

struct Display {
    int width = 80;      // the terminal's columns, for the timeline
    bool color = false;  // ANSI colours in the timeline
};

class Stepper {
public:
    Stepper(const scenario::Scenario& sc, std::ostream& out, Display display);
    ~Stepper();
    Stepper(const Stepper&) = delete;
    Stepper& operator=(const Stepper&) = delete;

    // Runs one command line. Returns false when it failed (its message is printed).
    bool execute(const std::string& line);
    bool quit_requested() const { return quit_; }
    Session& session() { return *session_; }
    // Every command's name, for completion and "did you mean".
    static std::vector<std::string> command_names();

    struct Command;

private:
    using Args = std::vector<std::string>;
    static const std::vector<Command>& table();
    bool help(const Args& a);
    bool step(const Args& a);
    bool next(const Args& a);
    bool cont(const Args& a);
    bool until(const Args& a);
    bool run(const Args& a);
    bool brk(const Args& a);
    bool del(const Args& a);
    bool info(const Args& a);
    bool bt(const Args& a);
    bool cat(const Args& a);
    bool dmesg(const Args& a);
    bool why(const Args& a);
    bool inject(const Args& a);
    bool fault(const Args& a);
    bool reverse_step(const Args& a);
    bool reverse_continue(const Args& a);
    bool timeline(const Args& a);
    bool where(const Args& a);
    bool quit(const Args& a);

    bool fail(const std::string& msg);
    bool can_move();
    void report(const Stop& s);
    void print_record(const void* record);
    bool cpu_arg(const Args& a, std::size_t i, int& cpu);

    const scenario::Scenario& sc_;
    std::ostream& out_;
    Display display_;
    std::unique_ptr<Session> session_;
    bool quit_ = false;
};

// Splits a command line into words: blanks separate, "double quotes" group, and inside
// quotes \n \r \t \\ \" \xHH are escapes. Returns false (with `error`) on an open quote.
bool split_words(const std::string& line, std::vector<std::string>& words, std::string& error);

}  // namespace irqlab::step
