#!/usr/bin/env bash
# tools/pgo-train.sh IRQLAB: the training run of the profile-guided build (tools/build.sh
# calls it with an instrumented binary). It runs what users run: the pingpong-irq
# benchmark with and without the cost model's overheads, every lesson in scenarios/, and
# the trace writers on one lesson. Exit codes are ignored: lessons about bugs exit 1 by
# design, and the counters are all that matters here.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
irqlab=${1:?usage: tools/pgo-train.sh path/to/instrumented/irqlab}
bench="$top/tools/bench/pingpong-irq.yaml"
bare='machine.costs={irq_entry: 0ns, irq_exit: 0ns, mmio_read: 0ns, mmio_write: 0ns, softirq_entry: 0ns, api_call: 0ns, apic_delivery: 0ns}'
quiet() { timeout 120 "$irqlab" "$@" </dev/null >/dev/null 2>&1; }

quiet run -q "$bench" --set run.until=200ms --set 'expect.latency={}' --set "$bare"
quiet run -q "$bench" --set run.until=100ms --set 'expect.latency={}'
for s in "$top"/scenarios/*.yaml; do quiet run -q "$s"; done
lesson="$top/scenarios/bh-tasklet-split.yaml"
quiet run -q "$lesson" --trace-text /dev/null
quiet run -q "$lesson" --trace-json /dev/null
quiet run -q "$lesson" --timeline
exit 0
