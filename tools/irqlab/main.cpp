#include <iostream>

#include "tools/cli/cli.hpp"

int main(int argc, char** argv) { return irqlab::cli::main(argc, argv, std::cout, std::cerr); }
