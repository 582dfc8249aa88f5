#!/bin/sh
# run-upstream-status.sh FIXTURE ARGS...: runs the installed aa-status (C, libapparmor) over a
# fixture tree: a copy of the tree is bind-mounted over /sys/module, /sys/kernel/security and
# /proc in a private mount namespace (needs root or CAP_SYS_ADMIN). Used by StatusUpstreamTests.
F=$1; shift
T=$(mktemp -d)
cp -a "$F"/. "$T"/
for l in $(find "$T/proc" -name exe -type l); do tgt=$(readlink "$l"); ln -sfn "${tgt#../..}" "$l"; done
if [ -d "$T/proc/self/attr/apparmor" ]; then NEWDIR=1; else NEWDIR=0; fi
rm -rf "$T/proc/self"
export T NEWDIR
unshare -m --propagation private sh -c '
  [ "$NEWDIR" = 1 ] && mkdir -p "$T/proc/$$/attr/apparmor"
  [ -d "$T/sys/module" ] && mount --bind "$T/sys/module" /sys/module
  mount --bind "$T/sys/kernel/security" /sys/kernel/security 2>/dev/null || mount -t tmpfs none /sys/kernel/security
  mount --bind "$T/proc" /proc
  exec "${AA_STATUS:-/usr/sbin/aa-status}" "$@"' sh "$@"
rc=$?
rm -rf "$T"
exit $rc
