#!/bin/sh
# tests/tools/bad_scenario_check.sh IRQLAB FILE: `irqlab check FILE` must exit 2 and print
# "FILE:LINE:COL: message", with the location and message the file's first line gives
# ("# error: LINE:COL: message").
irqlab=$1 file=$2
want=$(sed -n '1s/^# error: //p' "$file")
[ -n "$want" ] || { echo "$file: no '# error:' line"; exit 1; }
got=$("$irqlab" check "$file" 2>&1 >/dev/null); code=$?
[ "$code" -eq 2 ] || { echo "exit $code, expected 2: $got"; exit 1; }
case "$got" in
  "$file:$want"*) echo "$got" ;;
  *) printf 'expected: %s:%s\n     got: %s\n' "$file" "$want" "$got"; exit 1 ;;
esac
