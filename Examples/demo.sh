#!/usr/bin/env bash
# The main job on a bundled example. Usage: Examples/demo.sh [path/to/aaswift]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build/release/aaswift}
echo "== aaswift check on the bundled profile"
"$bin" check "$here/profiles/usr.bin.demo"
