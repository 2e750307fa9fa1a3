// errno names (lib/errname.c), for %pe and dev_err_probe().
#pragma once

#include <string>

namespace irqlab::kernel {

// "EINVAL" for 22 or -22; nullptr for a value with no name.
const char* errname(int err);
// "-EINVAL" for -22 (the number itself when it has no name), as %pe prints an error.
std::string errname_signed(int err);

}  // namespace irqlab::kernel
