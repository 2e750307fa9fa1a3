#!/usr/bin/env bash
# Live mode from the outside: irqlab run with --uart on a loopback port, --keyboard on a
# pipe, --record-inputs / --replay-inputs, Ctrl-C. Each case runs a few seconds at most.
#   live_check.sh IRQLAB SOURCE_DIR CASE     exit 0 ok, 1 a failure
# CASE: echo, reconnect, port-in-use, options, keyboard, replay, interrupt.
set -u
irqlab=$1
src=$2
case=$3
echo_lesson=$src/scenarios/live-uart-echo.yaml
kbd=$src/tests/tools/data/live/kbd-reader.yaml
# The echo lesson without its own bytes on the wire: only the client's arrive.
quiet_wire=(--set 'workload=[]' --set 'expect={bugs: []}')

tmp=$(mktemp -d /tmp/irqlab-live.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  exec 3>&- 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# start_uart LOG ARGS...: irqlab run in the background with --uart uart16550.0=tcp:0 (any
# free port) and ARGS; sets pid and port (the one it printed it listens on).
start_uart() {
  local log=$1 i
  shift
  timeout 20 "$irqlab" run -q "$echo_lesson" --uart uart16550.0=tcp:0 "$@" 2>"$log" &
  pid=$!
  port=
  for i in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "FAIL: irqlab did not say which port it listens on:"; cat "$log"
  exit 1
}

# finish: waits for the background run; its exit code in $code.
finish() {
  wait "$pid"
  code=$?
  pid=
}

# ask TEXT: sends TEXT on fd 3 and reads as many bytes back (5 s at most).
ask() {
  printf '%s' "$1" >&3
  got=$(timeout 5 head -c "${#1}" <&3; echo .)  # the dot keeps a trailing newline
  got=${got%.}
  [ "$got" = "$1" ] || fail "sent '$1', got back '$got'"
}

case $case in
echo)
  # Bytes from the socket reach the RX FIFO at the line's rate, the echo process reads and
  # writes them back, the transmitter's bytes go out on the socket.
  start_uart "$tmp/err" "${quiet_wire[@]}" --set run.until=1500ms --set 'expect.reads={echo: "ping\npong"}'
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  ask $'ping\n'
  ask 'pong'
  exec 3>&-
  finish
  [ "$code" -eq 0 ] || { fail "irqlab exited $code"; cat "$tmp/err"; }
  grep -q "uart16550.0: connected on 127.0.0.1:$port" "$tmp/err" || fail "no 'connected' message"
  ;;
reconnect)
  # A client that goes is said on stderr; the listener takes the next one; no crash.
  start_uart "$tmp/err" "${quiet_wire[@]}" --set run.until=2s
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  ask 'one'
  exec 3>&-
  for i in $(seq 40); do grep -q "closed" "$tmp/err" && break; sleep 0.05; done
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  ask 'two'
  exec 3>&-
  finish
  [ "$code" -eq 0 ] || fail "irqlab exited $code"
  n=$(grep -c "irqlab: uart16550.0: the connection on 127.0.0.1:$port closed" "$tmp/err")
  [ "$n" -eq 2 ] || fail "expected two 'connection ... closed' messages, got $n"
  [ "$status" -eq 0 ] || cat "$tmp/err"
  ;;
port-in-use)
  # A second run on a port the first one holds stops before it starts: exit 2, the message.
  start_uart "$tmp/err" --set run.until=1500ms
  timeout 20 "$irqlab" run -q "$echo_lesson" --uart "uart16550.0=tcp:$port" 2>"$tmp/err2"
  code2=$?
  [ "$code2" -eq 2 ] || fail "the second run exited $code2, not 2"
  want="irqlab: --uart uart16550.0=tcp:$port: 127.0.0.1:$port is in use"
  grep -qxF "$want" "$tmp/err2" || { fail "expected '$want'; stderr:"; cat "$tmp/err2"; }
  finish
  [ "$code" -eq 0 ] || fail "the first run exited $code"
  ;;
options)
  # Each bad option exits 2 with its message, before anything runs.
  check_option() {
    local want=$1 out code
    shift
    out=$(timeout 20 "$irqlab" run -q "$@" 2>&1)
    code=$?
    [ "$code" -eq 2 ] || fail "$* exited $code, not 2"
    [ "$out" = "$want" ] || fail "$*: expected '$want', got '$out'"
  }
  check_option "irqlab: --uart uart16550.0=udp:5555: expected NAME=tcp:PORT, like uart16550.0=tcp:5555" \
    "$echo_lesson" --uart uart16550.0=udp:5555
  check_option "irqlab: --uart uart16550.0=tcp:http: the port is a number from 1 to 65535 (0: any free one)" \
    "$echo_lesson" --uart uart16550.0=tcp:http
  check_option "irqlab: --uart uart16550.1=tcp:5555: no device 'uart16550.1' (did you mean 'uart16550.0'?)" \
    "$echo_lesson" --uart uart16550.1=tcp:5555
  check_option "irqlab: --uart irqgen.0=tcp:5555: irqgen.0 is of type irqgen, not uart16550" \
    "$src/scenarios/uart-trigger-level.yaml" --uart irqgen.0=tcp:5555
  check_option "irqlab: --keyboard i8042.0=stdin: no device 'i8042.0' (the scenario has no i8042)" \
    "$echo_lesson" --keyboard i8042.0=stdin
  check_option "irqlab: --keyboard i8042.0=/dev/tty: expected NAME=stdin, like i8042.0=stdin" \
    "$kbd" --keyboard i8042.0=/dev/tty
  check_option "irqlab: --realtime -5: SCALE is a positive number (1: real time; 1000: 1 ms simulated per second)" \
    "$kbd" --realtime -5
  ;;
keyboard)
  # Standard input, a pipe here, is typed on the keyboard: the reader reads "abc" (the
  # lesson expects it, so the run's exit code says).
  (sleep 0.2; printf 'abc') | timeout 20 "$irqlab" run "$kbd" --keyboard i8042.0=stdin --realtime 10 \
    >"$tmp/out" 2>"$tmp/err"
  code=$?
  [ "$code" -eq 0 ] || { fail "irqlab exited $code"; cat "$tmp/out" "$tmp/err"; }
  grep -q 'reader /dev/kbd: 3 reads, 3 bytes "abc"' "$tmp/out" || { fail "the reader did not read abc"; cat "$tmp/out"; }
  ;;
replay)
  # A live run's journal, replayed without the clock, gives the same trace byte for byte.
  start_uart "$tmp/err" "${quiet_wire[@]}" --set run.until=1s --record-inputs "$tmp/journal" \
    --trace-text "$tmp/live.trace" --dmesg "$tmp/live.dmesg"
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  ask 'abc'
  sleep 0.1
  ask $'def\n'
  exec 3>&-
  finish
  [ "$code" -eq 0 ] || fail "the live run exited $code"
  grep -q ' uart16550.0 bytes "abc"$' "$tmp/journal" || { fail "the journal has no input"; cat "$tmp/journal"; }
  timeout 20 "$irqlab" run -q "$echo_lesson" "${quiet_wire[@]}" --set run.until=1s --replay-inputs "$tmp/journal" \
    --trace-text "$tmp/replay.trace" --dmesg "$tmp/replay.dmesg"
  code=$?
  [ "$code" -eq 0 ] || fail "the replay exited $code"
  cmp "$tmp/live.trace" "$tmp/replay.trace" || fail "the replayed trace differs from the live one"
  cmp "$tmp/live.dmesg" "$tmp/replay.dmesg" || fail "the replayed kernel log differs from the live one"
  grep -q "irq_handler_entry: irq=4" "$tmp/replay.trace" || fail "the trace shows no UART interrupt"
  ;;
interrupt)
  # Ctrl-C (SIGINT) ends a realtime run cleanly: exit 130, the outputs written to where it
  # stopped, the journal ended there, and its replay stops there with the same trace.
  printf 'hello' | timeout 20 "$irqlab" run -q "$kbd" --keyboard i8042.0=stdin --realtime 10 --set run.until=10s \
    --record-inputs "$tmp/journal" --trace-text "$tmp/live.trace" 2>"$tmp/err" &
  pid=$!
  sleep 1
  kill -INT "$pid"
  finish
  [ "$code" -eq 130 ] || { fail "irqlab exited $code, not 130"; cat "$tmp/err"; }
  grep -q "irqlab: interrupted at .* of 10s; the outputs end there" "$tmp/err" || fail "no 'interrupted' message"
  grep -q '^end [0-9]*$' "$tmp/journal" || fail "the journal has no end"
  timeout 20 "$irqlab" run -q "$kbd" --set run.until=10s --set 'expect.reads={reader: hello}' \
    --replay-inputs "$tmp/journal" --trace-text "$tmp/replay.trace" 2>"$tmp/err2"
  code=$?
  [ "$code" -eq 0 ] || { fail "the replay exited $code"; cat "$tmp/err2"; }
  cmp "$tmp/live.trace" "$tmp/replay.trace" || fail "the replayed trace differs from the live one"
  ;;
*)
  echo "live_check.sh: unknown case '$case'"
  exit 2
  ;;
esac
exit $status
