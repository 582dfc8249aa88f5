#!/bin/sh
# With syscall auditing on (as `auditctl -e 1` and one rule do, with no auditd), one denial is
# one kernel event of several records sharing a stamp: AVC, SYSCALL, CWD, PATH, PROCTITLE.
# aaswift joins them by stamp: notify (the netlink socket) and log (the kernel's ring buffer)
# show the program's file and command line beside the denial.
. /mnt/inject/lib.sh
P=/opt/e2e/joined
install_prog $P
echo secret > /etc/e2e-secret
printf 'profile e2ejoin /opt/e2e/joined {\n}\n' > /tmp/joined.profile
check "the profile loads" apparmor_parser -r /tmp/joined.profile
check "syscall auditing is on" /mnt/inject/prog audit-on

aaswift notify -p --json -v > /tmp/notify.json 2> /tmp/notify.err &
np=$!
i=0; while ! grep -q "reading" /tmp/notify.err && [ $i -lt 100 ]; do usleep 100000; i=$((i+1)); done
cat /tmp/notify.err
mark access
$P read:/etc/e2e-secret
i=0; while ! grep -q '"event":"DENIED"' /tmp/notify.json && [ $i -lt 20 ]; do usleep 100000; i=$((i+1)); done
echo "polls before the record was seen: $i"
kill $np
cat /tmp/notify.json
echo "-- the kernel's records of the event:"
dmesg | grep -E 'type=1(400|300|307|302|327)' | grep -v STATUS | tail -6
check "the kernel wrote a SYSCALL record" sh -c "dmesg | grep -q 'type=1300'"
check "notify joined the SYSCALL record (exe, syscall, result)" \
  grep -q '"profile":"e2ejoin".*"name":"/etc/e2e-secret".*"exe":"/opt/e2e/joined".*"syscall":[0-9]*,"success":false' /tmp/notify.json
check "notify joined the PROCTITLE record" grep -q '"proctitle":"/opt/e2e/joined read:/etc/e2e-secret"' /tmp/notify.json

aaswift log --json --denied e2ejoin > /tmp/log.json
cat /tmp/log.json
check "log read the same event from the ring buffer, joined" \
  grep -q '"name":"/etc/e2e-secret".*"exe":"/opt/e2e/joined".*"proctitle":"/opt/e2e/joined read:/etc/e2e-secret".*"cwd":' /tmp/log.json
check "log joined each denial once" test "$(grep -c '"event":"DENIED"' /tmp/log.json)" -eq 1
aaswift log --denied e2ejoin > /tmp/log.out
cat /tmp/log.out
check "the one-line view names the program and its command line" \
  grep -q "DENIED  e2ejoin open /etc/e2e-secret comm=joined exe=/opt/e2e/joined requested=r denied=r proctitle=/opt/e2e/joined read:/etc/e2e-secret" /tmp/log.out
finish
