#!/bin/sh
# scenarios/scenario.schema.json, checked by an independent validator (ajv-cli, installed by
# tools/build.sh into tests/js): it accepts every lesson and tests/tools/data/all-keys.yaml,
# and refuses each file in tests/tools/data/schema-bad with the error its "# ajv:" line
# names, so a schema that accepts everything cannot pass.
#   scenario_schema_check.sh SOURCE_DIR     exit 0 ok, 1 a mismatch, 77 no node or ajv (skip)
set -u
src=$1
schema=$src/scenarios/scenario.schema.json
ajv=$src/tests/js/node_modules/.bin/ajv
if ! command -v node >/dev/null 2>&1; then
  echo "skipped: node is not installed (tools/build.sh installs it)"
  exit 77
fi
if [ ! -x "$ajv" ]; then
  echo "skipped: no $ajv (tools/build.sh installs it: npm ci in tests/js)"
  exit 77
fi
# Strict (types and tuples too): a loose schema is an error, not a warning.
validate() { "$ajv" validate -s "$schema" --strict-types=true --strict-tuples=true --all-errors "$@" 2>&1; }
status=0
# Errors as JSON lines here: they name the key ("additionalProperty") that the text leaves out.
validate --errors=line -d "$src/scenarios/*.yaml" -d "$src/tests/tools/data/all-keys.yaml" || status=1
# One run for all the bad files; ajv prints "FILE invalid" and then a line of its errors.
out=$(validate --errors=text -d "$src/tests/tools/data/schema-bad/*.yaml")
for f in "$src"/tests/tools/data/schema-bad/*.yaml; do
  expected=$(sed -n 's/^# ajv: //p' "$f")
  errors=$(printf '%s\n' "$out" | grep -A1 -xF "$f invalid" | tail -n +2)
  if [ -z "$expected" ]; then
    echo "FAIL: $f has no '# ajv: ERROR' line"
    status=1
  elif [ -z "$errors" ]; then
    echo "FAIL: the schema accepts $f"
    status=1
  elif ! printf '%s\n' "$errors" | grep -qF -- "$expected"; then
    echo "FAIL: $f is refused, but not with '$expected': $errors"
    status=1
  fi
done
exit $status
