#!/usr/bin/env bash
# The stepper's real prompt, driven in a terminal by tmux: libedit's line editing (a typo
# fixed with the arrow keys and backspace), history (Up repeats a command), an empty line
# repeating the last command as in gdb, a breakpoint on a tasklet stopping with the CPU's
# context stack, the timeline drawn in colour on a terminal, and Ctrl-C stopping a long
# continue at the prompt.
#   step_tmux_check.sh IRQLAB SOURCE_DIR    exit 0 ok, 1 a mismatch, 77 no tmux
set -u
irqlab=$1
src=$2
if ! command -v tmux >/dev/null 2>&1; then
  echo "skipped: tmux is not installed (tools/build.sh installs it)"
  exit 77
fi
sock=irqlab-step-$$
session=step
tmux_() { tmux -L "$sock" "$@"; }
cleanup() { tmux_ kill-server 2>/dev/null; }
trap cleanup EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# The screen as text (and with its colour escapes, -e), joined lines.
screen() { tmux_ capture-pane -p -J -S -200 -t "$session" "$@"; }
# wait_for TEXT: until the screen shows it (5 s at most).
wait_for() {
  for _ in $(seq 100); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.05
  done
  fail "the screen never showed '$1'"
  screen | tail -20
  return 1
}
# The number of prompts on the screen, to wait for a command to finish.
prompts() { screen | grep -c '^(irqlab) '; }
send() {  # send KEYS... then wait for one more prompt
  local before
  before=$(prompts)
  tmux_ send-keys -t "$session" "$@"
  for _ in $(seq 200); do
    [ "$(prompts)" -gt "$before" ] && return 0
    sleep 0.05
  done
  fail "no prompt after sending $*"
  screen | tail -20
}

tmux_ -f /dev/null new-session -d -s "$session" -x 120 -y 50 \
  "cd '$src' && TERM=xterm-256color '$irqlab' step scenarios/bh-tasklet-split.yaml; sleep 30"
wait_for "(irqlab) " || exit 1

# Line editing: "brek", the cursor moved left once, "a" inserted: the command is "break"
# (which without an argument asks what to break on). Then "stpe" fixed with BSpace.
send "brek" Left "a" Enter
wait_for "break what? (irq N"
send "stpe" BSpace BSpace "ep 2" Enter
screen | grep -q '^(irqlab) step 2$' || fail "the edited line is not 'step 2'"

send "break tasklet irqgen_bh" Enter
wait_for "Breakpoint 1: tasklet irqgen_bh"
send "continue" Enter
wait_for "Breakpoint 1, tasklet irqgen_bh"
send "bt" Enter
wait_for "tasklet irqgen_bh"
screen | grep -qE "softirq +TASKLET" || fail "bt does not show softirq TASKLET"

# History: Up Up is "continue" again; an empty line repeats it once more.
send Up Up Enter
for _ in $(seq 100); do [ "$(screen | grep -c 'Breakpoint 1, tasklet irqgen_bh')" -ge 2 ] && break; sleep 0.05; done
[ "$(screen | grep -c 'Breakpoint 1, tasklet irqgen_bh')" -ge 2 ] || fail "Up Up Enter did not run continue again"
send Enter
for _ in $(seq 100); do [ "$(screen | grep -c 'Breakpoint 1, tasklet irqgen_bh')" -ge 3 ] && break; sleep 0.05; done
[ "$(screen | grep -c 'Breakpoint 1, tasklet irqgen_bh')" -ge 3 ] || fail "an empty line did not repeat continue"
screen | grep -q "0.003000: tasklet_entry\|0.00300[0-9]: tasklet_entry" || fail "the third stop is not the third interrupt's tasklet"

# On a terminal the timeline is in colour.
send "timeline" Enter
wait_for "CPU0"
screen -e | grep -q $'\033\[' || fail "the timeline on a terminal has no colour"

tmux_ send-keys -t "$session" "quit" Enter

# Ctrl-C during a long continue stops the run at the prompt, as in gdb; the session goes on.
session=long
tmux_ new-session -d -s "$session" -x 120 -y 50 \
  "cd '$src' && '$irqlab' step tools/bench/pingpong-irq.yaml; sleep 30"
wait_for "(irqlab) " || exit 1
tmux_ send-keys -t "$session" "continue" Enter
sleep 0.5
tmux_ send-keys -t "$session" C-c
wait_for "Interrupted at "
send "where" Enter
wait_for "of 1s, after trace record #"
screen | grep -q "The run reached its end" && fail "Ctrl-C did not stop the run before its end"
tmux_ send-keys -t "$session" "quit" Enter
[ $status -eq 0 ] && echo "ok: the prompt edits, recalls and repeats commands; the tasklet breakpoint shows its stack; Ctrl-C stops a continue"
exit $status
