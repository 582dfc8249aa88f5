#!/usr/bin/env bash
# The package as an admin meets it (part of `make test`): installs the .deb in a clean Debian 13
# root (made once with ../shared/trixie/make-root.sh, copied fresh for each run), runs
# `aaswift --version`, `aaswift check` on the root's own /etc/apparmor.d, `man aaswift-logprof`
# and an aa-* link, then removes the package and checks that none of its files is left.
#   Tests/deb/run.sh PACKAGE.deb SHARED_DIR
# Needs root (chroot, mounts). Where it cannot run it skips, except under CI=true, where it fails.
set -euo pipefail
deb=$(realpath "${1:?usage: run.sh PACKAGE.deb SHARED_DIR}")
shared=$(realpath "${2:?shared dir}")
cd "$(dirname "$0")/../.."
cannot() {
  if [ "${CI:-}" = true ]; then echo "deb test: FAIL: $1 (CI=true: this test may not skip)" >&2; exit 1; fi
  echo "deb test: SKIPPED: $1"; exit 0
}
[ "$(id -u)" = 0 ] || cannot "needs root (chroot)"
[ -x "$shared/trixie/make-root.sh" ] || cannot "no $shared/trixie/make-root.sh"
base=$PWD/.build/deb-test
pristine=$base/trixie-pristine
mkdir -p "$base"
if [ ! -x "$pristine/usr/sbin/apparmor_parser" ] || [ ! -x "$pristine/usr/bin/man" ]; then
  rm -rf "$pristine"
  echo "deb test: making a Debian 13 root (once) in $pristine"
  "$shared/trixie/make-root.sh" "$pristine" trixie man-db > "$base/make-root.log" 2>&1 \
    || { tail -20 "$base/make-root.log" >&2; cannot "make-root.sh failed"; }
fi
root=$(mktemp -d "$base/root.XXXXXX")
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  # Never delete through a mount.
  if awk -v r="$root/" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/mounts; then
    echo "deb test: mounts remain under $root; left in place" >&2
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT
cp -a "$pristine/." "$root/"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/aaswift.deb"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
failures=0
step() { # step NAME COMMAND...: runs the command in the root, shows its output on failure
  local name=$1; shift
  if out=$("$@" 2>&1); then echo "  ok    $name"; else echo "  FAIL  $name"; echo "$out" | tail -20 | sed 's/^/      | /'; failures=$((failures + 1)); fi
}
echo "deb test: $(basename "$deb") in a clean Debian 13 root"
before=$(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \) -prune -o -print | sort)
step "dpkg -i" in_root dpkg -i /tmp/aaswift.deb
step "aaswift --version names the version and the root's apparmor_parser" \
  sh -c "out=\$(chroot '$root' aaswift --version) && echo \"\$out\" && echo \"\$out\" | grep -q '^aaswift ' && echo \"\$out\" | grep -q 'apparmor_parser: .*version 4\\.'"
# The root's own policy (AppArmor 4.1 syntax): no error but the known disagreements with
# apparmor_parser 4.1 (Tests/deb/check-known-disagreements.txt), each of which must still occur.
check_policy() {
  local out expected got
  expected=$(grep -v '^#' Tests/deb/check-known-disagreements.txt | cut -f1,2 | sort -u)
  if out=$(in_root aaswift check /etc/apparmor.d 2>&1); then
    [ -z "$expected" ] && return 0
    echo "no error, but Tests/deb/check-known-disagreements.txt still lists:"; echo "$expected"
    return 1
  fi
  got=$(echo "$out" | sed -nE 's/^([^:]+):[0-9]+:[0-9]+: error: .*\[(AA[0-9]+)\]$/\1\t\2/p' | sort -u)
  echo "$out"
  if [ "$got" = "$expected" ]; then echo "(only the known disagreements)"; return 0; fi
  echo "expected only:"; echo "$expected"
  return 1
}
step "aaswift check /etc/apparmor.d (the root's own policy)" check_policy
step "man aaswift-logprof" sh -c "chroot '$root' env MANPAGER=cat MANWIDTH=80 man aaswift-logprof | grep -q 'aaswift-logprof'"
step "aa-decode link runs the decode subcommand" sh -c "chroot '$root' /usr/libexec/aaswift/aa-bin/aa-decode 414243 | grep -qx 'Decoded: ABC'"
step "bash completion installed" test -s "$root/usr/share/bash-completion/completions/aaswift"
step "dpkg -r" in_root dpkg -r aaswift
after=$(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \) -prune -o -print | sort)
step "removed cleanly (no file left, none missing)" diff <(echo "$before") <(echo "$after")
if [ "$failures" -gt 0 ]; then echo "deb test: $failures step(s) failed"; exit 1; fi
echo "deb test: passed"
