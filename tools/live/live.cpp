#include "tools/live/live.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

#include "devices/device.hpp"
#include "devices/i8042/i8042.hpp"
#include "devices/uart16550/uart16550.hpp"
#include "sim/simulator.hpp"
#include "tools/run/run_loop.hpp"
#include "tools/scenario/reader.hpp"
#include "tools/scenario/scenario.hpp"
#include "tools/scenario/world.hpp"

namespace irqlab::live {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// The pacing timer's period, in wall time: inputs wait at most this long for their slice.
constexpr auto kTick = std::chrono::milliseconds(10);
// At most this much wall time simulating per tick, so that the sockets and the terminal are
// served (and Ctrl-C seen) while a simulation slower than the clock catches up.
constexpr auto kTickBudget = std::chrono::milliseconds(50);
constexpr int kJournalVersion = 1;

// The scenario's devices as the driver core names them (TYPE.N, numbered per type in file
// order), with their types.
std::vector<std::pair<std::string, std::string>> device_names(const scenario::Scenario& sc) {
    std::map<std::string, int> next;
    std::vector<std::pair<std::string, std::string>> names;
    for (const scenario::DeviceSpec& d : sc.devices) names.emplace_back(d.type + "." + std::to_string(next[d.type]++), d.type);
    return names;
}

// "" if `name` is a device of `type` in the scenario, else why not, with the nearest name.
std::string check_device(const scenario::Scenario& sc, const std::string& option, const std::string& name,
                         const std::string& type) {
    std::vector<std::string> candidates;
    for (const auto& [n, t] : device_names(sc)) {
        if (n == name) return t == type ? "" : option + ": " + name + " is of type " + t + ", not " + type;
        if (t == type) candidates.push_back(n);
    }
    std::string msg = option + ": no device '" + name + "'";
    if (candidates.empty()) return msg + " (the scenario has no " + type + ")";
    if (auto n = scenario::nearest(name, candidates)) return msg + " (did you mean '" + *n + "'?)";
    std::string list;
    for (const std::string& c : candidates) list += (list.empty() ? "" : ", ") + c;
    return msg + " (its " + type + " devices: " + list + ")";
}

// The inverse of quote(): the quoted text at `pos` of `line`, or nullopt.
std::optional<std::string> unquote(const std::string& line, std::size_t pos) {
    if (pos >= line.size() || line[pos] != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = pos + 1; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"') return line.find_first_not_of(" \t", i + 1) == std::string::npos ? std::optional(out) : std::nullopt;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= line.size()) return std::nullopt;
        switch (line[i]) {
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case '\\': out += '\\'; break;
            case '"': out += '"'; break;
            case 'x': {
                if (i + 2 >= line.size()) return std::nullopt;
                std::string hex = line.substr(i + 1, 2);
                if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
                out += static_cast<char>(std::stoi(hex, nullptr, 16));
                i += 2;
                break;
            }
            default: return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string endpoint_text(int port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

std::string quote(const std::string& bytes) {
    std::string out = "\"";
    for (unsigned char c : bytes) {
        switch (c) {
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            default:
                if (c < 0x20 || c >= 0x7f) {
                    char esc[8];
                    std::snprintf(esc, sizeof esc, "\\x%02x", c);
                    out += esc;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

std::string parse_uart(const std::string& spec, Options& o) {
    const std::string option = "--uart " + spec;
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || spec.compare(eq + 1, 4, "tcp:") != 0)
        return option + ": expected NAME=tcp:PORT, like uart16550.0=tcp:5555";
    std::string port = spec.substr(eq + 5);
    char* end = nullptr;
    long n = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != 0 || n < 0 || n > 65535)
        return option + ": the port is a number from 1 to 65535 (0: any free one)";
    UartLink link{spec.substr(0, eq), static_cast<int>(n)};
    for (const UartLink& l : o.uarts)
        if (l.device == link.device) return option + ": " + link.device + " is attached twice";
    o.uarts.push_back(link);
    return "";
}

std::string parse_keyboard(const std::string& spec, Options& o) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || spec.substr(eq + 1) != "stdin")
        return "--keyboard " + spec + ": expected NAME=stdin, like i8042.0=stdin";
    o.keyboard = spec.substr(0, eq);
    return "";
}

std::string check(const scenario::Scenario& sc, const Options& o) {
    for (const UartLink& l : o.uarts)
        if (std::string e = check_device(sc, "--uart " + l.device + "=tcp:" + std::to_string(l.port), l.device, "uart16550");
            !e.empty())
            return e;
    if (!o.keyboard.empty())
        if (std::string e = check_device(sc, "--keyboard " + o.keyboard + "=stdin", o.keyboard, "i8042"); !e.empty())
            return e;
    return "";
}

// --- the session ------------------------------------------------------------------------

struct Session::Impl {
    Impl(const Options& o, std::ostream& e) : opt(o), err(e), timer(io) {}

    // One UART on its TCP listener: one client at a time; the next is accepted when it goes.
    struct Port {
        Port(asio::io_context& io, UartLink l) : link(std::move(l)), acceptor(io), socket(io) {}
        UartLink link;
        dev::Uart16550* uart = nullptr;
        tcp::acceptor acceptor;
        tcp::socket socket;
        bool connected = false;
        std::uint64_t generation = 0;  // which connection a handler belongs to
        std::array<char, 4096> rx{};
        std::string tx, sending;  // what the UART sent, waiting for the socket; being written
        bool writing = false;
        std::string where() const { return endpoint_text(link.port); }
    };

    const Options& opt;
    std::ostream& err;
    asio::io_context io;
    asio::steady_timer timer;
    std::vector<std::unique_ptr<Port>> ports;
    std::map<std::string, dev::Device*> devices;
    run::ProgressLine* line = nullptr;  // while run() goes

    // The keyboard on standard input.
    std::optional<asio::posix::stream_descriptor> keys_in;
    std::array<char, 1024> keys_buf{};
    bool raw_tty = false;
    struct termios saved_tty {};
    int stdin_flags = -1;

    // Inputs from outside since the last slice, and the journals.
    std::vector<Input> pending;
    std::vector<Input> replay;
    std::size_t replay_pos = 0;
    std::optional<sim::Time> replay_end;
    std::ofstream journal;
    bool finished = false;

    // Pacing.
    Clock::time_point wall_start;
    sim::Time sim_start = 0;
    bool done = false;

    ~Impl() { restore_terminal(); }

    void say(const std::string& text) {
        if (line)
            line->message(text);
        else
            err << text << "\n";
    }

    bool open(const scenario::Scenario& sc);
    bool read_replay(const scenario::Scenario& sc);
    void attach(scenario::World& world);
    bool run(sim::Simulator& s, sim::Time until, bool progress);
    bool finish(sim::Time end);

    // Inputs reach devices.
    void give(sim::Simulator& s, Input in);
    bool replay_until(sim::Simulator& s, sim::Time limit);
    bool advance(sim::Simulator& s, sim::Time target, Clock::time_point deadline);
    void on_tick(sim::Simulator& s, sim::Time until);
    std::string pace_note() const;

    // The sockets.
    void accept(Port& p);
    void read(Port& p);
    void flush_tx();
    void write(Port& p);
    void close(Port& p, const std::string& why);

    // The terminal.
    void start_keyboard();
    void read_keys();
    void typed(const std::string& bytes);
    void restore_terminal();
};

bool Session::Impl::open(const scenario::Scenario& sc) {
    if (std::string e = check(sc, opt); !e.empty()) {
        err << "irqlab: " << e << "\n";
        return false;
    }
    for (const UartLink& l : opt.uarts) {
        auto p = std::make_unique<Port>(io, l);
        const std::string option = "--uart " + l.device + "=tcp:" + std::to_string(l.port);
        boost::system::error_code ec;
        p->acceptor.open(tcp::v4(), ec);
        if (!ec) p->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        // Loopback only: the console of a simulated machine is nobody else's business.
        if (!ec) p->acceptor.bind(tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(l.port)), ec);
        if (!ec) p->acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec == asio::error::address_in_use) {
            err << "irqlab: " << option << ": " << p->where() << " is in use\n";
            return false;
        }
        if (ec) {
            err << "irqlab: " << option << ": cannot listen on " << p->where() << ": " << ec.message() << "\n";
            return false;
        }
        p->link.port = p->acceptor.local_endpoint().port();
        err << "irqlab: " << l.device << ": listening on " << p->where() << " (a serial console: nc 127.0.0.1 "
            << p->link.port << ")\n";
        ports.push_back(std::move(p));
    }
    if (!opt.replay_path.empty() && !read_replay(sc)) return false;
    if (!opt.record_path.empty()) {
        journal.open(opt.record_path, std::ios::out | std::ios::trunc);
        journal << "# irqlab input journal " << kJournalVersion
                << " (irqlab run --record-inputs; replay it with --replay-inputs)\n"
                << "# TIME (simulated ns) DEVICE INPUT \"ARGUMENT\", then the time the run ended\n"
                << "scenario " << sc.name << " seed " << sc.seed << "\n";
        if (!journal.flush()) {
            err << "irqlab: cannot write the input journal to " << opt.record_path << "\n";
            return false;
        }
    }
    return true;
}

// The journal to replay, checked whole before the run starts: "FILE:LINE: message".
bool Session::Impl::read_replay(const scenario::Scenario& sc) {
    std::ifstream in(opt.replay_path);
    if (!in) {
        err << "irqlab: --replay-inputs: cannot read " << opt.replay_path << "\n";
        return false;
    }
    std::vector<std::string> names;
    for (const auto& [n, t] : device_names(sc)) names.push_back(n);
    std::string text;
    int number = 0;
    auto fail = [&](const std::string& msg) {
        err << opt.replay_path << ":" << number << ": " << msg << "\n";
        return false;
    };
    while (std::getline(in, text)) {
        ++number;
        if (text.empty() || text[0] == '#') continue;
        std::istringstream words(text);
        std::string first;
        words >> first;
        if (first == "scenario") {
            std::string name, seed_word;
            std::uint64_t seed = 0;
            words >> name >> seed_word >> seed;
            if (!words || seed_word != "seed") return fail("expected 'scenario NAME seed N'");
            if (name != sc.name || seed != sc.seed)
                return fail("recorded from scenario " + name + " (seed " + std::to_string(seed) + "), not " + sc.name +
                            " (seed " + std::to_string(sc.seed) + ")");
            continue;
        }
        // A time in simulated nanoseconds, or -1.
        auto time_of = [](const std::string& word) -> long long {
            char* end = nullptr;
            long long t = std::strtoll(word.c_str(), &end, 10);
            return word.empty() || *end != 0 || t < 0 ? -1 : t;
        };
        if (first == "end") {
            std::string t;
            words >> t;
            if (time_of(t) < 0) return fail("expected 'end TIME' (simulated ns)");
            replay_end = time_of(t);
            continue;
        }
        long long at = time_of(first);
        if (at < 0)
            return fail("expected 'TIME DEVICE INPUT \"ARGUMENT\"' (TIME in simulated ns), 'scenario NAME seed N' or "
                        "'end TIME'");
        Input input;
        input.at = at;
        words >> input.device >> input.what;
        if (!words) return fail("expected 'TIME DEVICE INPUT \"ARGUMENT\"'");
        if (std::find(names.begin(), names.end(), input.device) == names.end()) {
            std::string msg = "no device '" + input.device + "' in " + sc.name;
            if (auto n = scenario::nearest(input.device, names)) msg += " (did you mean '" + *n + "'?)";
            return fail(msg);
        }
        std::string rest;
        std::getline(words, rest);
        std::size_t q = rest.find_first_not_of(" \t");
        auto arg = unquote(rest, q == std::string::npos ? rest.size() : q);
        if (!arg) return fail("the argument is a quoted text, like \"hello\\n\"");
        input.arg = *arg;
        if (!replay.empty() && input.at < replay.back().at) return fail("the times go backwards");
        replay.push_back(std::move(input));
    }
    return true;
}

void Session::Impl::attach(scenario::World& world) {
    for (const auto& d : world.devices()) devices[d->instance()] = d.get();
    for (auto& p : ports) {
        p->uart = dynamic_cast<dev::Uart16550*>(devices.at(p->link.device));
        Port* port = p.get();
        // Nobody on the line, nobody hears it: bytes sent while no client is connected are gone.
        p->uart->set_tx_tap([port](std::uint8_t byte) {
            if (port->connected) port->tx += static_cast<char>(byte);
        });
    }
}

// --- inputs ----------------------------------------------------------------------------

// An input reaches its device now; a refused one is said and not journaled (it changed
// nothing).
void Session::Impl::give(sim::Simulator& s, Input in) {
    in.at = s.now();
    auto d = devices.find(in.device);
    std::string e = d == devices.end() ? "no such device" : d->second->inject(in.what, in.arg);
    if (!e.empty()) {
        say("irqlab: " + in.device + ": " + e);
        return;
    }
    if (journal.is_open()) {
        journal << in.at << ' ' << in.device << ' ' << in.what << ' ' << quote(in.arg) << '\n';
        journal.flush();
    }
}

// The replayed inputs due by `limit`, each group given where the live run gave it: the
// simulation run to its time, then the inputs.
bool Session::Impl::replay_until(sim::Simulator& s, sim::Time limit) {
    while (replay_pos < replay.size() && replay[replay_pos].at <= limit) {
        sim::Time t = replay[replay_pos].at;
        if (t > s.now() && s.run_until(t) != sim::Simulator::Status::Reached) return false;
        while (replay_pos < replay.size() && replay[replay_pos].at == t) give(s, replay[replay_pos++]);
    }
    return true;
}

// One step toward `target`: the inputs that came from outside are given at the current
// time (where the previous slice ended), then the simulation runs in slices until it
// reaches the target or the tick's wall-time budget is spent. Inputs are given only when
// the run is about to move on, so two groups never share a time and a replay (which runs to
// each group's time, then gives it) takes the same path. False: the run is over (stopped).
bool Session::Impl::advance(sim::Simulator& s, sim::Time target, Clock::time_point deadline) {
    if (target <= s.now()) return true;
    std::vector<Input> now;
    now.swap(pending);
    for (Input& in : now) give(s, std::move(in));
    const sim::Time slice = sim::kNsPerMs;
    while (s.now() < target) {
        sim::Time next = std::min(target, s.now() + slice);
        if (!replay_until(s, next)) return false;
        if (s.run_until(next) != sim::Simulator::Status::Reached) return false;
        flush_tx();
        if (run::SigintScope::interrupted() || Clock::now() >= deadline) break;
    }
    return true;
}

std::string Session::Impl::pace_note() const {
    if (opt.scale == 1) return "real time";
    char note[64];
    std::snprintf(note, sizeof note, "real time / %g", opt.scale);
    return note;
}

void Session::Impl::on_tick(sim::Simulator& s, sim::Time until) {
    auto now = Clock::now();
    double wall_ns = std::chrono::duration<double, std::nano>(now - wall_start).count();
    sim::Time target = std::min(until, sim_start + static_cast<sim::Time>(wall_ns / opt.scale));
    bool going = !run::SigintScope::interrupted() && advance(s, target, now + kTickBudget);
    if (!going || s.now() >= until || run::SigintScope::interrupted()) {
        done = true;
        io.stop();
        return;
    }
    std::string note = pace_note();
    // A simulation slower than the clock falls behind it (by more than 100 ms of wall time
    // here); the note says by how much.
    if (static_cast<double>(target - s.now()) * opt.scale > 100e6)
        note += ", behind by " + sim::format_time(target - s.now());
    line->update(s, until, note);
    timer.expires_after(kTick);
    timer.async_wait([this, &s, until](const boost::system::error_code& ec) {
        if (!ec) on_tick(s, until);
    });
}

bool Session::Impl::run(sim::Simulator& s, sim::Time until, bool progress) {
    run::SigintScope sigint;
    run::ProgressLine progress_line(progress, err);
    line = &progress_line;
    if (replay_end && *replay_end < until) {
        say("irqlab: the recorded run ended at " + sim::format_time(*replay_end) + ": the replay ends there too");
        until = *replay_end;
    }
    for (auto& p : ports) accept(*p);
    if (!opt.keyboard.empty()) start_keyboard();
    if (opt.scale > 0) {
        wall_start = Clock::now();
        sim_start = s.now();
        on_tick(s, until);
        if (!done) io.run();
    } else {
        // Not paced (a replay): as run_sliced, with the journal's inputs at their times.
        const sim::Time slice = std::max<sim::Time>(sim::kNsPerMs / 10, until / 1000);
        while (s.now() < until && !run::SigintScope::interrupted()) {
            if (!advance(s, std::min(until, s.now() + slice), Clock::time_point::max())) break;
            io.poll();
            progress_line.update(s, until);
        }
    }
    line = nullptr;
    return run::SigintScope::interrupted();
}

bool Session::Impl::finish(sim::Time end) {
    if (finished) return true;
    finished = true;
    for (auto& p : ports) {
        boost::system::error_code ec;
        if (p->connected && !p->tx.empty()) {
            // What the UART sent last, if the socket takes it now; the run is over.
            p->socket.non_blocking(true, ec);
            asio::write(p->socket, asio::buffer(p->tx), ec);
        }
        if (p->uart) p->uart->set_tx_tap(nullptr);
        p->socket.close(ec);
        p->acceptor.close(ec);
    }
    if (keys_in) {
        boost::system::error_code ec;
        keys_in->close(ec);
        keys_in.reset();
    }
    restore_terminal();
    if (!journal.is_open()) return true;
    journal << "end " << end << "\n";
    journal.close();
    if (!journal) {
        err << "irqlab: cannot write the input journal to " << opt.record_path << "\n";
        return false;
    }
    return true;
}

// --- the sockets -----------------------------------------------------------------------

void Session::Impl::accept(Port& p) {
    p.acceptor.async_accept(p.socket, [this, &p](const boost::system::error_code& ec) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) {
            say("irqlab: " + p.link.device + ": cannot accept on " + p.where() + ": " + ec.message());
            return;
        }
        p.connected = true;
        ++p.generation;
        say("irqlab: " + p.link.device + ": connected on " + p.where());
        read(p);
    });
}

void Session::Impl::read(Port& p) {
    std::uint64_t generation = p.generation;
    p.socket.async_read_some(asio::buffer(p.rx), [this, &p, generation](const boost::system::error_code& ec,
                                                                          std::size_t n) {
        if (generation != p.generation || ec == asio::error::operation_aborted) return;
        if (ec) {
            close(p, "closed");
            return;
        }
        pending.push_back(Input{0, p.link.device, "bytes", std::string(p.rx.data(), n)});
        read(p);
    });
}

void Session::Impl::flush_tx() {
    for (auto& p : ports)
        if (p->connected && !p->writing && !p->tx.empty()) write(*p);
}

void Session::Impl::write(Port& p) {
    p.sending.swap(p.tx);
    p.tx.clear();
    p.writing = true;
    std::uint64_t generation = p.generation;
    asio::async_write(p.socket, asio::buffer(p.sending), [this, &p, generation](const boost::system::error_code& ec,
                                                                                  std::size_t) {
        if (generation != p.generation) return;
        p.writing = false;
        if (ec) {
            if (ec != asio::error::operation_aborted) close(p, "closed");
            return;
        }
        if (p.connected && !p.tx.empty()) write(p);
    });
}

// The client went: say so, and take the next one.
void Session::Impl::close(Port& p, const std::string& why) {
    if (!p.connected) return;
    p.connected = false;
    ++p.generation;
    p.writing = false;
    p.tx.clear();
    boost::system::error_code ec;
    p.socket.close(ec);
    say("irqlab: " + p.link.device + ": the connection on " + p.where() + " " + why);
    accept(p);
}

// --- the terminal ----------------------------------------------------------------------

// On a terminal: raw input (no line editing, no echo, no signals: Ctrl-C arrives as the
// byte 0x03 and ends the run), restored whatever happens. A pipe or a file is read as a
// stream of bytes.
void Session::Impl::start_keyboard() {
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
        struct termios raw = saved_tty;
        raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO | ISIG | IEXTEN));
        raw.c_iflag &= static_cast<tcflag_t>(~(IXON | ICRNL | INLCR));
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) raw_tty = true;
        say("irqlab: " + opt.keyboard + ": the terminal's keys go to the keyboard; Ctrl-C ends the run");
    }
    stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
    int fd = dup(STDIN_FILENO);
    boost::system::error_code ec;
    keys_in.emplace(io);
    if (fd >= 0) keys_in->assign(fd, ec);
    if (fd < 0 || ec) {
        // A regular file (no readiness to wait for): all of it, at once.
        keys_in.reset();
        if (fd >= 0) ::close(fd);
        std::string all;
        char buf[4096];
        for (ssize_t n; (n = ::read(STDIN_FILENO, buf, sizeof buf)) > 0;) all.append(buf, static_cast<std::size_t>(n));
        typed(all);
        return;
    }
    read_keys();
}

void Session::Impl::read_keys() {
    keys_in->async_read_some(asio::buffer(keys_buf), [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec) return;  // the end of the input (a pipe closed), or the run is over
        typed(std::string(keys_buf.data(), n));
        read_keys();
    });
}

// Bytes from the terminal as keys: Enter sends \r in raw mode (\n here), Backspace DEL
// (\b here); Ctrl-C ends the run; bytes no key types (other control bytes, the rest of an
// escape sequence's meaning, UTF-8) are dropped.
void Session::Impl::typed(const std::string& bytes) {
    std::string keys;
    for (char c : bytes) {
        if (c == '\x03') {
            run::SigintScope::interrupt();
            break;
        }
        if (c == '\r') c = '\n';
        if (c == '\x7f') c = '\b';
        if (dev::I8042::check_text(std::string(1, c)).empty()) keys += c;
    }
    if (!keys.empty()) pending.push_back(Input{0, opt.keyboard, "keys", keys});
}

void Session::Impl::restore_terminal() {
    if (raw_tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        raw_tty = false;
    }
    if (stdin_flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, stdin_flags);  // the descriptor was shared: O_NONBLOCK off again
        stdin_flags = -1;
    }
}

// --- the interface ---------------------------------------------------------------------

Session::Session(const Options& o, std::ostream& err) : impl_(std::make_unique<Impl>(o, err)) {}
Session::~Session() = default;
bool Session::open(const scenario::Scenario& sc) { return impl_->open(sc); }
void Session::attach(scenario::World& world) { impl_->attach(world); }
bool Session::run(sim::Simulator& s, sim::Time until, bool progress) { return impl_->run(s, until, progress); }
bool Session::finish(sim::Time end) { return impl_->finish(end); }

}  // namespace irqlab::live
