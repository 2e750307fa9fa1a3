#!/usr/bin/env bash
# tools/bench/run.sh: the benchmarks, as medians of repeated runs.
#   REPS (default 7) repetitions of each benchmark; prints the median lines.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/tools/build.sh" >/dev/null
reps=${REPS:-7}
echo "# irqlab benchmarks $(date -u +%FT%TZ) nproc=$(nproc) reps=$reps"
"$top/build/tools/bench/engine_bench" --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true --benchmark_format=console 2>/dev/null |
  awk '/_median/ {
         name=$1; sub(/_median$/, "", name)
         rate=""; for (i = 1; i <= NF; i++) if ($i ~ /items\/s$/) rate=$i
         if (rate == "" && $(NF) ~ /items\/s/) rate=$(NF)
         print name, $2, $3, rate
       }
       /items_per_second=/ { print }'
