// Device properties (drivers/base/property.c): what the scenario gave the device, as a
// device tree or an ACPI table would.
#include <linux/errno.h>
#include <linux/property.h>

#include "kernel/drivers/base/base.hpp"

using irqlab::kernel::DriverCore;
using irqlab::kernel::Property;

namespace {
const Property* find(const struct device* dev, const char* name) {
    if (!dev || !dev->__irqlab) return nullptr;
    const auto& props = DriverCore::record(dev).props;
    auto it = props.find(std::string_view(name));
    return it == props.end() ? nullptr : &it->second;
}

// The error codes of fwnode_property_read_*: -EINVAL when absent, -EPROTO when of
// another type, -EOVERFLOW when the value does not fit.
template <typename T>
int read_number(const struct device* dev, const char* name, T* val) {
    const Property* p = find(dev, name);
    if (!p) return -EINVAL;
    if (p->is_string) return -EPROTO;
    if (p->number > static_cast<std::uint64_t>(static_cast<T>(-1))) return -EOVERFLOW;
    *val = static_cast<T>(p->number);
    return 0;
}
}  // namespace

extern "C" {

bool device_property_present(const struct device* dev, const char* propname) { return find(dev, propname) != nullptr; }

int device_property_read_u32(const struct device* dev, const char* propname, u32* val) {
    return read_number(dev, propname, val);
}

int device_property_read_u64(const struct device* dev, const char* propname, u64* val) {
    return read_number(dev, propname, val);
}

int device_property_read_string(const struct device* dev, const char* propname, const char** val) {
    const Property* p = find(dev, propname);
    if (!p) return -EINVAL;
    if (!p->is_string) return -EPROTO;
    *val = p->text.c_str();
    return 0;
}

}  // extern "C"
