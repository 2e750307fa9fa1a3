// The scenario's devices:, drivers: and IRQ expectations; --proc-dir; nested delivery as
// the text trace shows it.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "cli.hpp"
#include "tools/scenario/scenario.hpp"

using namespace irqlab::scenario;
using namespace irqlab::test;

namespace {
std::string error_of(const std::string& text) {
    try {
        parse(YAML::Load(text), "f.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}
std::string with_devices(const std::string& devices) { return "irqlab: 1\ndevices:\n" + devices + "run: {until: 1ms}\n"; }
}  // namespace

TEST_CASE("a device's type and parameters are checked, with the nearest name suggested") {
    CHECK(error_of(with_devices("  - {type: irqgn, line: 5, at: 1ms}\n")) ==
          "f.yaml:3:12: unknown device type 'irqgn' (did you mean 'irqgen'?)");
    CHECK(error_of(with_devices("  - {type: irqgen, line: 5, evry: 1ms}\n")) ==
          "f.yaml:3:29: unknown key 'evry' in a device of type irqgen (did you mean 'every'?)");
    CHECK(error_of(with_devices("  - {type: irqgen, line: 24, at: 1ms}\n")).rfind("f.yaml:3:26: irqgen.line", 0) == 0);
    CHECK(error_of(with_devices("  - {type: irqgen, line: 2, at: 1ms}\n")) ==
          "f.yaml:3:26: line 2 is the IO-APIC pin of IRQ 0, the timer: pick another line");
    CHECK(error_of(with_devices("  - {type: irqgen, line: 5, at: 1ms, stuck: true}\n")) ==
          "f.yaml:3:5: stuck is a fault of a level line (trigger: level)");
    CHECK(error_of(with_devices("  - {type: irqgen, line: 5}\n")) == "f.yaml:3:5: an irqgen needs 'at' or 'every' (when it fires)");
}

TEST_CASE("each device's driver loads at boot unless drivers: says otherwise") {
    Scenario sc = parse(YAML::Load(with_devices("  - {type: irqgen, line: 5, at: 1ms}\n  - {type: irqgen, line: 6, at: 1ms}\n")), "f.yaml");
    REQUIRE(sc.modules.size() == 1);
    CHECK(sc.modules[0].name == "irqgen");
    CHECK(sc.modules[0].load == 0);
    CHECK(error_of("irqlab: 1\ndrivers: [irqgem]\nrun: {until: 1ms}\n") ==
          "f.yaml:2:11: no module named 'irqgem' (did you mean 'irqgen'?)");
    Scenario later = parse(YAML::Load("irqlab: 1\ndevices: [{type: irqgen, line: 5, at: 1ms}]\n"
                                      "drivers:\n  - {module: irqgen, load: 2ms, unload: 5ms}\nrun: {until: 9ms}\n"),
                           "f.yaml");
    CHECK(later.modules[0].load == 2'000'000);
    CHECK(later.modules[0].unload == 5'000'000);
    // A device type's driver with none of its devices is a dangling reference.
    CHECK(error_of("irqlab: 1\ndrivers: [irqgen]\nrun: {until: 1ms}\n") ==
          "f.yaml:2:11: module 'irqgen' drives irqgen devices, and the machine has none (add one under devices:)");
}

TEST_CASE("the driver's parameters become device properties with Linux's dashes") {
    Scenario sc = parse(YAML::Load(with_devices("  - {type: irqgen, line: 17, trigger: level, at: 1ms, shared: true, "
                                                "oneshot: false, handler_cost: 2us}\n")),
                        "f.yaml");
    const irqlab::dev::DeviceType& t = *irqlab::dev::find_type("irqgen");
    irqlab::kernel::Properties props = irqlab::dev::properties_of(t, sc.devices[0].params);
    CHECK(props.count("shared") == 1);
    CHECK(props.count("oneshot") == 0);  // a false flag is an absent property
    CHECK(props.at("handler-cost").number == 2000);
    CHECK(props.count("line") == 0);  // the model's own parameter, not the driver's
}

TEST_CASE("irqlab run --proc-dir writes interrupts, stat and the irq/N files as they read at the end") {
    std::string dir = temp_path("proc");
    auto r = irqlab_cli("run -q scenarios/irq-shared-level-line.yaml --proc-dir " + dir);
    CHECK(r.code == 0);
    std::string interrupts = slurp(dir + "/interrupts");
    CHECK(interrupts.find(" 17:          7   IO-APIC  17-fasteoi   irqgen.0, irqgen.1\n") != std::string::npos);
    CHECK(slurp(dir + "/stat").find("\nintr 7 ") != std::string::npos);
    CHECK(slurp(dir + "/irq/17/smp_affinity_list") == "0\n");
    std::filesystem::remove_all(dir);
}

TEST_CASE("a hardirq lands inside a task's spend, and the spend resumes after it") {
    // The kthread busy-waits 1ms from t=0; the device fires at 300us; the handler takes 50us.
    std::string sc = temp_path("nested.yaml"), trace = temp_path("nested.txt");
    std::ofstream(sc) << "irqlab: 1\n"
                         "devices:\n"
                         "  - {type: irqgen, line: 17, trigger: level, at: [300us], handler_cost: 50us}\n"
                         "kthreads:\n"
                         "  - name: worker\n"
                         "    start: 100us\n"
                         "    program: [{delay: 1ms}, {print: done}]\n"
                         "run: {until: 3ms}\n";
    auto r = irqlab_cli("run -q " + sc + " --trace-text " + trace + " --dmesg " + trace + ".log");
    CHECK(r.code == 0);
    std::string t = slurp(trace), log = slurp(trace + ".log");
    std::remove(sc.c_str());
    std::remove(trace.c_str());
    std::remove((trace + ".log").c_str());
    // The handler runs on the worker's stack: the trace line carries the worker's comm and
    // the hardirq flag.
    auto entry = t.find("worker-");
    entry = t.find("irq_handler_entry: irq=17 name=irqgen.0", entry);
    REQUIRE(entry != std::string::npos);
    std::string line = t.substr(t.rfind('\n', entry) + 1, entry - t.rfind('\n', entry) - 1);
    CHECK(line.find("worker-") != std::string::npos);
    CHECK(line.find(" d.h") != std::string::npos);
    CHECK(line.find(" 0.000300: ") != std::string::npos);
    // The delay ends 1ms of its own work plus the interrupt's time after it began: the
    // printk comes after 1.1ms, not at 1.1ms.
    auto done = log.find("] worker: done");
    REQUIRE(done != std::string::npos);
    double at = std::stod(log.substr(log.rfind('[', done) + 1));
    CHECK(at > 0.001150);
    CHECK(at < 0.001170);
}

TEST_CASE("an MSI irqgen gets the first dynamic IRQ, 24, on a PCI-MSI chip with an edge flow") {
    std::string sc = temp_path("msi.yaml"), dir = temp_path("msiproc");
    std::ofstream(sc) << "irqlab: 1\n"
                         "devices:\n"
                         "  - {type: irqgen, msi: true, every: 1ms, start: 1ms, count: 3}\n"
                         "run: {until: 5ms}\n"
                         "expect: {irqs: {24: 3}}\n";
    auto r = irqlab_cli("run -q " + sc + " --proc-dir " + dir);
    CHECK(r.code == 0);
    CHECK(slurp(dir + "/interrupts").find(" 24:          3  PCI-MSI-irqgen.0   0-edge      irqgen.0\n") != std::string::npos);
    std::remove(sc.c_str());
    std::filesystem::remove_all(dir);
}

namespace {
std::string with_kthread(const std::string& step, const std::string& extra = "") {
    return "irqlab: 1\ndevices:\n  - {type: irqgen, line: 17, trigger: level, every: 1ms, count: 3, bottom_half: tasklet}\n" +
           extra + "kthreads:\n  - name: t\n    program:\n      - " + step + "\nrun: {until: 5ms}\n";
}
}  // namespace

TEST_CASE("a kthread step names a device's tasklet or lock by the device, which must exist") {
    Scenario sc = parse(YAML::Load(with_kthread("tasklet_disable: irqgen.0")), "f.yaml");
    REQUIRE(sc.tasks[0].program.size() == 1);
    CHECK(sc.tasks[0].program[0].kind == Op::Kind::TaskletDisable);
    CHECK(sc.tasks[0].program[0].target == "irqgen.0");
    CHECK(sc.tasks[0].program[0].on_device);
    CHECK(error_of(with_kthread("tasklet_enable: irqgen.1")) == "f.yaml:7:25: tasklet_enable: no device named 'irqgen.1' (did you mean 'irqgen.0'?)");
    CHECK(error_of(with_kthread("tasklet_kil: irqgen.0")) == "f.yaml:7:9: unknown operation 'tasklet_kil' (did you mean 'tasklet_kill'?)");
    Scenario lock = parse(YAML::Load(with_kthread("lock_bh: irqgen.0")), "f.yaml");
    CHECK(lock.tasks[0].program[0].kind == Op::Kind::LockBh);
    CHECK(lock.tasks[0].program[0].on_device);
    // A sync object of the same name wins over the device.
    Scenario named = parse(YAML::Load(with_kthread("lock: irqgen.0", "sync:\n  - {name: irqgen.0, type: mutex}\n")), "f.yaml");
    CHECK_FALSE(named.tasks[0].program[0].on_device);
    std::string proc = "irqlab: 1\ndevices:\n  - {type: irqgen, line: 17, at: 1ms}\nprocesses:\n  - name: p\n    program:\n"
                       "      - tasklet_disable: irqgen.0\nrun: {until: 5ms}\n";
    CHECK(error_of(proc) == "f.yaml:7:9: 'tasklet_disable' is a kernel call: only kthreads make it");
}

TEST_CASE("a step on a device whose driver is not bound fails the run, saying so") {
    std::string file = temp_path("unbound.yaml");
    std::ofstream(file) << "irqlab: 1\ndevices:\n  - {type: irqgen, line: 17, at: 1ms, bottom_half: tasklet}\n"
                           "drivers: []\nkthreads:\n  - name: t\n    program:\n      - tasklet_disable: irqgen.0\n"
                           "run: {until: 2ms}\n";
    auto r = irqlab_cli("run " + file);
    CHECK(r.code == 1);
    CHECK(r.out.find("FAILED: t: irqgen.0 has no driver bound") != std::string::npos);
    std::remove(file.c_str());
}
