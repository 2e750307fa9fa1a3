#!/usr/bin/env bash
# tools/bench/livelock.sh: receive livelock (Mogul & Ramakrishnan, 1997) on irqlab's e1000.
# For each offered rate, one run per driver style of the net-livelock lessons' machine (one
# CPU; a process reading /dev/eth0 in a loop, 5us of work per packet; 64-byte frames at a
# constant rate for 50ms): the packets per second the process got, and the NIC's
# interrupts per second. --set cannot reach into the devices list, so each run is a small
# scenario written to a temporary directory with the rate and style filled in.
#   tools/bench/livelock.sh [IRQLAB] [RATE ...]
# IRQLAB defaults to build/irqlab; the rates (frames/s) to a sweep up to the line rate of
# 64-byte frames at 1 Gb/s (1488095/s).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
irqlab=${1:-$top/build/irqlab}
[[ $# -gt 0 ]] && shift
rates=("$@")
[[ ${#rates[@]} -eq 0 ]] && rates=(50000 100000 150000 200000 250000 300000 400000 500000 600000 800000 1000000 1488095)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
traffic_ms=50

# One run: prints "delivered_pps interrupts_per_s" for the given style and rate.
point() {
  local style=$1 rate=$2 out reads irqs
  cat >"$tmp/run.yaml" <<EOF
irqlab: 1
name: livelock-$style-$rate
machine: {cpus: 1}
devices:
  - {type: e1000, line: 18, rate: $rate, start: 1ms, style: $style}
processes:
  - name: server
    program:
      - open: {path: /dev/eth0, flags: rdonly}
      - repeat: {do: [{read: /dev/eth0}, {compute: 5us}]}
run: {until: $((traffic_ms + 1))ms}
EOF
  out=$("$irqlab" run "$tmp/run.yaml" || true)
  reads=$(sed -n 's|^  server /dev/eth0: \([0-9]*\) read.*|\1|p' <<<"$out")
  irqs=$(sed -n 's|^  IRQ 18 *\([0-9]*\) .*|\1|p' <<<"$out")
  echo "$(( ${reads:-0} * 1000 / traffic_ms )) $(( ${irqs:-0} * 1000 / traffic_ms ))"
}

echo "# receive livelock: 1 CPU, 64-byte frames, a reader spending 5us per packet, ${traffic_ms}ms per point"
printf '%12s %18s %14s %24s %20s\n' offered_pps napi_delivered_pps napi_irqs/s per_packet_delivered_pps per_packet_irqs/s
for rate in "${rates[@]}"; do
  read -r napi napi_irqs <<<"$(point napi "$rate")"
  read -r pp pp_irqs <<<"$(point per-packet "$rate")"
  printf '%12s %18s %14s %24s %20s\n' "$rate" "$napi" "$napi_irqs" "$pp" "$pp_irqs"
done
