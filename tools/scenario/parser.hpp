// The scenario parser's inside, shared by the files that read each section:
// parse.cpp (the top level, machine, sync, run), parse_program.cpp (kthreads and
// processes), parse_devices.cpp (devices, drivers, workload, faults), parse_expect.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "tools/scenario/scenario.hpp"

namespace irqlab::scenario {

struct Parser {
    const Reader& r;
    Scenario& sc;
    std::vector<YAML::Node> device_nodes;  // where each device was written, for its checks
    std::map<std::pair<std::size_t, std::string>, YAML::Node> param_nodes;  // (device, key): where given

    void machine(const YAML::Node& m);
    void sync(const YAML::Node& list);
    void run(const YAML::Node& m);
    void outputs(const YAML::Node& m);

    void tasks(const YAML::Node& list, bool kthread);
    std::vector<Op> program(const YAML::Node& list, bool kthread, int depth = 0);
    Op op(const YAML::Node& item, bool kthread, int depth);
    void file_op(const std::string& name, const YAML::Node& arg, Op& o);
    const SyncObject& sync_ref(const YAML::Node& n, const char* op);

    void devices(const YAML::Node& list);
    void drivers(const YAML::Node& list);
    void workload(const YAML::Node& list);
    void faults(const YAML::Node& list);
    void device_section(const YAML::Node& list, const char* section, bool stimuli);
    void line_fault(const YAML::Node& item);
    static const std::vector<std::string> kLineFaultKeys;
    void check_devices();
    std::int64_t rate(const YAML::Node& v, const char* what, std::int64_t min, std::int64_t max);
    double percent(const YAML::Node& v, const char* what);
    // A device's parameter `p` from `v`, checked against its kind.
    dev::ParamValue param(const YAML::Node& v, const dev::ParamSpec& p, const std::string& field);
    std::vector<dev::EventValue> events(const YAML::Node& v, const dev::ParamSpec& p, const std::string& field);
    // Platform device names as the driver core makes them: TYPE.N, numbered per type.
    std::vector<std::string> device_names() const;
    bool is_device(const std::string& name) const;
    std::string device_ref(const YAML::Node& n, const char* op);
    // Refuses a run that would take hours of wall time (a resource bomb).
    void check_load(const YAML::Node& root);

    void expect(const YAML::Node& m);
    void expect_irqs(const YAML::Node& m);
    void expect_latency(const YAML::Node& m);
    void expect_devices(const YAML::Node& m);
    void expect_order(const YAML::Node& list);
    void expect_cpu_time(const YAML::Node& m);

    static std::string join(const std::vector<std::string>& v);
};

}  // namespace irqlab::scenario
