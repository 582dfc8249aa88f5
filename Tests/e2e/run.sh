#!/usr/bin/env bash
# make e2e: runs every scenario in Tests/e2e/scenarios/ in a real AppArmor kernel under qemu
# (../shared/vm), one boot per scenario and suite, and closes with "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vm=${AASWIFT_VM:-$root/../shared/vm}
bin=${1:-}
work=$(mktemp -d /tmp/aaswift-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

if [ -z "$bin" ]; then
  echo "e2e: building aaswift (make release: fully static, as shipped)"
  make -C "$root" --no-print-directory release >&2 || { echo "0 passed, 1 failed"; exit 1; }
  bin=$root/.build/release/aaswift
fi
mkdir -p "$work/inject"
cp "$bin" "$work/inject/aaswift"
cc -static -O2 -o "$work/inject/prog" "$here/prog.c" || { echo "0 passed, 1 failed"; exit 1; }
cp "$here/lib.sh" "$work/inject/lib.sh"

passed=0; failed=0
# Every scenario runs on both guests: bookworm (Debian 12: 6.1 kernel, apparmor_parser 3.0.8)
# and trixie (Debian 13: 6.12 kernel, apparmor_parser 4.1). E2E_SUITES picks fewer; a scenario
# whose header has "# e2e-suites: NAME..." runs on those only (4.x record kinds need 6.12).
suites=${E2E_SUITES:-bookworm trixie}
for suite in $suites; do
  for scenario in "$here"/scenarios/*.sh; do
    name=$(basename "$scenario" .sh)
    [ -n "${E2E_ONLY:-}" ] && [[ "$name" != *"$E2E_ONLY"* ]] && continue
    only=$(sed -n 's/^# e2e-suites: *//p' "$scenario")
    [ -n "$only" ] && [[ " $only " != *" $suite "* ]] && continue
    out="$work/out-$suite-$name"
    t0=$(date +%s)
    # no_timer_check: under TCG on a busy host the kernel's IO-APIC timer check can fail and
    # panic the boot ("IO-APIC + timer doesn't work"), as seen with 6.12 at load 8.
    # A guest that never reached the script (rc 255 and no rc file: the kernel panicked or
    # qemu stopped during boot, seen once in a few hundred TCG boots on a loaded host) says
    # nothing about aaswift: boot it again, at most twice, and show why the boot failed.
    for attempt in 1 2 3; do
      "$vm/run-guest.sh" --suite "$suite" --append no_timer_check -i "$work/inject" -o "$out" -t 400 "$scenario" > "$work/$suite-$name.host.log" 2>&1
      rc=$?
      [ "$rc" -eq 255 ] && [ ! -e "$out/rc" ] && [ "$attempt" -lt 3 ] || break
      echo "note $suite $name: the guest never ran the scenario (boot attempt $attempt); console tail:"
      tail -8 "$out/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/    | /'
    done
    t1=$(date +%s)
    if [ "$rc" -eq 0 ]; then
      passed=$((passed + 1)); echo "ok   $suite $name ($((t1 - t0)) s)"
    else
      failed=$((failed + 1)); echo "FAIL $suite $name ($((t1 - t0)) s, rc=$rc)"
      sed 's/^/    | /' "$out/guest-stdout.txt" 2>/dev/null | tail -40
      [ -s "$out/guest-stdout.txt" ] || tail -20 "$work/$suite-$name.host.log" | sed 's/^/    | /'
    fi
    if [ -n "${E2E_KEEP:-}" ]; then mkdir -p "$E2E_KEEP"; cp -r "$out" "$E2E_KEEP/"; fi
  done
done
echo "e2e wall time: $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
# A run in which no scenario ran (E2E_ONLY matching nothing) proves nothing: it fails.
if [ $((passed + failed)) -eq 0 ]; then echo "no scenario ran${E2E_ONLY:+ (E2E_ONLY=$E2E_ONLY matches none)}" >&2; exit 1; fi
[ "$failed" -eq 0 ]
