// Each simulated kernel starts with the driver modules' static data as the program loaded
// it (kernel/module/data.cpp).
#pragma once

namespace irqlab::kernel {

void fresh_driver_data();

}  // namespace irqlab::kernel
