#!/usr/bin/env bash
# complain --no-reload of one profile in a copy of Debian's /etc/apparmor.d, side by side with
# upstream's aa-complain --no-reload -d on another copy (hyperfine; the profile file is put
# back in enforce mode before every run, so each run really changes it).
set -euo pipefail
bin=${1:?usage: bench-modes.sh AASWIFT_BINARY}
src=${PROFILE_DIR:-/etc/apparmor.d}
command -v hyperfine >/dev/null || { echo "hyperfine not installed; skipping"; exit 0; }
command -v aa-complain >/dev/null || { echo "aa-complain not installed; skipping"; exit 0; }
[ -f "$src/usr.bin.man" ] || { echo "no $src/usr.bin.man; skipping"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/ours"; cp -r "$src" "$tmp/theirs"
cp "$src/usr.bin.man" "$tmp/usr.bin.man.orig"

stat() { # hyperfine JSON -> "median-wall-seconds cpu-seconds" of the first command
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], r["user"]+r["system"])' "$1"
}
bench() { # label, argument (relative to the copy, or absolute)
  local label=$1 arg=$2 a b
  local ours=$arg theirs=$arg
  case $arg in copy/*) ours=$tmp/ours/${arg#copy/}; theirs=$tmp/theirs/${arg#copy/} ;; esac
  hyperfine -N --style none --warmup 2 --runs "${RUNS:-20}" --export-json "$tmp/a.json" \
    --prepare "cp $tmp/usr.bin.man.orig $tmp/theirs/usr.bin.man" \
    "aa-complain --no-reload -d $tmp/theirs $theirs" >/dev/null
  hyperfine -N --style none --warmup 2 --runs "${RUNS:-20}" --export-json "$tmp/b.json" \
    --prepare "cp $tmp/usr.bin.man.orig $tmp/ours/usr.bin.man" \
    "$bin complain --no-reload -d $tmp/ours $ours" >/dev/null
  read -r a ac < <(stat "$tmp/a.json"); read -r b bc < <(stat "$tmp/b.json")
  awk -v l="$label" -v a="$a" -v b="$b" -v ac="$ac" -v bc="$bc" 'BEGIN {
    printf "%-34s %9.1fms %9.1fms %6.1fx   %8.1fms %8.1fms %6.1fx\n", l, a*1000, b*1000, a/b, ac*1000, bc*1000, ac/bc }'
}

printf '%-34s %11s %11s %7s   %10s %10s %7s\n' "complain --no-reload" "aa-complain" "aaswift" "ratio" "cpu: upstr" "aaswift" "ratio"
printf '%-34s %31s   %s\n' "" "(median wall time)" "(user+system time, mean)"
bench "profile file usr.bin.man" copy/usr.bin.man
bench "program /usr/bin/man (attachment)" /usr/bin/man
# Both tools must have made the same header change.
grep -q '^/usr/bin/man flags=(complain) {' "$tmp/ours/usr.bin.man" || { echo "aaswift did not set complain"; exit 1; }
