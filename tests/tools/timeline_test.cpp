// The terminal timeline (tools/output/timeline.hpp): lessons run in the test with a
// Timeline subscribed from time 0, then drawn over a window.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "kernel/kernel.hpp"
#include "sim/simulator.hpp"
#include "tools/output/timeline.hpp"
#include "tools/scenario/scenario.hpp"
#include "tools/scenario/world.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;
using output::Timeline;
using output::TimelineOptions;

namespace {

TimelineOptions window(sim::Time from, sim::Time to, int width = 80, bool color = false) {
    TimelineOptions o;
    o.from = from;
    o.to = to;
    o.width = width;
    o.color = color;
    return o;
}

// Runs scenarios/<lesson>.yaml (with `sets`) and draws it as `o` says, at the run's end.
std::string draw(const std::string& lesson, TimelineOptions o,
                 const std::vector<std::string>& sets = {}) {
    scenario::Scenario sc =
        scenario::load_file(IRQLAB_SOURCE_DIR "/scenarios/" + lesson + ".yaml", sets);
    sim::Simulator s(
        sc.seed, sc.machine.stack_size ? sc.machine.stack_size : sim::Fiber::default_stack_size());
    kernel::Kernel k(s, sc.machine);
    Timeline tl(k, o);
    s.trace().subscribe(&tl);
    k.boot();
    {
        scenario::World world(k, sc);
        s.run_until(sc.until);
        k.shutdown();
    }
    s.trace().unsubscribe(&tl);
    std::ostringstream out;
    tl.render(out, s.engine().now());
    s.shutdown();
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// The columns of CPU n's lane (between the '|'), and of its marks row under it.
std::string lane(const std::string& text, int cpu) {
    std::string head = "CPU" + std::to_string(cpu) + " ";
    for (const std::string& l : lines_of(text))
        if (l.rfind(head, 0) == 0) return l.substr(l.find('|') + 1, l.rfind('|') - l.find('|') - 1);
    FAIL("no lane for CPU" << cpu << " in\n" << text);
    return {};
}
std::string marks(const std::string& text, int cpu) {
    std::vector<std::string> ls = lines_of(text);
    std::string head = "CPU" + std::to_string(cpu) + " ";
    for (std::size_t i = 0; i + 1 < ls.size(); ++i)
        if (ls[i].rfind(head, 0) == 0)
            return ls[i + 1].substr(std::min(ls[i + 1].size(), ls[i].find('|') + 1));
    return {};
}

// The text without its colour escapes (ESC [ digits/semicolons m).
std::string strip_ansi(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\033' && i + 1 < s.size() && s[i + 1] == '[') {
            std::size_t j = s.find_first_not_of("0123456789;", i + 2);
            if (j != std::string::npos && s[j] == 'm') {
                i = j;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

const char* kSplit =
    "bh-tasklet-split";  // irq 17 every 1 ms from 1 ms: 3 us handler, 300 us tasklet

}  // namespace

TEST_CASE("timeline: the CPU that takes the irq shows a hardirq column, then the tasklet") {
    std::string t = draw(kSplit, window(900_us, 1400_us), {"run.until=2ms"});
    INFO(t);
    std::string cpu0 = lane(t, 0);
    REQUIRE(cpu0.size() == 73);  // 80 - "CPU0 |" - "|"
    // 500 us over 73 columns: 6.85 us a column. The handler (1.0005 to 1.003 ms) starts in
    // column 14; the tasklet's 300 us fill about 44 columns after it; the process computes
    // around them.
    auto h = cpu0.find('H');
    REQUIRE(h == 14);
    auto tasklet = cpu0.find_first_not_of('H', h);
    CHECK(cpu0[tasklet] == 'T');
    auto after = cpu0.find_first_not_of('T', tasklet);
    CHECK(after - tasklet >= 43);
    CHECK(after - tasklet <= 45);
    CHECK(cpu0.substr(0, h) == std::string(h, '='));
    CHECK(cpu0.substr(after) == std::string(cpu0.size() - after, '='));
    // The line's assertion (1 ms, column 14) and the raise of TASKLET_SOFTIRQ (1.003 ms).
    CHECK(marks(t, 0) == "              ^r");
}

TEST_CASE("timeline: a handler far shorter than a column is still drawn") {
    // 20 ms over 73 columns: 274 us a column, and each 3 us handler has one.
    std::string t = draw(kSplit, window(0, 20_ms));
    INFO(t);
    std::string cpu0 = lane(t, 0);
    CHECK(std::count(cpu0.begin(), cpu0.end(), 'H') == 10);
    std::string m = marks(t, 0);
    CHECK(std::count(m.begin(), m.end(), '^') == 10);
    // A threaded handler's primary that takes no time at all (it only wakes the thread).
    std::string s = draw("sensor-oneshot", window(1990_us, 2010_us), {"run.until=3ms"});
    INFO(s);
    std::string cpu0s = lane(s, 0);
    CHECK(std::count(cpu0s.begin(), cpu0s.end(), 'H') == 1);
    CHECK(cpu0s.find('I') > cpu0s.find('H'));
}

TEST_CASE("timeline: every line fits the width, and a lane fills it") {
    for (int width : {32, 57, 80, 133}) {
        for (bool color : {false, true}) {
            std::string t = draw("bh-latency-compare", window(0, 3_ms, width, color));
            for (const std::string& l : lines_of(t)) {
                INFO(width << (color ? " colour: " : ": ") << l);
                std::string plain = strip_ansi(l);
                CHECK(plain.size() <= static_cast<std::size_t>(width));
                if (plain.rfind("CPU", 0) == 0)
                    CHECK(plain.size() == static_cast<std::size_t>(width));
            }
        }
    }
    // Narrower than a lane can be drawn: kMinWidth.
    std::string t = draw(kSplit, window(0, 20_ms, 10), {"run.until=2ms"});
    CHECK(lane(t, 0).size() == static_cast<std::size_t>(Timeline::kMinWidth) - 7);
}

TEST_CASE("timeline: no escape without colour, and with colour the same text in colours") {
    std::string plain = draw("bh-latency-compare", window(0, 3_ms, 100, false));
    std::string color = draw("bh-latency-compare", window(0, 3_ms, 100, true));
    CHECK(plain.find('\033') == std::string::npos);
    CHECK(color.find("\033[1;31mH") != std::string::npos);  // a handler in bold red
    CHECK(color.find("\033[0m") != std::string::npos);
    CHECK(strip_ansi(color) == plain);
}

TEST_CASE("timeline: the window selects its part of the run") {
    // The lesson repeats every millisecond: the sixth interrupt's window draws as the first's.
    std::string first = draw(kSplit, window(900_us, 1400_us));
    std::string sixth = draw(kSplit, window(5900_us, 6400_us));
    CHECK(lane(first, 0) == lane(sixth, 0));
    CHECK(marks(first, 0) == marks(sixth, 0));
    CHECK(lines_of(sixth)[0] == "timeline 5.9ms to 6.4ms, ~6.849us a column");
    CHECK(lines_of(sixth)[1].find("6ms") != std::string::npos);
    // Before the first interrupt: only the process.
    std::string before = draw(kSplit, window(100_us, 900_us));
    CHECK(lane(before, 0) == std::string(73, '='));
    // Inside the tasklet: it began before the window, and fills it.
    std::string inside = draw(kSplit, window(1100_us, 1200_us));
    CHECK(lane(inside, 0) == std::string(73, 'T'));
}

TEST_CASE("timeline: a run that stopped short of the window's end is drawn up to where it got") {
    std::string t = draw(kSplit, window(0, 20_ms), {"run.until=5ms"});
    INFO(t);
    CHECK(lines_of(t)[0] == "timeline 0ns to 5ms, ~68.493us a column");
    std::string cpu0 = lane(t, 0);
    CHECK(std::count(cpu0.begin(), cpu0.end(), 'H') == 4);  // 1, 2, 3 and 4 ms
    CHECK(cpu0.back() == '=');                              // the process, to the last column
    // An open window (to 0) is the whole run.
    std::string open = draw(kSplit, window(0, 0), {"run.until=5ms"});
    CHECK(lines_of(open)[0] == lines_of(t)[0]);
    std::string lane_open = lane(open, 0);
    CHECK(std::count(lane_open.begin(), lane_open.end(), 'H') == 4);
}

TEST_CASE("timeline: irq threads, work items, NAPI polls and the local timer have their letters") {
    // bh-latency-compare: the same event handled by a tasklet, a work item, an IRQ thread.
    std::string t = draw("bh-latency-compare", window(0, 3_ms, 100));
    INFO(t);
    for (char c : {'H', 'T', 'W', 'I', '='}) CHECK(lane(t, 0).find(c) != std::string::npos);
    CHECK(marks(t, 0).find('w') != std::string::npos);  // the thread's and the kworker's wake-ups
    // NET_RX's NAPI polls (traced after the poll: drawn from the softirq's start).
    std::string n = draw("net-livelock-napi", window(1_ms, 1200_us, 100), {"run.until=2ms"});
    INFO(n);
    CHECK(lane(n, 0).find("HN") != std::string::npos);
    // The tick, once the process has run out of work.
    std::string v = draw(kSplit, window(10_ms, 20_ms));
    CHECK(lane(v, 0).find('V') != std::string::npos);
    CHECK(lane(v, 0).back() == '.');  // idle at the end
}

TEST_CASE("timeline: one lane per CPU, each with what ran there") {
    std::string t = draw("net-rss", window(900_us, 1300_us, 100), {"run.until=2ms"});
    INFO(t);
    for (int cpu = 0; cpu < 4; ++cpu) {
        CHECK(lane(t, cpu).find('H') != std::string::npos);  // each queue's MSI-X vector
        CHECK(lane(t, cpu).find('N') != std::string::npos);
        CHECK(marks(t, cpu).find('^') != std::string::npos);
    }
}

TEST_CASE("timeline: the same scenario and seed draw the same bytes") {
    CHECK(draw("net-rss", window(0, 0, 90, true), {"run.until=3ms"}) ==
          draw("net-rss", window(0, 0, 90, true), {"run.until=3ms"}));
}

TEST_CASE("timeline: a small window of bh-tasklet-split, as reviewed") {
    // The first interrupt, 20 us around it at 274 ns a column: the line rises at 1 ms, the
    // handler runs from 1.0005 ms (after the entry cost) to 1.003 ms and raises
    // TASKLET_SOFTIRQ, whose tasklet then runs on past the window.
    CHECK(draw(kSplit, window(990_us, 1010_us), {"run.until=2ms"}) ==
          "timeline 990us to 1.01ms, ~273ns a column\n"
          "      990us             995us             1ms               1.005ms\n"
          "      |                 |                 |                 |\n"
          "CPU0 |======================================HHHHHHHHHHTTTTTTTTTTTTTTTTTTTTTTTTT|\n"
          "                                          ^          r\n"
          "H irq handler  V system vector (timer, IPI)  N NAPI poll  T tasklet  S softirq\n"
          "I irq thread  W work item  = task  . idle  ^ line asserted  r softirq raised\n"
          "w wake-up\n");
}
