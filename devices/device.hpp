// A device model and the registry of device types.
//
// A model sits on the bus: it maps its registers, drives its interrupt line and keeps its
// own time with engine events. It never calls kernel code. What the kernel learns about
// it comes from the "firmware": the resources (register window, IRQ) and the properties
// the scenario gave, which its driver reads with device_property_read_*().
//
// Device types register by name (one registration per device folder); a scenario
// instantiates them with parameters, each checked against the type's parameter list.
#pragma once

#include <linux/ioport.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel/drivers/base/base.hpp"
#include "sim/time.hpp"

namespace irqlab::dev {

class Bus;
struct MsiMessage;

// One parameter a device type takes.
struct ParamSpec {
    // Text: any string. Events: a list of maps, each with the `fields` below (stimuli such
    // as key presses: {key: a, press: 1ms, release: 5ms}). Rate: events per second, written
    // with a unit ("10kHz", "1Mpps"); its value is the rounded number per second.
    enum class Kind { Integer, Time, Bool, Choice, Times, Text, Events, Rate };
    std::string name;
    Kind kind;
    std::string help;
    std::vector<std::string> choices;  // Choice
    std::int64_t min = 0, max = 0;     // Integer, Rate (per second)
    bool property = false;             // also given to the driver as a device property
    struct Field {
        std::string name;
        bool time = false;      // a time ("5ms"); else text
        bool required = false;
    };
    std::vector<Field> fields;         // Events
};

// One entry of an Events parameter: its time fields and its text fields.
struct EventValue {
    std::map<std::string, sim::Time, std::less<>> times;
    std::map<std::string, std::string, std::less<>> texts;
};

// A parameter's value, as the scenario gave it.
struct ParamValue {
    std::int64_t number = 0;          // Integer, Bool, Time (ns)
    std::string text;                 // Choice, Text
    std::vector<sim::Time> times;     // Times
    std::vector<EventValue> events;   // Events
};
using Params = std::map<std::string, ParamValue, std::less<>>;

class Device {
public:
    Device(Bus& bus, std::string name, std::string instance)
        : bus_(bus), name_(std::move(name)), instance_(std::move(instance)) {}
    virtual ~Device() = default;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    // The platform device's name ("irqgen"): what its driver matches.
    const std::string& name() const { return name_; }
    // This one's name, as the kernel names its platform device ("irqgen.0").
    const std::string& instance() const { return instance_; }
    // What the firmware reports: register window, IRQ.
    virtual std::vector<struct resource> resources() const = 0;
    // Starts the model's own activity (its first events), once the machine is built.
    virtual void start() {}
    // One line of state for the stepper's `info devices`.
    virtual std::string info() const = 0;
    // Named counts of what happened to the hardware (keys lost to a full buffer, FIFO
    // overruns, bytes sent): the run's summary lists them, and a scenario can expect them
    // ("expect: devices: {uart16550.0: {overruns: '>= 1'}}").
    virtual std::vector<std::pair<std::string, std::int64_t>> counters() const { return {}; }
    // Free-form lines for the summary (a TX sink's transcript with timestamps).
    virtual std::vector<std::string> report() const { return {}; }
    // Input from outside while the machine runs: the stepper's `inject` and live mode (a
    // TCP socket, the terminal). `what` names the input ("keys", "bytes", "frames",
    // "irq"; inputs() lists the device's), `arg` its text. It is called from outside the
    // simulation (between events, or while a task is paused mid-handler), so it only
    // queues the input and schedules events: the line, registers and FIFOs change in
    // those events, at the simulated time the input arrives. Returns "" or the complaint.
    virtual std::vector<std::string> inputs() const { return {}; }
    virtual std::string inject(const std::string& what, const std::string& arg) {
        (void)arg;
        return "device " + instance_ + " takes no input '" + what + "'";
    }
    // The count an inject() of `what` takes (`of`: "frames", "events"): `arg`, or 1 when
    // empty. Sets `n` and returns "", or returns the complaint.
    static std::string inject_count(const std::string& what, const char* of, const std::string& arg, std::int64_t& n) {
        n = 1;
        if (arg.empty()) return "";
        char* end = nullptr;
        n = std::strtoll(arg.c_str(), &end, 10);
        if (*end == 0 && n >= 1 && n <= 1'000'000) return "";
        return what + " takes a count of " + of + " (1 to 1000000), not '" + arg + "'";
    }
    // An MSI-capable device's message slot (its MSI capability), or nullptr; the machine
    // gives it an interrupt and the kernel programs it. msi_written() follows each write.
    virtual MsiMessage* msi() { return nullptr; }
    virtual void msi_written() {}
    // MSI-X: a device with several vectors (a NIC's RX queues) has one message slot each.
    // The machine gives each its own IRQ, reported as the device's IRQ resources in vector
    // order (platform_get_irq(pdev, i) is vector i). By default the one MSI slot above.
    virtual int msi_vectors() { return msi() ? 1 : 0; }
    virtual MsiMessage* msi_vector(int i) { return i == 0 ? msi() : nullptr; }
    virtual void msi_vector_written(int i) {
        if (i == 0) msi_written();
    }

protected:
    Bus& bus_;
    std::string name_;
    std::string instance_;
};

struct DeviceType {
    std::string name;     // the type name scenarios use
    std::string module;   // the driver module that binds to it
    std::string summary;  // one line for `irqlab devices`
    std::vector<ParamSpec> params;
    // A combination of parameters the model cannot honour: the complaint, or "".
    std::function<std::string(const Params&)> check;
    // Makes one, named `instance` ("irqgen.0").
    std::function<std::unique_ptr<Device>(Bus&, const Params&, const std::string& instance)> make;
    // The parameters that are the device's stimuli (what arrives from outside: frames,
    // keys, bytes, events) and its faults: a scenario may give them in its `workload:` and
    // `faults:` sections, naming the device, instead of on the device itself.
    std::vector<std::string> workload = {};
    std::vector<std::string> faults = {};
};

// What a model reports to the "firmware", as Linux's DEFINE_RES_MEM / DEFINE_RES_IO /
// DEFINE_RES_IRQ build it (include/linux/ioport.h).
inline struct resource mem_resource(std::uint64_t base, std::uint64_t size) {
    struct resource r {};
    r.start = base;
    r.end = base + size - 1;
    r.flags = IORESOURCE_MEM;
    return r;
}
inline struct resource io_resource(std::uint64_t base, std::uint64_t size) {
    struct resource r = mem_resource(base, size);
    r.flags = IORESOURCE_IO;
    return r;
}
// An IO-APIC line as a PC wires it: level lines are PCI's (active low), edge lines ISA's.
inline struct resource irq_resource(int line, bool level) {
    struct resource r {};
    r.start = r.end = static_cast<resource_size_t>(line);
    r.flags = IORESOURCE_IRQ | (level ? IORESOURCE_IRQ_LOWLEVEL : IORESOURCE_IRQ_HIGHEDGE);
    return r;
}

// The registry: types add themselves with a static registration object.
void register_type(DeviceType t);
const std::vector<DeviceType>& types();
const DeviceType* find_type(const std::string& name);

// The driver's view of the parameters marked `property`: numbers as numbers, choices as
// strings, a Bool present only when true (device_property_read_bool()).
kernel::Properties properties_of(const DeviceType& t, const Params& p);

struct Registration {
    explicit Registration(DeviceType t) { register_type(std::move(t)); }
};

}  // namespace irqlab::dev
