// Live mode: a run paced to the wall clock, with devices attached to the outside world (a
// UART to a TCP socket on loopback, the keyboard to the terminal), and the journal of
// every input from outside, which replays the run exactly.
//
// Pacing: simulated time = wall time / scale. A timer ticks every 10 ms of wall time and
// runs the simulation (run_until) to the simulated time the wall clock has reached.
// Inputs: what arrives from outside between two ticks is given to its device
// (Device::inject) at the start of the next slice, at the simulated time the previous one
// ended, and journaled with that time. A replay runs to each journaled time and gives the
// inputs there: the same events in the same order as the live run.
//
// This header keeps Boost.Asio out (DESIGN: heavy headers stay out of widely included
// ones); tools/live/live.cpp has it.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace irqlab::sim {
class Simulator;
}
namespace irqlab::scenario {
struct Scenario;
class World;
}  // namespace irqlab::scenario

namespace irqlab::live {

// --uart NAME=tcp:PORT
struct UartLink {
    std::string device;  // uart16550.N
    int port = 0;        // on 127.0.0.1; 0: any free port (the one taken is printed)
};

struct Options {
    double scale = 0;               // --realtime SCALE: simulated time = wall time / SCALE; 0: not paced
    std::vector<UartLink> uarts;    // --uart
    std::string keyboard;           // --keyboard NAME=stdin: the i8042 the terminal types on
    std::string record_path;        // --record-inputs FILE
    std::string replay_path;        // --replay-inputs FILE
    // Anything that makes the run a live one (or a replay of one).
    bool active() const {
        return scale > 0 || !uarts.empty() || !keyboard.empty() || !record_path.empty() || !replay_path.empty();
    }
};

// The option's text parsed into `o`: "" or the complaint (as "--uart SPEC: ...").
std::string parse_uart(const std::string& spec, Options& o);
std::string parse_keyboard(const std::string& spec, Options& o);
// The devices the options name exist in the scenario and are of the right type: "" or the
// complaint (with the nearest valid name).
std::string check(const scenario::Scenario& sc, const Options& o);

// The journal's format (README.md, "Live mode"): a header, then one input per line, then
// the time the run ended.
//   # irqlab input journal 1
//   scenario live-uart-echo seed 1
//   1200000 uart16550.0 bytes "hello\n"
//   end 2000000000
// Times are simulated nanoseconds; the argument is quoted with C escapes (\n \r \t \\ \"
// \xHH).
struct Input {
    sim::Time at = 0;
    std::string device, what, arg;
};
std::string quote(const std::string& bytes);

// One live run: created before the machine boots (it binds the listeners and opens the
// journals, so a port in use or a bad journal stops the run before it starts), attached to
// the machine's devices once they exist, then run.
class Session {
public:
    Session(const Options& o, std::ostream& err);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Binds, opens, reads the journal to replay. False (after saying why on `err`): exit 2.
    bool open(const scenario::Scenario& sc);
    // Connects the devices: the UARTs' TX taps, the keyboard.
    void attach(scenario::World& world);
    // Runs to `until` (paced if scale > 0). Returns true when Ctrl-C cut the run short.
    bool run(sim::Simulator& s, sim::Time until, bool progress);
    // Closes the connections, restores the terminal, ends the journal. False if the
    // journal could not be written.
    bool finish(sim::Time end);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace irqlab::live
