#include "sim/trace.hpp"

#include <algorithm>

namespace irqlab::sim {

void TraceBus::unsubscribe(TraceSubscriber* s) {
    subscribers_.erase(std::remove(subscribers_.begin(), subscribers_.end(), s), subscribers_.end());
}

}  // namespace irqlab::sim
