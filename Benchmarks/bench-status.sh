#!/usr/bin/env bash
# aaswift status against aa-status on this machine: N runs of each, mean wall time per run.
# Where AppArmor is not enabled both tools stop early; the table then times --enabled and the
# plain report (which exits 1), plus our report on the fixture tree (no upstream counterpart).
set -uo pipefail
bin=${1:?usage: bench-status.sh path/to/aaswift}
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-200}
upstream=$(command -v aa-status || echo /usr/sbin/aa-status)

# mean milliseconds per run of a command line
time_ms() {
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v n="$runs" 'BEGIN { printf "%.3f", ns / n / 1e6 }'
}

row() {
  local label=$1; shift
  local ours theirs
  ours=$(time_ms "$bin" status "$@")
  if [ -x "$upstream" ]; then
    theirs=$(time_ms "$upstream" "$@")
    awk -v l="$label" -v a="$ours" -v b="$theirs" 'BEGIN { printf "%-28s %10s %10s %8.2fx\n", l, a, b, (a > 0 ? b / a : 0) }'
  else
    printf "%-28s %10s %10s %9s\n" "$label" "$ours" "-" "-"
  fi
}

if "$upstream" --enabled 2>/dev/null; then state="enabled"; else state="not enabled"; fi
echo "AppArmor on this machine: $state; $runs runs each; ms per run (ratio = aa-status / aaswift)"
printf "%-28s %10s %10s %9s\n" "case" "aaswift" "aa-status" "ratio"
row "--enabled" --enabled
row "(no option)"
row "--json" --json
row "--profiled" --profiled
fixture="$here/../Tests/SystemAppArmorTests/Fixtures/mixed"
if [ -d "$fixture" ]; then
  printf "%-28s %10s %10s %9s\n" "fixture tree, --pretty-json" "$(time_ms "$bin" status --root "$fixture" --pretty-json)" "-" "-"
fi
