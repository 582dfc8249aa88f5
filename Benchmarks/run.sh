#!/usr/bin/env bash
# make bench: runs every Benchmarks/bench-*.sh with the release binary; each prints its own
# side-by-side table (aaswift against the upstream tools on the same work).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
built=$(cd "$(dirname "${1:-$here/../.build/release/aaswift}")" && pwd)/$(basename "${1:-aaswift}")
# Every table times the binary as installed (`make install` and dpkg copy it): the linker's own
# output file is cached differently and starts with more page faults (status --enabled: 92
# instead of 81 here, a tenth of its time).
installed=$(mktemp -d)
trap 'rm -rf "$installed"' EXIT
install -m 755 "$built" "$installed/aaswift"
bin=$installed/aaswift
export AASWIFT_BIN=$bin
status=0
for script in "$here"/bench-*.sh; do
  [ -e "$script" ] || continue
  echo "== $(basename "$script" .sh)"
  bash "$script" "$bin" || status=1
  echo
done
exit $status
