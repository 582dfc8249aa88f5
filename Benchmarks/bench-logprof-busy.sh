#!/usr/bin/env bash
# logprof on a log shaped like a busy host's (Benchmarks/gen-busy-log.py: every line an AppArmor
# record in every format upstream's test_multi and ping log cover, ~70 profile names mostly
# absent from the folder, tens of thousands of distinct names), against a copy of Debian's
# /etc/apparmor.d.
# Timed on each side:
#   aaswift  `logprof --allow-all --allow-denied --dry-run` (most records are DENIED): the whole job (read, decide, propose every rule).
#   upstream aa-logprof --json (AppArmor-running check bypassed): from start until it sends its
#            FIRST rule prompt (it has read the log and the profiles by then); it is then killed.
# Median of RUNS runs (default 5) with min and max, and peak memory (max RSS) beside it.
# A second aaswift row runs ten times the log (1M lines) for linear growth and bounded memory.
set -euo pipefail
bin=${1:?usage: bench-logprof-busy.sh AASWIFT_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
conformance=${AASWIFT_CONFORMANCE:-$here/../../shared/conformance}
src=${PROFILE_DIR:-/etc/apparmor.d}
runs=${RUNS:-5}
py=/usr/bin/python3
for need in /usr/sbin/aa-logprof "$src/usr.bin.man" "$conformance/libapparmor-test_multi"; do
  [ -e "$need" ] || { echo "bench-logprof-busy: missing $need" >&2; exit 1; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/ours"; cp -r "$src" "$tmp/theirs"
extra=()
for f in "$here"/../Tests/Fixtures/vm-records/*.log; do [ -f "$f" ] && extra+=(--extra "$f"); done
$py "$here/gen-busy-log.py" --upstream-safe --lines 100000 "${extra[@]}" "$conformance" "$tmp/busy.log"
$py "$here/gen-busy-log.py" --upstream-safe --lines 1000000 "${extra[@]}" "$conformance" "$tmp/busy-1m.log"

cat > "$tmp/first-prompt.py" <<'PY'
# aa-logprof --json until its first rule prompt: prints `seconds maxrss_mb`.
import json, os, subprocess, sys, time
shim = ("import runpy, sys\nimport apparmor.aa as aa\naa.check_for_apparmor = lambda *a, **k: '/sys/kernel/security/apparmor'\n"
        "sys.argv = ['aa-logprof'] + sys.argv[1:]\nrunpy.run_path('/usr/sbin/aa-logprof', run_name='__main__')\n")
start = time.perf_counter()
p = subprocess.Popen(["/usr/bin/python3", "-c", shim, "--json", "-d", sys.argv[1], "-f", sys.argv[2]],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
elapsed, rss = None, 0.0
for line in p.stdout:
    if line.startswith("{") and json.loads(line).get("dialog") == "promptuser":
        elapsed = time.perf_counter() - start
        with open("/proc/%d/status" % p.pid) as f:
            for l in f:
                if l.startswith("VmHWM:"):
                    rss = int(l.split()[1]) / 1024.0
        break
p.kill(); p.wait()
if elapsed is None:
    sys.exit("aa-logprof sent no prompt")
print("%.4f %.1f" % (elapsed, rss))
PY
theirs_runs=()
for _ in $(seq "$runs"); do theirs_runs+=("$($py "$tmp/first-prompt.py" "$tmp/theirs" "$tmp/busy.log")"); done
theirs=$(printf '%s\n' "${theirs_runs[@]}" | sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
  END { printf "%.4f %.4f %.4f %.1f", t[int((NR + 1) / 2)], t[1], t[NR], m }')
ours=$($py "$here/measure.py" --runs "$runs" -- "$bin" logprof --allow-all --allow-denied --dry-run --no-reload -d "$tmp/ours" -f "$tmp/busy.log")
ours_1m=$($py "$here/measure.py" --runs 3 -- "$bin" logprof --allow-all --allow-denied --dry-run --no-reload -d "$tmp/ours" -f "$tmp/busy-1m.log")
MEASURE_OUT=$tmp/proposed $bin logprof --allow-all --allow-denied --dry-run --no-reload -d "$tmp/ours" -f "$tmp/busy.log" > "$tmp/proposed" || true

printf '%-52s %24s %8s %9s\n' "logprof, busy-host log (median of $runs; min-max)" "wall time" "ratio" "max RSS"
row() { # label "median min max rss" [base-median]
  awk -v label="$1" -v m="$2" -v base="${3:-}" 'BEGIN { split(m, v, " ")
    ratio = base == "" ? "" : sprintf("%.1fx", base / v[1])
    printf "%-52s %7.3fs (%.3f-%.3f) %8s %7.0f MB\n", label, v[1], v[2], v[3], ratio, v[4] }'
}
row "aa-logprof, 100k lines, to its first prompt" "$theirs"
row "aaswift logprof --allow-all --dry-run, 100k lines" "$ours" "$(echo "$theirs" | cut -d' ' -f1)"
row "aaswift logprof --allow-all --dry-run, 1M lines" "$ours_1m"
echo "(rules proposed by aaswift on the 100k log: $(grep -c '^Adding ' "$tmp/proposed" || true))"
