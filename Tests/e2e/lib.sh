# Sourced by every scenario inside the guest (busybox sh). /mnt/inject holds aaswift, prog and
# this file; /mnt/job is the results folder.
export PATH=/mnt/inject:$PATH
export NO_COLOR=1
PASSED=0
FAILED=0
mark() { echo "@@MARK $1" > /dev/kmsg; }
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# Installs the test program at $1 (a path the profiles attach to).
install_prog() { mkdir -p "$(dirname "$1")"; cp /mnt/inject/prog "$1"; chmod 755 "$1"; }
# The kernel's AppArmor records so far, in dmesg form (as logprof reads them).
kernel_log() { dmesg | grep 'apparmor="' > "$1"; }
loaded() { grep -q "^$1 " /sys/kernel/security/apparmor/profiles; }
mode_of() { sed -n "s|^$1 (\(.*\))\$|\1|p" /sys/kernel/security/apparmor/profiles; }
finish() { echo "scenario: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; }
# local/ files that stock abstractions include without "if exists"
touch_locals() { mkdir -p /etc/apparmor.d/local; for n in "$@"; do touch "/etc/apparmor.d/local/$n"; done; }
