#include "devices/device.hpp"

#include <stdexcept>

namespace irqlab::dev {

namespace {
std::vector<DeviceType>& registry() {
    static std::vector<DeviceType> all;
    return all;
}
}  // namespace

void register_type(DeviceType t) {
    // A workload or fault key that names no parameter is a typo in the model's table.
    for (const auto* list : {&t.workload, &t.faults})
        for (const std::string& name : *list) {
            bool known = false;
            for (const ParamSpec& p : t.params) known |= p.name == name;
            if (!known) throw std::logic_error("device type " + t.name + ": no parameter '" + name + "'");
        }
    registry().push_back(std::move(t));
}
const std::vector<DeviceType>& types() { return registry(); }

const DeviceType* find_type(const std::string& name) {
    for (const DeviceType& t : registry())
        if (t.name == name) return &t;
    return nullptr;
}

kernel::Properties properties_of(const DeviceType& t, const Params& p) {
    kernel::Properties out;
    for (const ParamSpec& s : t.params) {
        auto it = p.find(s.name);
        if (!s.property || it == p.end()) continue;
        kernel::Property prop;
        switch (s.kind) {
            case ParamSpec::Kind::Bool:
                if (!it->second.number) continue;
                break;
            case ParamSpec::Kind::Choice:
            case ParamSpec::Kind::Text:
                prop.is_string = true;
                prop.text = it->second.text;
                break;
            default: prop.number = static_cast<std::uint64_t>(it->second.number); break;
        }
        // Linux property names use dashes where the scenario's keys use underscores.
        std::string name = s.name;
        for (char& c : name)
            if (c == '_') c = '-';
        out[name] = prop;
    }
    return out;
}

}  // namespace irqlab::dev
