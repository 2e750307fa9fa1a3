// `irqlab step FILE --commands FILE`: every command of the stepper, through the transcript
// a user's script gets.
#include <catch2/catch.hpp>

#include <fstream>

#include "cli.hpp"

using irqlab::test::CliResult;
using irqlab::test::irqlab_cli;
using irqlab::test::temp_path;

namespace {

CliResult transcript(const std::string& lesson, const std::string& commands, const std::string& options = "") {
    std::string file = temp_path("cmds");
    std::ofstream(file) << commands;
    auto r = irqlab_cli("step scenarios/" + lesson + ".yaml --commands " + file + " " + options);
    std::remove(file.c_str());
    return r;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// A line of `text` that holds each of `words`, in order (table columns are padded).
bool line_has(const std::string& text, std::initializer_list<std::string> words) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::size_t at = 0;
        bool all = true;
        for (const std::string& w : words) {
            at = line.find(w, at);
            if (at == std::string::npos) {
                all = false;
                break;
            }
            at += w.size();
        }
        if (all) return true;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return false;
}

// The output of the Nth command (0-based): from its echoed prompt line to the next one.
std::string output_of(const std::string& out, int n) {
    std::size_t at = 0;
    for (int i = 0; i <= n; ++i) {
        at = out.find("(irqlab) ", at);
        if (at == std::string::npos) return "";
        if (i < n) at += 9;
    }
    at = out.find('\n', at) + 1;
    std::size_t end = out.find("(irqlab) ", at);
    return out.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

TEST_CASE("step: the transcript echoes each command after the prompt; step N runs N records") {
    auto r = transcript("bh-tasklet-split", "step\nstep 3\nwhere\n");
    CHECK(r.code == 0);
    CHECK(has(r.out, "irqlab step: scenarios/bh-tasklet-split.yaml (1 CPUs, run.until 20ms, seed 1)"));
    CHECK(has(r.out, "(irqlab) step\n#"));
    // Each stop prints the record it stopped at, numbered; step 3 moves three on.
    std::string one = output_of(r.out, 0), three = output_of(r.out, 1);
    unsigned long a = std::stoul(one.substr(1)), b = std::stoul(three.substr(1));
    CHECK(b == a + 3);
    CHECK(has(output_of(r.out, 2), "after trace record #" + std::to_string(b)));
}

TEST_CASE("next: stops at the handler entry, then its exit") {
    auto r = transcript("bh-tasklet-split", "break time 999us\ncontinue\nnext\nnext\n");
    CHECK(r.code == 0);
    CHECK(has(output_of(r.out, 2), "irq_handler_entry: irq=17 name=irqgen.0"));
    CHECK(has(output_of(r.out, 3), "irq_handler_exit: irq=17 ret=handled"));
}

TEST_CASE("continue: runs to the end when no breakpoint is hit") {
    auto r = transcript("bh-tasklet-split", "continue\ncontinue\n");
    CHECK(r.code == 1);  // the second continue fails: the run is over
    CHECK(has(output_of(r.out, 0), "The run reached its end at 20ms (run.until)."));
    CHECK(has(output_of(r.out, 1), "The run has ended at 20ms (run.until). Use \"run\" to start again, or reverse-step."));
}

TEST_CASE("until: stops at the simulated time; refuses a time behind") {
    auto r = transcript("bh-tasklet-split", "until 2500us\nuntil 1ms\nuntil 1s\nu 3ms\n");
    CHECK(has(output_of(r.out, 0), "Stopped at 2.5ms."));
    CHECK(has(output_of(r.out, 1), "the run is already at 2.5ms; until takes a later time"));
    CHECK(has(output_of(r.out, 2), "1s is after the run's end (20ms)"));
    CHECK(has(output_of(r.out, 3), "Stopped at 3ms."));
    CHECK(r.code == 1);
}

TEST_CASE("run: starts again from time 0 and stops at the first breakpoint") {
    auto r = transcript("bh-tasklet-split", "until 5ms\nbreak irq 17\nrun\n");
    CHECK(r.code == 0);
    std::string out = output_of(r.out, 2);
    CHECK(has(out, "Starting the run of scenarios/bh-tasklet-split.yaml again."));
    CHECK(has(out, "Breakpoint 1, irq 17"));
    CHECK(has(out, "0.001000: irq_handler_entry: irq=17"));
}

TEST_CASE("break irq: stops at the handler of that irq") {
    auto r = transcript("bh-work-concurrency", "break irq 18\ncontinue\n");
    CHECK(has(output_of(r.out, 0), "Breakpoint 1: irq 18"));
    CHECK(has(output_of(r.out, 1), "Breakpoint 1, irq 18"));
    CHECK(has(output_of(r.out, 1), "irq_handler_entry: irq=18 name=irqgen.1"));
}

TEST_CASE("break vector: stops where the local APIC accepts the vector") {
    auto r = transcript("bh-tasklet-split", "break vector 0x20\ncontinue\n");
    CHECK(has(output_of(r.out, 0), "Breakpoint 1: vector 0x20"));
    CHECK(has(output_of(r.out, 1), "Breakpoint 1, vector 0x20"));
    CHECK(has(output_of(r.out, 1), "irqlab_lapic_accept"));
}

TEST_CASE("break softirq: names are Linux's, in any case, with a suggestion for a typo") {
    auto r = transcript("bh-tasklet-split", "break softirq tasklet\nbreak softirq TASKLT\ncontinue\n");
    CHECK(has(output_of(r.out, 0), "Breakpoint 1: softirq TASKLET"));
    CHECK(has(output_of(r.out, 1), "no softirq 'TASKLT' (did you mean 'TASKLET'?)"));
    CHECK(has(output_of(r.out, 2), "softirq_entry: vec=6 [action=TASKLET]"));
}

TEST_CASE("break tasklet: stops inside the tasklet; bt shows the softirq and the tasklet") {
    auto r = transcript("bh-tasklet-split", "break tasklet irqgen_bh\ncontinue\nbt\n");
    CHECK(r.code == 0);
    CHECK(has(output_of(r.out, 1), "tasklet_entry:"));
    std::string bt = output_of(r.out, 2);
    CHECK(line_has(bt, {"#1", "softirq", "TASKLET"}));
    CHECK(line_has(bt, {"#2", "tasklet", "irqgen_bh"}));
}

TEST_CASE("break work: stops as the work function starts in a kworker") {
    auto r = transcript("bh-work-concurrency", "break work irqgen_work\ncontinue\nbt\n");
    CHECK(has(output_of(r.out, 1), "workqueue_execute_start:"));
    CHECK(has(output_of(r.out, 1), "function irqgen_work"));
    CHECK(has(output_of(r.out, 2), "kworker/"));
}

TEST_CASE("break napi: stops after a poll of the device") {
    auto r = transcript("net-rss", "break napi eth0\ncontinue\n");
    CHECK(has(output_of(r.out, 1), "Breakpoint 1, napi eth0"));
    CHECK(has(output_of(r.out, 1), "napi_poll: napi poll on napi struct"));
}

TEST_CASE("break bug: stops at the BUG report") {
    auto r = transcript("bh-tasklet-sleeps", "break bug\ncontinue\ndmesg\n");
    CHECK(has(output_of(r.out, 1), "Breakpoint 1, bug"));
    CHECK(has(output_of(r.out, 1), "BUG: scheduling while atomic"));
}

TEST_CASE("break: a bad kind or argument says what is wrong") {
    auto r = transcript("bh-tasklet-split", "break irk 4\nbreak irq x\nbreak time 5\nbreak\n");
    CHECK(r.code == 1);
    CHECK(has(output_of(r.out, 0), "no breakpoint kind 'irk' (did you mean 'irq'?)"));
    CHECK(has(output_of(r.out, 1), "'x' is not an irq number"));
    CHECK(has(output_of(r.out, 2), "'5' is not a time"));
    CHECK(has(output_of(r.out, 3), "break what?"));
}

TEST_CASE("delete: removes one breakpoint or all; info breakpoints lists them with hits") {
    auto r = transcript("bh-tasklet-split",
                        "break irq 17\nbreak tasklet irqgen_bh\ncontinue\ninfo breakpoints\ndelete 1\ni b\ndelete\ninfo breakpoints\ndelete 9\n");
    std::string list = output_of(r.out, 3);
    CHECK(has(list, "1    irq 17"));
    CHECK(has(list, "2    tasklet irqgen_bh"));
    CHECK(!has(output_of(r.out, 5), "irq 17"));
    CHECK(has(output_of(r.out, 5), "tasklet irqgen_bh"));
    CHECK(has(output_of(r.out, 7), "No breakpoints."));
    CHECK(has(output_of(r.out, 8), "No breakpoint number 9."));
}

TEST_CASE("info cpus: the interrupted CPU in the middle of a handler") {
    auto r = transcript("bh-tasklet-split", "break irq 17\ncontinue\ninfo cpus\n");
    CHECK(has(output_of(r.out, 2), "CPU0"));
    CHECK(has(output_of(r.out, 2), "irq 17"));
}

TEST_CASE("info irqs: the descriptor's state while its handler runs") {
    auto r = transcript("bh-tasklet-split", "break irq 17\ncontinue\ninfo irqs\n");
    CHECK(has(output_of(r.out, 2), "IRQD_IRQ_INPROGRESS"));
    CHECK(has(output_of(r.out, 2), "irqgen.0"));
}

TEST_CASE("info ioapic: the redirection entry of the line") {
    auto r = transcript("bh-tasklet-split", "break irq 17\ncontinue\ninfo ioapic\n");
    CHECK(has(output_of(r.out, 2), "17"));
    CHECK(has(output_of(r.out, 2), "0x20"));
}

TEST_CASE("info lapic: the vector in service during the handler; a bad CPU is refused") {
    auto r = transcript("bh-tasklet-split", "break irq 17\ncontinue\ninfo lapic 0\ninfo lapic 3\n");
    CHECK(has(output_of(r.out, 2), "ISR"));
    CHECK(has(output_of(r.out, 2), "0x20"));
    CHECK(has(output_of(r.out, 3), "no CPU 3 (this machine has CPUs 0-0)"));
}

TEST_CASE("info softirqs: TASKLET pending after the handler raised it") {
    auto r = transcript("bh-tasklet-split", "break irq 17\ncontinue\nnext\ninfo softirqs\n");
    CHECK(has(output_of(r.out, 3), "TASKLET"));
}

TEST_CASE("info tasklets: the running tasklet with TASKLET_STATE_RUN") {
    auto r = transcript("bh-tasklet-split", "break tasklet irqgen_bh\ncontinue\ninfo tasklets\n");
    CHECK(has(output_of(r.out, 2), "irqgen_bh"));
    CHECK(has(output_of(r.out, 2), "RUN"));
}

TEST_CASE("info workqueues: pools, workers and the work running") {
    auto r = transcript("bh-work-concurrency", "break work irqgen_work\ncontinue\ninfo workqueues\n");
    CHECK(has(output_of(r.out, 2), "kworker/"));
    CHECK(has(output_of(r.out, 2), "irqgen_work"));
}

TEST_CASE("info napi: the device's napi_struct") {
    auto r = transcript("net-rss", "break napi eth0\ncontinue\ninfo napi\n");
    CHECK(has(output_of(r.out, 2), "eth0"));
    CHECK(has(output_of(r.out, 2), "NAPI_STATE_"));
}

TEST_CASE("info devices: every device with its state") {
    auto r = transcript("kbd-blocked-reader", "until 20ms\ninfo devices\n");
    CHECK(has(output_of(r.out, 1), "i8042"));
}

TEST_CASE("info tasks: the processes and kernel threads, like ps") {
    auto r = transcript("kbd-blocked-reader", "until 5ms\ninfo tasks\n");
    CHECK(has(output_of(r.out, 1), "reader"));
    CHECK(has(output_of(r.out, 1), "ksoftirqd/0"));
}

TEST_CASE("info: a unique prefix names its topic; an unknown one names the nearest, an ambiguous one its candidates") {
    auto r = transcript("bh-tasklet-split", "info tasklet\ninfo irq\ninfo cpuz\ninfo t\n");
    // Unique prefixes: info tasklets, info irqs.
    CHECK(has(output_of(r.out, 0), "no tasklet is scheduled or running"));
    CHECK(has(output_of(r.out, 1), "no interrupt has an action or a count yet"));
    CHECK(has(output_of(r.out, 2), "no \"info cpuz\" (did you mean 'info cpus'?)"));
    CHECK(has(output_of(r.out, 3), "ambiguous \"info t\": tasklets tasks"));
}

TEST_CASE("bt: a CPU's context stack, outermost first") {
    auto r = transcript("bh-tasklet-split", "break irq 17\ncontinue\nbt\nbt 0\nbt 1\n");
    CHECK(has(output_of(r.out, 2), "irq 17"));
    CHECK(output_of(r.out, 2) == output_of(r.out, 3));
    CHECK(has(output_of(r.out, 4), "no CPU 1"));
}

TEST_CASE("cat: a simulated /proc file, as Linux prints it") {
    auto r = transcript("bh-tasklet-split", "until 5ms\ncat /proc/interrupts\ncat /proc/softirqs\ncat /proc/interupts\n");
    CHECK(has(output_of(r.out, 1), "IO-APIC  17-fasteoi   irqgen.0"));
    CHECK(has(output_of(r.out, 2), "TASKLET:"));
    CHECK(has(output_of(r.out, 3), "cat: /proc/interupts: No such file or directory (did you mean '/proc/interrupts'?)"));
}

TEST_CASE("dmesg: the kernel log so far") {
    auto r = transcript("bh-tasklet-split", "until 1ms\ndmesg\n");
    CHECK(has(output_of(r.out, 1), "irqgen irqgen.0: irq 17 tasklet"));
}

TEST_CASE("why: the chain of causes from the line to the tasklet") {
    auto r = transcript("bh-tasklet-split", "break tasklet irqgen_bh\ncontinue\nwhy\n");
    std::string why = output_of(r.out, 2);
    CHECK(has(why, "The chain of causes of #"));
    std::size_t line = why.find("irqlab_line"), handler = why.find("irq_handler_entry"), raise = why.find("softirq_raise"),
                tasklet = why.find("tasklet_entry");
    CHECK(line != std::string::npos);
    CHECK(line < handler);
    CHECK(handler < tasklet);
    CHECK(raise != std::string::npos);
}

TEST_CASE("why: a reader's wake-up goes back through the tasklet, the softirq and the handler to the key's edge") {
    auto r = transcript("kbd-blocked-reader", "break tasklet kbd_bh\ncontinue\nstep 5\nwhy\n");
    std::string why = output_of(r.out, 3);
    std::vector<std::string> chain = {"irqlab_line: dev=i8042.0 line=gsi1 edge", "irq_handler_entry: irq=1 name=i8042",
                                      "softirq_raise: vec=6", "softirq_entry: vec=6", "tasklet_entry:", "sched_wakeup: comm=reader",
                                      "sched_switch:"};
    std::size_t at = 0;
    for (const std::string& link : chain) {
        INFO(link);
        at = why.find(link, at);
        CHECK(at != std::string::npos);
    }
}

TEST_CASE("inject: an interrupt from the device, then continue handles it") {
    auto r = transcript("bh-tasklet-split", "until 1500us\ninject irqgen.0 irq\nbreak irq 17\ncontinue\ninfo inputs\n");
    CHECK(has(output_of(r.out, 1), "Injected irq into irqgen.0 at 1.5ms"));
    CHECK(has(output_of(r.out, 3), "Breakpoint 1, irq 17"));
    CHECK(!has(output_of(r.out, 3), " 0.002000: "));  // before the scenario's own second interrupt
    CHECK(has(output_of(r.out, 4), "1.5ms (after #"));
}

TEST_CASE("inject: keys typed on the keyboard reach its tasklet before the scenario's own") {
    auto r = transcript("kbd-blocked-reader", "until 5ms\ninject i8042.0 keys x\nbreak tasklet kbd_bh\ncontinue\nnext\ndmesg\n");
    CHECK(r.code == 0);
    CHECK(has(output_of(r.out, 3), " 0.006002: tasklet_entry:"));  // the scenario types from 10ms
    CHECK(has(output_of(r.out, 5), "evbug: Event. Dev: input0, Type: 1, Code: 45, Value: 1"));  // KEY_X
}

TEST_CASE("inject: bytes on the UART's wire, echoed by the process") {
    auto r = transcript("live-uart-echo", "until 1ms\ninject uart16550.0 bytes \"ping\\n\"\nuntil 4ms\ninfo devices\n");
    CHECK(r.code == 0);
    // The scenario's own "hello\n" (6) and the 5 injected, each received and sent back.
    CHECK(has(output_of(r.out, 3), "rx_bytes 11, tx_bytes 11"));
}

TEST_CASE("inject: frames on the NIC's wire are received and delivered") {
    auto r = transcript("net-livelock-light-load", "until 100us\ninject e1000.0 frames 5\nuntil 200us\ninfo devices\n");
    CHECK(r.code == 0);
    CHECK(has(output_of(r.out, 3), "rx_packets 5, rx_delivered 5, rx_missed 0"));  // the scenario's own start later
}

TEST_CASE("inject: an unknown device or input says so") {
    auto r = transcript("bh-tasklet-split", "inject irqgen.9 irq\ninject irqgen.0 keys abc\ninject\n");
    CHECK(r.code == 1);
    CHECK(has(output_of(r.out, 0), "no device 'irqgen.9' (did you mean 'irqgen.0'?)"));
    CHECK(has(output_of(r.out, 1), "irqgen.0"));
    CHECK(has(output_of(r.out, 2), "usage: inject DEVICE INPUT [ARG]"));
}

TEST_CASE("fault: a level line stuck high storms its irq until it is released") {
    auto r = transcript("bh-tasklet-split",
                        "until 500us\nfault gsi17 stuck on\nuntil 900us\ncat /proc/interrupts\nfault gsi17 stuck off\n"
                        "until 990us\ncat /proc/interrupts\n");
    CHECK(r.code == 0);
    CHECK(has(output_of(r.out, 1), "Fault on gsi17: stuck on, from 500us."));
    // Nothing of the device's own is due before 1ms: every one of these is the stuck line.
    auto count = [](const std::string& proc) { return std::stoul(proc.substr(proc.find(" 17:") + 4)); };
    unsigned long stuck = count(output_of(r.out, 3)), after = count(output_of(r.out, 6));
    CHECK(stuck > 100);
    CHECK(after - stuck <= 1);  // released: at most the one in flight
}

TEST_CASE("fault: a spurious edge, and the faults each line cannot have") {
    auto r = transcript("kbd-blocked-reader",
                        "until 5ms\nfault gsi1 spurious\nbreak irq 1\ncontinue\nfault gsi17 lose_edges 0.5\nfault gsi1 lose_edges 2\n"
                        "fault gsi99 stuck on\nfault gsi1 stuk on\nfault\n");
    CHECK(r.code == 1);
    CHECK(has(output_of(r.out, 3), "Breakpoint 1, irq 1"));
    CHECK(has(output_of(r.out, 3), " 0.005000: irq_handler_entry: irq=1 name=i8042"));  // the spurious edge, not a key at 10ms
    CHECK(has(output_of(r.out, 4), "lose_edges: gsi17 is level-triggered; only an edge line (1-15) has lose_edges"));
    CHECK(has(output_of(r.out, 5), "fault gsi1 lose_edges takes a probability from 0 to 1"));
    CHECK(has(output_of(r.out, 6), "no line gsi99 (the IO-APIC has gsi0-gsi23)"));
    CHECK(has(output_of(r.out, 7), "no line fault 'stuk' (did you mean 'stuck'?)"));
    CHECK(has(output_of(r.out, 8), "usage: fault gsiN"));
}

TEST_CASE("reverse-step: back to the same record and state") {
    auto r = transcript("bh-tasklet-split", "step 60\ninfo cpus\nstep 50\nreverse-step 50\ninfo cpus\nrs\n");
    CHECK(r.code == 0);
    CHECK(output_of(r.out, 0) == output_of(r.out, 3));
    CHECK(output_of(r.out, 1) == output_of(r.out, 4));
    unsigned long a = std::stoul(output_of(r.out, 3).substr(1)), b = std::stoul(output_of(r.out, 5).substr(1));
    CHECK(b + 1 == a);
}

TEST_CASE("reverse-continue: back to the previous breakpoint hit") {
    auto r = transcript("bh-tasklet-split", "break tasklet irqgen_bh\ncontinue\ncontinue\nreverse-continue\nrc\n");
    CHECK(output_of(r.out, 1) == output_of(r.out, 3));
    CHECK(has(output_of(r.out, 4), "No breakpoint was hit before this point."));
    CHECK(has(output_of(r.out, 4), "At the start of the run (0ns)."));
}

TEST_CASE("timeline: a lane per CPU over the window, fitted to the width") {
    auto r = transcript("bh-tasklet-split", "until 3ms\ntimeline\ntimeline 900us 1400us\ntimeline 5ms 6ms\n", "--width 100");
    std::string all = output_of(r.out, 1), window = output_of(r.out, 2);
    CHECK(has(all, "CPU0"));
    CHECK(has(window, "CPU0"));
    std::size_t start = 0;
    while (start < all.size()) {
        std::size_t end = all.find('\n', start);
        CHECK(end - start <= 100);
        start = end + 1;
    }
    CHECK(has(output_of(r.out, 3), "nothing to draw"));
    CHECK(r.out.find("\033[") == std::string::npos);  // no colours into a file
}

TEST_CASE("where: the current time and record") {
    auto r = transcript("bh-tasklet-split", "where\nuntil 1ms\nwhere\n");
    CHECK(has(output_of(r.out, 0), "At 0ns of 20ms"));
    CHECK(has(output_of(r.out, 2), "At 1ms of 20ms"));
}

TEST_CASE("help: the list of commands, and one command's") {
    auto r = transcript("bh-tasklet-split", "help\nhelp reverse-step\n");
    for (const char* c : {"step", "next", "continue", "until", "run", "break", "delete", "info", "bt", "cat", "dmesg", "why",
                          "inject", "reverse-step", "reverse-continue", "timeline", "quit"})
        CHECK(has(output_of(r.out, 0), std::string("  ") + c));
    CHECK(has(output_of(r.out, 1), "go back N trace records"));
}

TEST_CASE("quit: the commands after it do not run") {
    auto r = transcript("bh-tasklet-split", "quit\nstep\n");
    CHECK(r.code == 0);
    CHECK(!has(r.out, "(irqlab) step"));
}

TEST_CASE("a typo names the nearest command; a unique prefix is the command") {
    auto r = transcript("bh-tasklet-split", "stpe\ncont\nre\n");
    CHECK(has(output_of(r.out, 0), "undefined command: \"stpe\" (did you mean 'step'?)"));
    CHECK(has(output_of(r.out, 1), "The run reached its end"));
    CHECK(has(output_of(r.out, 2), "ambiguous command \"re\": reverse-step reverse-continue"));
}

TEST_CASE("commands from a pipe give the same transcript as --commands") {
    std::string file = temp_path("pipe-cmds");
    std::ofstream(file) << "step 3\nbt\n";
    auto piped = irqlab_cli("step scenarios/bh-tasklet-split.yaml < " + file);
    auto scripted = irqlab_cli("step scenarios/bh-tasklet-split.yaml --commands " + file);
    std::remove(file.c_str());
    CHECK(piped.code == 0);
    CHECK(piped.out == scripted.out);
}

TEST_CASE("a bad scenario or a missing commands file exits 2") {
    auto r = irqlab_cli("step scenarios/nope.yaml --commands /dev/null");
    CHECK(r.code == 2);
    auto m = irqlab_cli("step scenarios/hello.yaml --commands /nonexistent/cmds");
    CHECK(m.code == 2);
    CHECK(has(m.err, "cannot read the commands in /nonexistent/cmds"));
}

TEST_CASE("the README's stepping transcript is what the stepper prints") {
    std::string readme = irqlab::test::slurp(IRQLAB_SOURCE_DIR "/README.md");
    const std::string head = "```text\n$ build/irqlab step scenarios/bh-tasklet-split.yaml\n";
    std::size_t at = readme.find(head);
    REQUIRE(at != std::string::npos);
    at += head.size();
    std::string shown = readme.substr(at, readme.find("```", at) - at);
    std::string commands;
    std::size_t start = 0;
    while (start < shown.size()) {
        std::size_t end = shown.find('\n', start);
        std::string line = shown.substr(start, end - start);
        if (line.starts_with("(irqlab) ")) commands += line.substr(9) + "\n";
        start = end + 1;
    }
    REQUIRE(!commands.empty());
    auto r = transcript("bh-tasklet-split", commands, "--width 90");
    CHECK(r.code == 0);
    CHECK(r.out.substr(r.out.find('\n') + 1) == shown);
}
