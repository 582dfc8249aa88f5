#!/bin/sh
# aaswift logprof --follow --allow-all with no auditd: records come live from the audit
# netlink socket; each burst is reviewed once the source is quiet, and the rules land in the
# profile without a log file anywhere.
. /mnt/inject/lib.sh
P=/opt/e2e/followed
install_prog $P
echo data > /etc/e2e-followed
printf 'include <tunables/global>\nprofile e2efollow /opt/e2e/followed flags=(complain) {\n}\n' > /etc/apparmor.d/e2efollow
check "the profile loads in complain mode" apparmor_parser -r /etc/apparmor.d/e2efollow
aaswift logprof --follow --allow-all > /tmp/follow.out 2>&1 &
lp=$!
wait_for() { i=0; while [ "$(grep -c -F "$1" /tmp/follow.out)" -lt "${2:-1}" ] && [ $i -lt 300 ]; do usleep 100000; i=$((i+1)); done; [ $i -lt 300 ]; }
check "logprof collects from the netlink socket" wait_for "Collecting AppArmor records from the kernel's audit netlink socket"
$P read:/etc/e2e-followed
if ! wait_for "Writing updated profile for e2efollow"; then
  # Seen once in many CI runs (bookworm, a loaded host): the first burst's record never reached
  # the review. Say what the kernel logged and what the capture holds, then access again: the
  # check below still fails unless a live burst is reviewed.
  echo "note: no review of the first burst within 30 s; kernel log and capture:"
  dmesg | grep 'e2efollow' | tail -5
  cat /tmp/aaswift-live.*/records.log 2>/dev/null | tail -5
  $P read:/etc/e2e-followed
fi
check "the burst was reviewed and saved" wait_for "Writing updated profile for e2efollow"
$P write:/tmp/e2e-followed-out
check "a second burst is reviewed too" wait_for "Writing updated profile for e2efollow" 2
kill $lp
cat /tmp/follow.out
cat /etc/apparmor.d/e2efollow
check "the read rule is in the profile" grep -q "/etc/e2e-followed r," /etc/apparmor.d/e2efollow
# --allow-all takes the first choice: abstractions/user-tmp covers the write.
check "the write is covered" grep -q "abstractions/user-tmp\|/tmp/e2e-followed-out w" /etc/apparmor.d/e2efollow
check "every reload worked" sh -c '! grep -q "failed (exit" /tmp/follow.out'

finish
