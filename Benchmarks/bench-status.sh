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

# A big synthetic system (old /proc layout, so that both tools, through libapparmor, read
# attr/current): PROFILES profiles, PROCS processes, mounted over /sys and /proc in a private
# mount namespace (needs root or CAP_SYS_ADMIN). Both tools then run on the "live" system,
# both through libapparmor's aa_getprocattr.
profiles=${PROFILES:-2000}
procs=${PROCS:-3000}
big=$(mktemp -d)
trap 'rm -rf "$big" 2>/dev/null' EXIT
mkdir -p "$big/sys/module/apparmor/parameters" "$big/sys/kernel/security/apparmor" "$big/proc"
echo Y >"$big/sys/module/apparmor/parameters/enabled"
echo "securityfs /sys/kernel/security securityfs rw 0 0" >"$big/proc/mounts"
modes=(enforce complain kill unconfined enforce)
for ((i = 0; i < profiles; i++)); do echo "/usr/bin/prog$i (${modes[i % 5]})"; done >"$big/sys/kernel/security/apparmor/profiles"
for ((p = 100; p < 100 + procs; p++)); do
  mkdir -p "$big/proc/$p/attr"
  k=$((p % (profiles + 500)))
  if ((k < profiles)); then echo "/usr/bin/prog$k (${modes[k % 5]})"; else echo unconfined; fi >"$big/proc/$p/attr/current"
  ln -s "/usr/bin/prog$k" "$big/proc/$p/exe"
done
export big bin upstream runs
if unshare -m --propagation private true 2>/dev/null; then
  unshare -m --propagation private bash -c '
    # /proc/self stays the real one: the Swift runtime finds its arguments through /proc/self/maps.
    mkdir -p "$big/realproc" && mount --bind /proc "$big/realproc" && ln -s "$big/realproc/self" "$big/proc/self" &&
      mount --bind "$big/sys/module" /sys/module && mount --bind "$big/sys/kernel/security" /sys/kernel/security &&
      mount --bind "$big/proc" /proc || exit 1
    t() { local s e; s=$(date +%s%N); for ((i = 0; i < runs / 10 + 1; i++)); do "$@" >/dev/null 2>&1; done; e=$(date +%s%N)
          awk -v ns=$((e - s)) -v n=$((runs / 10 + 1)) "BEGIN { printf \"%.3f\", ns / n / 1e6 }"; }
    for args in "" "--json" "--profiled"; do
      out=$("$bin" status $args 2>&1)
      case "$out" in OVERVIEW*|"") echo "aaswift did not run the report here"; exit 1 ;; esac
      if [ "$args" = --profiled ] && [ "$out" != "$("$upstream" --profiled)" ]; then echo "the counts differ"; exit 1; fi
      a=$(t "$bin" status $args); b=$(t "$upstream" $args)
      awk -v l="big system ${args:-(no option)}" -v a="$a" -v b="$b" "BEGIN { printf \"%-28s %10s %10s %8.2fx\n\", l, a, b, b / a }"
    done' || echo "(big synthetic system: mounting not allowed here, skipped)"
fi
