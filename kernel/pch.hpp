// The precompiled header of the kernel and tools libraries: what nearly every file of
// theirs includes. Only compile time depends on this list.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/kernel.hpp"
#include "sim/simulator.hpp"
