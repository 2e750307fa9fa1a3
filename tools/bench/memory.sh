#!/usr/bin/env bash
# tools/bench/memory.sh: a long run's memory stays flat. The NAPI receive-livelock lesson
# (600,000 frames/s into an e1000, a process reading /dev/eth0) for 1 and 10 simulated
# seconds, writing every output (text and JSON traces, kernel log, stats) to files: the
# peak resident set of both runs, and their ratio. The outputs stream to disk, and what
# the run keeps (histograms, /proc counters, the printk ring, the reads' first 64 KiB)
# has a fixed size, so the ratio is about 1 however long the run.
#   tools/bench/memory.sh [IRQLAB]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
irqlab=${1:-$top/build/irqlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A rss
for until in 1s 10s; do
  outs=(--trace-text "$tmp/t.txt" --dmesg "$tmp/dmesg" --stats-json "$tmp/s.json")
  "$irqlab" run --help | grep -q -- --trace-json && outs+=(--trace-json "$tmp/t.json")
  /usr/bin/time -f "%M %e" -o "$tmp/time" "$irqlab" run -q "$top/scenarios/net-livelock-napi.yaml" \
    --set run.until=$until --set 'expect={}' "${outs[@]}"
  read -r kb secs <"$tmp/time"
  rss[$until]=$kb
  printf '%-4s simulated: peak RSS %6d KiB, %6.1f s wall, text trace %5d MiB' "$until" "$kb" "$secs" \
    $(( $(stat -c %s "$tmp/t.txt") >> 20 ))
  [[ -f $tmp/t.json ]] && printf ', JSON trace %5d MiB' $(( $(stat -c %s "$tmp/t.json") >> 20 ))
  echo
done
python3 -c "print(f'peak RSS ratio 10s/1s: {${rss[10s]} / ${rss[1s]}:.3f}')"
