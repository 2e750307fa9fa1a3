#!/bin/sh
# irqlab's Chrome/Perfetto JSON trace, checked by independent readers: ajv validates it
# against tests/js/trace.schema.json, and the Chrome DevTools trace engine (te-check.mjs)
# must read it without warnings, binding every slice and flow.
#   check-trace-json.sh IRQLAB SCENARIO MODEL [K=V...]  run SCENARIO (with --set K=V); the
#       engine's model must equal MODEL (UPDATE=1 rewrites MODEL: then check it by hand)
#   check-trace-json.sh IRQLAB DIR - [K=V...]           every DIR/*.yaml, with no model
# Exit 0 ok, 1 a failure, 77 no node or no tests/js/node_modules (ctest shows a skip).
set -u
irqlab=$1 scenario=$2 model=$3
shift 3
case $model in -|/*) ;; *) model=$PWD/$model ;; esac
js=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "skipped: node is not installed (tools/build.sh installs it)"
  exit 77
fi
if [ ! -d "$js/node_modules/@paulirish/trace_engine" ] || [ ! -x "$js/node_modules/.bin/ajv" ]; then
  echo "skipped: no trace engine or ajv in $js/node_modules (tools/build.sh runs npm ci there)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$#  # K=V ... -> --set K=V ...
while [ $n -gt 0 ]; do
  set -- "$@" --set "$1"
  shift
  n=$((n - 1))
done
if [ -d "$scenario" ]; then scenarios=$(ls "$scenario"/*.yaml); else scenarios=$scenario; fi
for f in $scenarios; do
  # A shortened lesson may miss its expectations (exit 1); only a bad run (2) fails here.
  "$irqlab" run -q "$f" "$@" --trace-json "$tmp/$(basename "$f" .yaml).json" >/dev/null 2>"$tmp/err"
  code=$?
  if [ $code -gt 1 ]; then
    echo "FAIL: irqlab run $f exited $code:"
    cat "$tmp/err"
    exit 1
  fi
done
"$js/node_modules/.bin/ajv" validate --spec=draft2020 -s "$js/trace.schema.json" --strict-types=true \
  --all-errors --errors=line -d "$tmp/*.json" || exit 1
cd "$js" || exit 1
if [ "$model" = - ]; then
  node te-check.mjs --each "$tmp"/*.json
elif [ "${UPDATE:-0}" = 1 ]; then
  node te-check.mjs "$tmp"/*.json "$model" --write && echo "wrote $model"
else
  node te-check.mjs "$tmp"/*.json "$model"
fi
