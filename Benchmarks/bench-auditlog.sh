#!/usr/bin/env bash
# bench-auditlog: `aaswift decode-log --format summary` over a 100k-line log made by cycling
# upstream's test_multi records (pids and paths varied), side by side with libapparmor's
# parse_record (a small C program built here) and upstream's Python ReadLog. Also peak memory
# (RSS, /usr/bin/time -v) of aaswift for 100k against 10k lines.
set -euo pipefail
bin=${1:?usage: bench-auditlog.sh AASWIFT_BIN}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${AASWIFT_CONFORMANCE:-$here/../../shared/conformance}/libapparmor-test_multi
lines=${BENCH_LINES:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One-line records only (testcase_dbus_09 spans two lines), cycled with varied pids and paths.
for f in "$corpus"/*.in; do
  [ "$(grep -c . "$f")" = 1 ] && grep . "$f"
done > "$tmp/records"
make_log() {
  awk -v n="$1" '{ rec[NR] = $0 } END {
    for (i = 0; i < n; i++) {
      line = rec[i % NR + 1]
      gsub(/ pid=[0-9]+/, " pid=" (1000 + i % 50000), line)
      sub(/name="\//, "name=\"/v" (i % 997) "/", line)
      print line
    } }' "$tmp/records" > "$2"
}
make_log "$lines" "$tmp/big.log"
make_log $((lines / 10)) "$tmp/small.log"

cat > "$tmp/parse.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <aalogparse/aalogparse.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "r");
    if (!f) return 2;
    char *line = NULL; size_t cap = 0; ssize_t n;
    long counts[8] = {0};
    while ((n = getline(&line, &cap, f)) > 0) {
        /* the same pre-filter as logprof and aaswift: only lines that can be AppArmor records */
        if (!strstr(line, "apparmor=") && !strstr(line, "operation=") && !strstr(line, "type=AVC"))
            continue;
        aa_log_record *r = parse_record(line);
        if (r) { counts[r->event & 7]++; free_record(r); }
    }
    printf("invalid=%ld allowed=%ld denied=%ld\n", counts[0], counts[3], counts[4]);
    return 0;
}
C
cc -O2 -o "$tmp/parse" "$tmp/parse.c" -lapparmor

cat > "$tmp/readlog.py" <<'PY'
import sys
from apparmor.logparser import ReadLog
from apparmor.profile_list import ProfileList
r = ReadLog(sys.argv[1], ProfileList(), '')
n = 0
with open(sys.argv[1]) as f:
    for line in f:
        if r.RE_LOG_ALL.search(line) and r.parse_event(line):
            n += 1
print("events=%d" % n)
PY

now() { date +%s.%N; }
# The best of three wall-clock runs (the machine is shared; the minimum is the least noisy).
timeit() {
  local best="" s e t k
  for k in 1 2 3; do
    s=$(now); "$@" > /dev/null; e=$(now)
    t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
timeonce() { local s e; s=$(now); "$@" > /dev/null; e=$(now); echo "$e - $s" | bc; }

t_swift=$(timeit "$bin" decode-log --format summary "$tmp/big.log")
t_c=$(timeit "$tmp/parse" "$tmp/big.log")
if /usr/bin/python3 -c 'import apparmor.logparser' 2>/dev/null; then
  t_py=$(timeonce /usr/bin/python3 "$tmp/readlog.py" "$tmp/big.log")
else
  t_py=""
fi

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }'; }
m_big=$(rss "$bin" decode-log --format summary "$tmp/big.log")
m_small=$(rss "$bin" decode-log --format summary "$tmp/small.log")

printf '%-44s %10s %10s\n' "decode-log --format summary, $lines lines" "seconds" "aaswift x"
printf '%-44s\n' "(best of 3 wall-clock runs; Python once)"
printf '%-44s %10.3f %10s\n' "aaswift decode-log" "$t_swift" "1.00"
printf '%-44s %10.3f %10.2f\n' "libapparmor parse_record (C, -O2)" "$t_c" "$(echo "$t_c / $t_swift" | bc -l)"
if [ -n "$t_py" ]; then
  printf '%-44s %10.3f %10.2f\n' "python3-apparmor ReadLog.parse_event" "$t_py" "$(echo "$t_py / $t_swift" | bc -l)"
fi
printf '\n%-44s %10s\n' "peak RSS of aaswift" "KiB"
printf '%-44s %10s\n' "$((lines / 10)) lines" "$m_small"
printf '%-44s %10s\n' "$lines lines" "$m_big"
printf '%-44s %10.2f (target <= 1.5)\n' "ratio" "$(echo "$m_big / $m_small" | bc -l)"
