#!/usr/bin/env bash
# Packaging/startup-order.sh BINARY [OUT]: the functions aaswift runs when it starts its quickest
# commands, in the order callgrind first lists them, then the variables `status` touches (lackey,
# Packaging/startup-data-symbols.py), one linker symbol a line: the file `make release` gives lld
# (--symbol-ordering-file), which places those functions side by side at the start of .text and
# those variables' sections at the start of .data, .bss and .rodata. A short command then
# touches a few pages instead of one here and one there across 13 MB of code and 3 MB of data:
# `status --enabled` took 132 page faults, 92 with the function order alone, 81 with
# QuickArguments' lighter start, about 62 with the variables ordered too (aa-status, C: 50).
# BINARY must keep its symbols (`make startup-order` builds it so, then runs this). Needs
# valgrind and python3. Names the file does not find in a later build are skipped by the
# linker, so an old file costs only speed; regenerate it when start-up paths change.
set -euo pipefail
bin=${1:?usage: startup-order.sh UNSTRIPPED_AASWIFT [OUT]}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/startup-order.txt}
command -v valgrind >/dev/null || { echo "startup-order: needs valgrind" >&2; exit 1; }
command -v python3 >/dev/null || { echo "startup-order: needs python3" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Without its DWARF, callgrind reads the binary in a second instead of a minute.
objcopy --strip-debug "$bin" "$tmp/aaswift"
mkdir -p "$tmp/d"
printf 'profile p /usr/bin/p {\n  /etc/p r,\n}\n' > "$tmp/d/p"
n=0
run() {
  n=$((n + 1))
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/cg.$(printf %02d $n)" "$tmp/aaswift" "$@" >/dev/null 2>&1 || true
}
# The commands scripts run often and those measured whole-process against upstream's.
run status --enabled
run status
run status --json
run status --profiled
run --version
run check "$tmp/d/p"
run complain --dry-run --no-reload -d "$tmp/d" p
# Every function each run entered ("fn=(id) name"), run by run in the order above, each run's
# new names sorted (callgrind's own order varies); addresses without a name are left out.
for f in "$tmp"/cg.*; do
  sed -nE 's/^c?fn=\([0-9]+\) (.+)$/\1/p' "$f" | grep -v '^0x' | LC_ALL=C sort -u
done | awk '!seen[$0]++' > "$tmp/order"
[ -s "$tmp/order" ] || { echo "startup-order: callgrind listed no function" >&2; exit 1; }
# The variables: every load and store of the status runs (lackey traces each one; the other
# commands are measured against Python, whose start-up is far slower than ours).
m=0
for args in "status --enabled" "status" "status --json" "status --profiled"; do
  m=$((m + 1))
  # shellcheck disable=SC2086
  valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/lk.$m" "$tmp/aaswift" $args >/dev/null 2>&1 || true
done
python3 "$here/startup-data-symbols.py" "$tmp/aaswift" "$tmp"/lk.* > "$tmp/data"
[ -s "$tmp/data" ] || { echo "startup-order: lackey saw no variable" >&2; exit 1; }
awk '!seen[$0]++' "$tmp/order" "$tmp/data" > "$tmp/both" && mv "$tmp/both" "$tmp/order"
mv "$tmp/order" "$out"
echo "startup-order: $(wc -l < "$out") functions and variables in $out"
