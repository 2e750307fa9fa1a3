#!/usr/bin/env bash
# tools/bench/run.sh: the benchmarks, as medians of repeated runs, and the engine's speed
# as a ratio to a bare binary-heap loop measured in the same run (wall-clock figures on a
# shared machine drift; the ratio does not).
#   REPS (default 7) repetitions of each benchmark.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/tools/build.sh" >/dev/null
reps=${REPS:-7}
echo "# irqlab benchmarks $(date -u +%FT%TZ) nproc=$(nproc) reps=$reps"
"$top/build/tools/bench/engine_bench" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=json 2>/dev/null | python3 "$top/tools/bench/report.py"
echo; "$top/tools/bench/pingpong.sh"
