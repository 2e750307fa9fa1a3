#!/usr/bin/env bash
# tools/bench/pingpong.sh: the pingpong-irq workload (tools/bench/pingpong-irq.yaml) through
# the full kernel model, as interrupts simulated per wall second: the median of REPS runs
# (default 5), with tracing off and with --trace-text to /dev/null; then tracing off with
# the cost model's per-interrupt overheads at zero (entry, exit, MMIO, softirq dispatch,
# APIC delivery), so that the handler's 200ns is the only simulated cost, as in the peers'
# models: the same kernel code runs, on a machine where it takes no time. The peers'
# anchors are in ../shared/bench/peers/RESULTS.md (events/s there; 3 events per interrupt).
#   UNTIL (default 1s) shortens the simulated time; interrupts scale with it.
#   IRQLAB (default build/irqlab) is the binary measured.
#   PEER=path/to/systemc_model (from ../shared/bench/peers/build.sh) adds a last line: the
#   zero-overhead run alternated with the peer's SC_THREAD model, run for run, so that both
#   see the same machine, and the ratio of their medians (>= 1: irqlab is faster).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
irqlab=${IRQLAB:-$top/build/irqlab}
scenario="$top/tools/bench/pingpong-irq.yaml"
reps=${REPS:-5}
until=${UNTIL:-1s}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {  # prints wall seconds of one run
  local start end
  start=$(date +%s.%N)
  "$irqlab" run -q "$scenario" --set "run.until=$until" --set 'expect.latency={}' "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
irqs=$(awk -v u="$until" 'BEGIN { if (u ~ /ms$/) print int(u) * 1000; else if (u ~ /s$/) print int(u) * 1000000 }')
echo "# pingpong-irq: $irqs interrupts, 4 CPUs, median of $reps runs, $(date -u +%FT%TZ) nproc=$(nproc)"
bare='machine.costs={irq_entry: 0ns, irq_exit: 0ns, mmio_read: 0ns, mmio_write: 0ns, softirq_entry: 0ns, api_call: 0ns, apic_delivery: 0ns}'
for mode in off text bare; do
  args=()
  [[ $mode == text ]] && args=(--trace-text /dev/null)
  [[ $mode == bare ]] && args=(--set "$bare")
  s=$(for _ in $(seq "$reps"); do measure "${args[@]}"; done | median)
  label=$([[ $mode == bare ]] && echo "tracing off, no per-irq overhead costs" || echo "tracing $mode")
  printf "%-40s %8.3f s  %10.0f interrupts/s\n" "$label" "$s" "$(echo "$irqs / $s" | bc -l)"
done
if [[ -n ${PEER:-} ]]; then
  mine=() theirs=()
  for _ in $(seq "$reps"); do
    mine+=("$(measure --set "$bare")")
    start=$(date +%s.%N)
    SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$PEER" thread "$irqs" >/dev/null 2>&1
    theirs+=("$(echo "$(date +%s.%N) - $start" | bc -l)")
  done
  m=$(printf '%s\n' "${mine[@]}" | median)
  t=$(printf '%s\n' "${theirs[@]}" | median)
  printf "%-40s %8.3f s  vs %s SC_THREAD %.3f s: %.2fx its rate\n" "alternated with the peer" "$m" \
    "$(basename "$PEER")" "$t" "$(echo "$t / $m" | bc -l)"
fi
