#!/usr/bin/env bash
# Policy loading: every profile of a policy tree with its includes resolved and variables
# expanded - `aaswift check --base TREE TREE` - side by side with the upstream Python tools
# loading the same tree as aa-logprof does at start-up (init_aa, then loadincludes() and
# read_profiles(), see python_load_policy.py). Whole processes, measured with hyperfine.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
conf=${AASWIFT_CONFORMANCE:-$here/../../shared/conformance}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v hyperfine > /dev/null || { echo "hyperfine is needed"; exit 1; }

printf '%-22s %6s %12s %12s %8s\n' tree files aaswift python ratio
run() { # name tree
  local name=$1 tree=$2 n ours py
  n=$(find "$tree" -type f -not -path '*/abi/*' | wc -l)
  # Both must load the tree without error for the comparison to mean anything.
  "$bin" check --base "$tree" "$tree" > /dev/null 2>&1 || echo "  ($name: aaswift reports errors)"
  /usr/bin/python3 "$here/python_load_policy.py" "$tree" > /dev/null 2> "$tmp/py.err" || { echo "  ($name: python fails: $(tail -1 "$tmp/py.err" | cut -c1-120))"; return; }
  hyperfine -N -w 5 -r 40 --export-json "$tmp/h.json" \
    "$bin check --base $tree $tree" "/usr/bin/python3 $here/python_load_policy.py $tree" > /dev/null 2>&1
  read -r ours py < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["mean"], r[1]["mean"])' "$tmp/h.json")
  printf '%-22s %6d %10.1fms %10.1fms %7.1fx\n' "$name" "$n" "$(echo "$ours * 1000" | bc -l)" "$(echo "$py * 1000" | bc -l)" "$(echo "$py / $ours" | bc -l)"
}

[ -d /etc/apparmor.d ] && run "/etc/apparmor.d" /etc/apparmor.d
run "profiles-apparmor.d" "$conf/profiles-apparmor.d"
