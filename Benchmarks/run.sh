#!/usr/bin/env bash
# make bench: runs every Benchmarks/bench-*.sh with the release binary; each prints its own
# side-by-side table (aaswift against the upstream tools on the same work).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "${1:-$here/../.build/release/aaswift}")" && pwd)/$(basename "${1:-aaswift}")
export AASWIFT_BIN=$bin
status=0
for script in "$here"/bench-*.sh; do
  [ -e "$script" ] || continue
  echo "== $(basename "$script" .sh)"
  bash "$script" "$bin" || status=1
  echo
done
exit $status
