// The irqlab command line: `irqlab run FILE`, `irqlab check FILE`.
#pragma once

#include <iosfwd>

namespace irqlab::cli {

// Exit codes: 0 ok, 1 a kernel bug or an unmet expectation, 2 bad input (file, option).
int main(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace irqlab::cli
