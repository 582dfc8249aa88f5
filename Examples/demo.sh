#!/usr/bin/env bash
# The main job on a bundled example: a profile, the audit records of a run in complain mode,
# and the rules aaswift proposes from them. Nothing on the system is changed: the policy is a
# copy in a temporary folder. Usage: Examples/demo.sh [path/to/aaswift]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build/release/aaswift}
policy=$(mktemp -d /tmp/aaswift-demo.XXXXXX)
trap 'rm -rf "$policy"' EXIT
# The example profile, beside a copy of the system's abstractions and tunables.
for d in abstractions tunables abi; do
  [ -d "/etc/apparmor.d/$d" ] && cp -r "/etc/apparmor.d/$d" "$policy/"
done
mkdir -p "$policy/local"
cp "$here/profiles/usr.bin.demo" "$policy/"

bold=""; plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
step() { printf '\n%s== %s%s\n$ %s\n' "$bold" "$1" "$plain" "${*:2}"; }
run() { step "$@"; "${@:2}"; }

run "Read the profile into its syntax tree and print it back, byte for byte" \
  sh -c "'$bin' parse --emit source '$policy/usr.bin.demo' | cmp - '$policy/usr.bin.demo' && echo identical"
run "Check it, includes resolved" "$bin" check --base "$policy" "$policy/usr.bin.demo"
run "What the kernel logged while the program ran in complain mode" \
  "$bin" decode-log --format summary "$here/logs/demo.audit.log"
run "The same records one per line, as 'aaswift log' shows them (live: 'sudo aaswift notify -p', 'aaswift log -f')" \
  "$bin" log --source "$here/logs/demo.audit.log"
run "The rules logprof would add (nothing is written with --dry-run)" \
  "$bin" logprof -d "$policy" -f "$here/logs/demo.audit.log" --allow-all --no-abstraction --dry-run --no-reload
run "Switch the profile to complain mode (diff only)" \
  "$bin" complain -d "$policy" --no-reload --dry-run demo
run "A first profile for a new program" "$bin" easyprof --auto /usr/bin/true
