#!/usr/bin/env bash
# Packaging/startup-order.sh BINARY [OUT]: the functions aaswift runs when it starts its quickest
# commands, in the order callgrind first lists them, one linker symbol a line: the file `make
# release` gives lld (--symbol-ordering-file), which places those functions side by side at the
# start of .text. A short command then touches a few pages of code instead of one here and one
# there across 13 MB: `status --enabled` took 132 page faults, 92 with the order alone (81 with
# QuickArguments' lighter start; aa-status, C: 50).
# BINARY must keep its symbols (`make startup-order` builds it so, then runs this). Needs
# valgrind. Names the file does not find in a later build are skipped by the linker, so an old
# file costs only speed; regenerate it when start-up paths change.
set -euo pipefail
bin=${1:?usage: startup-order.sh UNSTRIPPED_AASWIFT [OUT]}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/startup-order.txt}
command -v valgrind >/dev/null || { echo "startup-order: needs valgrind" >&2; exit 1; }
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
mv "$tmp/order" "$out"
echo "startup-order: $(wc -l < "$out") functions in $out"
