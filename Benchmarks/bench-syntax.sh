#!/usr/bin/env bash
# Parse speed: `aaswift parse --emit source` (the whole lossless tree, printed back) over each
# corpus, side by side in one run with the upstream Python tools' parser
# (apparmor.aa.parse_profile_data) on the same files. Whole processes, wall time.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
conf=${AASWIFT_CONFORMANCE:-$here/../../shared/conformance}
gen=$here/../.build/conformance-generated
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }

printf '%-26s %7s %9s %10s %10s %8s  %s\n' corpus files bytes aaswift python ratio "aaswift MB/s"
run() { # name profiledir list
  local name=$1 pdir=$2 list=$3
  local n bytes t0 t1 t2 t3 ours py
  n=$(wc -l < "$list"); bytes=$(xargs -d '\n' -a "$list" cat | wc -c)
  t0=$(now); "$bin" parse --emit source --files-from "$list" > "$tmp/out"; t1=$(now)
  xargs -d '\n' -a "$list" cat | cmp -s - "$tmp/out" || { echo "$name: round trip differs"; exit 1; }
  t2=$(now); /usr/bin/python3 "$here/python_parse.py" "$pdir" < "$list" > /dev/null 2> "$tmp/py.err"; t3=$(now)
  ours=$(echo "$t1 - $t0" | bc -l); py=$(echo "$t3 - $t2" | bc -l)
  printf '%-26s %7d %9d %9.3fs %9.3fs %7.1fx  %.1f   (python: %s)\n' "$name" "$n" "$bytes" "$ours" "$py" \
    "$(echo "$py / $ours" | bc -l)" "$(echo "$bytes / $ours / 1000000" | bc -l)" "$(sed 's/python: //' "$tmp/py.err" | tail -1)"
}

find "$conf/profiles-apparmor.d" -type f -not -path '*/abi/*' | sort > "$tmp/profiles"
run "profiles-apparmor.d" "$conf/profiles-apparmor.d" "$tmp/profiles"
if [ -d /etc/apparmor.d ]; then
  find /etc/apparmor.d -type f -not -path '*/abi/*' | sort > "$tmp/etc"
  run "/etc/apparmor.d" /etc/apparmor.d "$tmp/etc"
fi
find "$conf/parser-simple_tests" -type f -name '*.sd' | sort > "$tmp/simple"
run "simple_tests (in tree)" "$conf/parser-simple_tests" "$tmp/simple"
if [ -d "$gen" ]; then
  find "$gen" -type f -name '*.sd' | sort > "$tmp/gen"
  run "simple_tests (generated)" "$conf/parser-simple_tests" "$tmp/gen"
fi
# One large file: pure parse throughput, start-up amortised.
for i in $(seq 40); do xargs -d '\n' -a "$tmp/profiles" cat; done > "$tmp/big.aa"
t0=$(now); "$bin" parse --emit source "$tmp/big.aa" > /dev/null; t1=$(now)
printf 'one %d-byte file: %.1f MB/s\n' "$(wc -c < "$tmp/big.aa")" "$(echo "$(wc -c < "$tmp/big.aa") / ($t1 - $t0) / 1000000" | bc -l)"
