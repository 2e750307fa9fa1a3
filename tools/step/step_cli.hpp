// `irqlab step FILE`: the stepper's prompt. On a terminal, libedit gives line editing and
// history, and an empty line repeats the last command, as in gdb. From a pipe or with
// --commands FILE, each line is echoed after the prompt with its output: a transcript.
#pragma once

#include <iosfwd>

namespace irqlab::step {

// argv[0] is "step". Exit codes: 0 done, 1 a command in a script failed, 2 bad input.
int main(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace irqlab::step
