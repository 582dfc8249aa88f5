#!/usr/bin/env bash
# make fresh-check: the README's two commands on fresh machines. For Debian 12 (bookworm) and
# Debian 13 (trixie) it builds a minimal root with mmdebstrap (what a machine with Swift has:
# the toolchain's run-time libraries, a C/C++ tool chain for linking, git and make), bind-mounts
# this machine's Swift toolchain (/opt/swift, with its package mirror /opt/swift-packages when
# git uses one) and ../shared, clones this repository's current
# branch inside the root, and runs `make demo` then `make test` there. Needs root; minutes.
#   Tests/fresh/run.sh SHARED_DIR [SUITE...]
set -euo pipefail
shared=$(realpath "${1:?usage: run.sh SHARED_DIR [SUITE...]}")
shift
if [ $# -gt 0 ]; then suites=("$@"); else suites=(bookworm trixie); fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
branch=$(git -C "$repo" rev-parse --abbrev-ref HEAD)
# The repository itself (a worktree's .git is only a pointer into it).
gitdir=$(cd "$repo" && realpath "$(git rev-parse --git-common-dir)")
swift=${SWIFT_TOOLCHAIN:-/opt/swift}
work=${FRESH_DIR:-/tmp/aaswift-fresh}
[ "$(id -u)" = 0 ] || { echo "fresh-check needs root (mmdebstrap, chroot, mounts)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq mmdebstrap >/dev/null; }
src=/etc/apt/sources.list.d/debian.sources
if [ -r "$src" ]; then mirror=$(awk '/^URIs:/{print $2; exit}' "$src")
else mirror=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; exit}}' /etc/apt/sources.list); fi
git -C "$repo" diff --quiet HEAD || echo "note: uncommitted changes are not part of the check (it clones $branch)"

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  mounted=()
}
trap cleanup EXIT
bind() { # bind SOURCE TARGET [ro]
  mkdir -p "$2"; mount --bind "$1" "$2"; mounted+=("$2")
  [ "${3:-}" = ro ] && mount -o remount,bind,ro "$2"
  return 0
}

declare -A result
for suite in "${suites[@]}"; do
  root=$work/$suite
  log=$work/$suite.log
  # Never delete through a mount (a bind of /dev left by an interrupted run).
  if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    echo "mounts remain under $root; unmount them first" >&2; exit 1
  fi
  rm -rf "$root"; mkdir -p "$work"
  case $suite in
    bookworm) libs=libcurl4 ;;
    *) libs=libcurl4t64 ;;
  esac
  # A machine "with Swift": the libraries the toolchain runs on and the C tool chain it links with.
  pkgs=ca-certificates,git,make,g++,$libs,libncurses6,libsqlite3-0,libxml2,libuuid1,zlib1g
  t0=$(date +%s)
  echo "== $suite: root ($pkgs)"
  mmdebstrap --quiet --variant=minbase --mode=root --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    --include="$pkgs" "$suite" "$root" "deb $mirror $suite main" > "$log" 2>&1
  # A machine's / is a mount point (unshare --propagation private, as the status tests use,
  # needs one), and it has /proc and /sys.
  bind "$root" "$root"
  mount -t proc proc "$root/proc"; mounted+=("$root/proc")
  mount -t sysfs sysfs "$root/sys"; mounted+=("$root/sys")
  bind /dev "$root/dev"
  bind /dev/pts "$root/dev/pts"
  bind "$swift" "$root/opt/swift" ro
  bind "$shared" "$root/work/shared" ro
  bind "$gitdir" "$root/mnt/repo.git" ro
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # Where this machine reaches GitHub through a local mirror of Swift packages (git's
  # url.<mirror>.insteadOf in /etc/gitconfig), the root does the same.
  if [ -d /opt/swift-packages ] && [ -r /etc/gitconfig ]; then
    bind /opt/swift-packages "$root/opt/swift-packages" ro
    git config --file /etc/gitconfig --get-regexp '^url\..*\.insteadof$' | while read -r key value; do
      git config --file "$root/etc/gitconfig" --add "$key" "$value"
    done
  fi
  t1=$(date +%s)
  echo "== $suite: git clone, make demo, make test (log: $log)"
  status=0
  chroot "$root" env -i HOME=/root PATH=/opt/swift/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    CI=true bash -c "
      set -e
      git config --global --add safe.directory '*'
      git clone -q --branch '$branch' /mnt/repo.git /work/aaswift
      cd /work/aaswift
      s=\$(date +%s); make demo; echo \"fresh-check: make demo \$((\$(date +%s) - s)) s\"
      s=\$(date +%s); make test; echo \"fresh-check: make test \$((\$(date +%s) - s)) s\"
    " >> "$log" 2>&1 || status=$?
  t2=$(date +%s)
  cleanup
  demo=$(sed -n 's/^fresh-check: make demo //p' "$log"); test=$(sed -n 's/^fresh-check: make test //p' "$log")
  summary=$(grep -E "Executed [0-9]+ tests" "$log" | tail -1 | sed 's/^[[:space:]]*//' || true)
  if [ "$status" -eq 0 ]; then verdict=passed; else verdict="FAILED (rc $status)"; tail -30 "$log"; fi
  result[$suite]="$verdict: root $((t1 - t0)) s, make demo ${demo:-?}, make test ${test:-?}; $summary"
  echo "== $suite: ${result[$suite]}"
  if [ "$status" -eq 0 ] && [ -z "${FRESH_KEEP:-}" ] && ! awk -v r="$root/" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/mounts; then
    rm -rf "$root"
  fi
done
echo "fresh-check summary:"
failed=0
for suite in "${suites[@]}"; do
  echo "  $suite: ${result[$suite]}"
  [[ "${result[$suite]}" == passed* ]] || failed=1
done
exit $failed
