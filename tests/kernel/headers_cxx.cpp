// Driver-style C++ against the same headers (no IRQLAB_SIM_INTERNAL: the full macro set).
#include "headers_all.h"
