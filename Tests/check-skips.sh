#!/usr/bin/env bash
# Reads the output of `swift test` and reports the tests that skipped, with their reasons.
# With CI=true a skip fails the run unless the test is on Tests/skip-allowlist.txt (a test that
# can skip silently can hide a broken feature); the allowed ones are printed with the reason.
#   check-skips.sh TEST_OUTPUT
set -euo pipefail
log=${1:?usage: check-skips.sh TEST_OUTPUT}
allow="$(dirname "$0")/skip-allowlist.txt"
declare -A reason allowed
while IFS= read -r line; do
  # "/path/File.swift:12: Class.testName : Test skipped: message"
  name=${line#*: }; name=${name%% : Test skipped*}
  reason[$name]=${line#*: Test skipped: }
done < <(grep -E ': Test skipped: ' "$log" || true)
while IFS=$'\t' read -r name why; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  allowed[$name]=$why
done < "$allow"
mapfile -t skipped < <(sed -nE "s/^Test Case '([^']+)' skipped.*/\1/p" "$log" | sort -u)
bad=0
if [ ${#skipped[@]} -gt 0 ]; then
  echo "skipped tests (${#skipped[@]}):"
  for t in "${skipped[@]}"; do
    if [ -n "${allowed[$t]:-}" ]; then
      echo "  allowed  $t: ${reason[$t]:-?} (allow-list: ${allowed[$t]})"
    else
      echo "  SKIPPED  $t: ${reason[$t]:-?}"
      bad=$((bad + 1))
    fi
  done
else
  echo "skipped tests: none"
fi
if [ "${CI:-}" = true ] && [ "$bad" -gt 0 ]; then
  echo "CI=true: $bad test(s) skipped and not on $allow" >&2
  exit 1
fi
