#!/bin/sh
# aaswift notify -p --json reads the kernel's audit netlink socket (no auditd in the guest) and
# sees a confined program's DENIED record within 1 s of the access; aaswift log finds the same
# record in the kernel's ring buffer by itself.
. /mnt/inject/lib.sh
P=/opt/e2e/notified
install_prog $P
echo secret > /etc/e2e-secret
printf 'profile e2enotify /opt/e2e/notified {\n}\n' > /tmp/notified.profile
check "the profile loads" apparmor_parser -r /tmp/notified.profile

aaswift notify -p --json -v > /tmp/notify.json 2> /tmp/notify.err &
np=$!
i=0; while ! grep -q "reading" /tmp/notify.err && [ $i -lt 100 ]; do usleep 100000; i=$((i+1)); done
cat /tmp/notify.err
check "notify chose the netlink socket" grep -q "reading the kernel's audit netlink socket" /tmp/notify.err
mark access
$P read:/etc/e2e-secret
# 10 polls of 0.1 s: the record must be there within 1 s of the access.
i=0; while ! grep -q '"event":"DENIED"' /tmp/notify.json && [ $i -lt 10 ]; do usleep 100000; i=$((i+1)); done
echo "polls before the record was seen: $i"
cat /tmp/notify.json
check "DENIED record seen within 1 s" grep -q '"event":"DENIED".*"operation":"open".*"profile":"e2enotify".*"name":"/etc/e2e-secret"' /tmp/notify.json
kill $np

aaswift log -v --denied e2enotify > /tmp/log.out 2> /tmp/log.err
cat /tmp/log.out /tmp/log.err
check "log found the kernel's ring buffer by itself" grep -q "kmsg" /tmp/log.err
check "log shows the denial on one line" grep -q "DENIED  e2enotify open /etc/e2e-secret comm=notified requested=r denied=r" /tmp/log.out
aaswift log --json --allowed e2enotify > /tmp/log-allowed.json
check "--allowed leaves the denial out" test ! -s /tmp/log-allowed.json
finish
