#!/bin/sh
# Golden traces: a lesson's ftrace text and kernel log, compared with the committed ones.
#   check.sh IRQLAB SCENARIO GOLDEN_DIR            fails with a diff when they differ
#   check.sh IRQLAB SCENARIO GOLDEN_DIR --update   rewrites the golden files
# A trace keeps its first 2000 lines in full; the last line holds the length and checksum
# of the whole, so a change further on still fails (rerun the scenario to see it).
# Hashed pointers (%p: 00000000xxxxxxxx) and module-area addresses (ffffffffcxxxxxxx, where
# irqlab puts static and on-stack objects) are numbered in order of appearance: which
# objects are one is checked, not their values. An object on a task's stack is known by
# its host stack depth, which the compiler's frame layout decides, and the golden files
# must hold for every build (plain or profile-guided), as %p's values differ per boot in
# Linux. Heap addresses (ffff888...) are deterministic and stay as they are.
set -eu
irqlab=$1 scenario=$2 dir=$3 mode=${4:-check}
name=$(basename "$scenario" .yaml)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$irqlab" run -q "$scenario" --trace-text "$tmp/raw" --dmesg "$tmp/raw.dmesg" >/dev/null 2>&1 || true
canonical() {
  perl -pe 's/\b(?:0x)?(00000000[0-9a-f]{8}|ffffffffc[0-9a-f]{7})\b/$m{$1} \/\/= "<ptr" . ++$n . ">"/ge' "$1"
}
canonical "$tmp/raw" >"$tmp/full"
canonical "$tmp/raw.dmesg" >"$tmp/$name.dmesg"
{
  head -n 2000 "$tmp/full"
  echo "# golden: $(wc -l <"$tmp/full") lines in all, cksum $(cksum <"$tmp/full" | cut -d' ' -f1)"
} >"$tmp/$name.trace"
if [ "$mode" = --update ]; then
  cp "$tmp/$name.trace" "$tmp/$name.dmesg" "$dir/"
  exit 0
fi
status=0
for kind in trace dmesg; do
  if ! diff -u "$dir/$name.$kind" "$tmp/$name.$kind" >"$tmp/diff"; then
    echo "golden $kind of $name differs (tests/golden/check.sh ... --update accepts a deliberate change):"
    head -n 60 "$tmp/diff"
    status=1
  fi
done
exit $status
