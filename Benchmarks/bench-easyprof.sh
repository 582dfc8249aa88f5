#!/usr/bin/env bash
# aaswift easyprof against aa-easyprof on the same templates (upstream's, read in place):
# wall time for N runs of each workload, and the ratio (upstream / aaswift).
set -euo pipefail
bin=${1:?usage: bench-easyprof.sh AASWIFT_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
conf=${AASWIFT_CONFORMANCE:-$here/../../shared/conformance}/utils-easyprof
n=${N:-20}
if ! command -v aa-easyprof >/dev/null; then echo "aa-easyprof not installed; skipping"; exit 0; fi
[ -d "$conf" ] || { echo "no $conf; skipping"; exit 0; }
dirs=(--templates-dir "$conf/templates" --policy-groups-dir "$conf/policygroups" --no-verify)

ms() { date +%s%N; }
run() {  # run CMD... N times, print elapsed milliseconds
  local start end
  start=$(ms)
  for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1; done
  end=$(ms)
  echo $(((end - start) / 1000000))
}

printf '%-34s %12s %12s %8s\n' "workload ($n runs)" "aa-easyprof" "aaswift" "ratio"
bench() {
  local label=$1; shift
  local a b
  a=$(run aa-easyprof "${dirs[@]}" "$@")
  b=$(run "$bin" easyprof "${dirs[@]}" "$@")
  printf '%-34s %10sms %10sms %7.1fx\n' "$label" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print a / (b > 0 ? b : 1) }')"
}
bench "default template" /usr/bin/true
bench "groups, abstractions, paths" -p user-application,opt-application -a nameservice,base \
  --template-var '@{APPNAME}=x' --read-path /srv/x/ --write-path '@{HOME}/.x/*' /usr/bin/true
bench "json manifest output" --output-format json -a base -p opt-application /usr/bin/true
bench "list templates" --list-templates
