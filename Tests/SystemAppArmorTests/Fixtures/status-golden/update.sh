#!/usr/bin/env bash
# Rewrites the golden outputs from a built binary: bash update.sh path/to/aaswift
# Review the diff by hand before committing: the goldens are the specification.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
while IFS=$'\t' read -r name tree code args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  # shellcheck disable=SC2086
  "$bin" status --root "$here/../$tree" $args >"$here/$name.stdout" 2>"$here/$name.stderr" || true
  [ -s "$here/$name.stderr" ] || rm -f "$here/$name.stderr"
done <"$here/cases.tsv"
