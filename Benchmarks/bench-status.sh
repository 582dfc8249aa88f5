#!/usr/bin/env bash
# aaswift status against aa-status on this machine: the two run in turn (spawn-ab.c: A B A B
# ..., RUNS times each), median wall time per run with min and max, ratio of the medians.
# Where AppArmor is not enabled both tools stop early; the table then times --enabled and the
# plain report (which exits 1), plus our report on the fixture tree (no upstream counterpart).
set -uo pipefail
bin=${1:?usage: bench-status.sh path/to/aaswift}
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-1000}
upstream=$(command -v aa-status || echo /usr/sbin/aa-status)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/spawn-ab" "$here/spawn-ab.c" || { echo "bench-status: needs a C compiler (make bench-deps)"; exit 1; }
spawn_ab=$tmp/spawn-ab

# One row: "median (min-max)" in ms for each side, and aa-status's median over ours.
row() {
  local label=$1 n=$2; shift 2
  if [ -x "$upstream" ]; then
    "$spawn_ab" "$n" "$bin status $*" "$upstream $*" | paste -sd' ' | awk -v l="$label" '{
      printf "%-28s %8.3f (%.3f-%.3f) %8.3f (%.3f-%.3f) %6.2fx\n", l, $1/1e3, $2/1e3, $3/1e3, $4/1e3, $5/1e3, $6/1e3, $4/$1 }'
  else
    "$spawn_ab" "$n" "$bin status $*" | awk -v l="$label" '{ printf "%-28s %8.3f (%.3f-%.3f) %25s\n", l, $1/1e3, $2/1e3, $3/1e3, "-" }'
  fi
}

if "$upstream" --enabled 2>/dev/null; then state="enabled"; else state="not enabled"; fi
echo "AppArmor on this machine: $state; $runs runs each, in turn; ms per run, median (min-max)"
printf "%-28s %22s %22s %7s\n" "case" "aaswift" "aa-status" "ratio"
row "--enabled" "$runs" --enabled
row "(no option)" "$runs"
row "--json" "$runs" --json
row "--profiled" "$runs" --profiled
fixture="$here/../Tests/SystemAppArmorTests/Fixtures/mixed"
if [ -d "$fixture" ]; then
  "$spawn_ab" "$runs" "$bin status --root $fixture --pretty-json" | awk '{
    printf "%-28s %8.3f (%.3f-%.3f) %22s %7s\n", "fixture tree, --pretty-json", $1/1e3, $2/1e3, $3/1e3, "-", "-" }'
fi

# A big synthetic system (old /proc layout, so that both tools, through libapparmor, read
# attr/current): PROFILES profiles, PROCS processes, mounted over /sys and /proc in a private
# mount namespace (needs root or CAP_SYS_ADMIN). Both tools then run on the "live" system,
# both through libapparmor's aa_getprocattr.
profiles=${PROFILES:-2000}
procs=${PROCS:-3000}
big=$(mktemp -d)
trap 'rm -rf "$big" "$tmp" 2>/dev/null' EXIT
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
export big bin upstream runs spawn_ab
if unshare -m --propagation private true 2>/dev/null; then
  unshare -m --propagation private bash -c '
    # /proc/self stays the real one: the Swift runtime finds its arguments through /proc/self/maps.
    mkdir -p "$big/realproc" && mount --bind /proc "$big/realproc" && ln -s "$big/realproc/self" "$big/proc/self" &&
      mount --bind "$big/sys/module" /sys/module && mount --bind "$big/sys/kernel/security" /sys/kernel/security &&
      mount --bind "$big/proc" /proc || exit 1
    for args in "" "--json" "--profiled"; do
      out=$("$bin" status $args 2>&1)
      case "$out" in OVERVIEW*|"") echo "aaswift did not run the report here"; exit 1 ;; esac
      if [ "$args" = --profiled ] && [ "$out" != "$("$upstream" --profiled)" ]; then echo "the counts differ"; exit 1; fi
      "$spawn_ab" $((runs / 50 + 1)) "$bin status $args" "$upstream $args" | paste -sd" " | awk -v l="big system ${args:-(no option)}" "{
        printf \"%-28s %8.2f (%.2f-%.2f) %8.2f (%.2f-%.2f) %6.2fx\\n\", l, \$1/1e3, \$2/1e3, \$3/1e3, \$4/1e3, \$5/1e3, \$6/1e3, \$4/\$1 }"
    done' || echo "(big synthetic system: mounting not allowed here, skipped)"
fi
