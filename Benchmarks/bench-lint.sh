#!/usr/bin/env bash
# Lint speed: `aaswift lint TREE` (every top-level profile loaded with its includes, every check,
# redundancy included) over a whole policy tree, whole process, wall time (median of runs, see
# measure.py). Beside it, for scale, two passes over the same tree that do other work:
# `aaswift check` (loading only: what lint adds is the rest) and `apparmor_parser -Q -K` (upstream's
# only whole-tree pass: it compiles every profile to its automaton, which lint does not, and it
# finds errors, not risks; there is no upstream linter to compare with).
# The target (issue #19): lint of Debian 12's /etc/apparmor.d under 100 ms.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-11}

printf '%-34s %6s %12s %12s %16s\n' tree files "aaswift lint" "aaswift check" "apparmor_parser -Q"
run() { # name tree [lint options]
  local name=$1 tree=$2; shift 2
  local n lint check parser
  n=$(find "$tree" -maxdepth 1 -type f | wc -l)
  # The run must work for the time to mean anything (1: findings, which is fine).
  "$bin" lint "$@" "$tree" > /dev/null 2>&1 || [ $? -eq 1 ] || { echo "  ($name: aaswift lint fails)"; return; }
  read -r lint _ < <(python3 "$here/measure.py" --runs "$runs" -- "$bin" lint "$@" "$tree")
  read -r check _ < <(python3 "$here/measure.py" --runs "$runs" -- "$bin" check "$@" --base "$tree" "$tree")
  parser=-
  if command -v apparmor_parser > /dev/null && [ "$*" = "" ]; then
    read -r parser _ < <(python3 "$here/measure.py" --runs 3 -- apparmor_parser -Q -K --base "$tree" "$tree")
    parser=$(printf '%.0fms' "$(echo "$parser * 1000" | bc -l)")
  fi
  printf '%-34s %6d %10.1fms %11.1fms %16s\n' "$name" "$n" "$(echo "$lint * 1000" | bc -l)" \
    "$(echo "$check * 1000" | bc -l)" "$parser"
}

[ -d /etc/apparmor.d ] && run "/etc/apparmor.d" /etc/apparmor.d
trixie=${AASWIFT_TRIXIE_ROOT:-/tmp/trixie-root}
[ -d "$trixie/etc/apparmor.d" ] && run "Debian 13 (--parser-version 4.1)" "$trixie/etc/apparmor.d" --parser-version 4.1
exit 0
