#!/bin/sh
# A burst of 10,000 denials while aaswift notify -p --json reads the netlink socket: every
# denial is counted, or the loss is reported ("N records lost"); the two cover the burst.
. /mnt/inject/lib.sh
P=/opt/e2e/burst
install_prog $P
echo data > /etc/e2e-burst
printf 'profile e2eburst /opt/e2e/burst {\n}\n' > /tmp/burst.profile
apparmor_parser -r /tmp/burst.profile
aaswift notify -p --json -v > /tmp/burst.json 2> /tmp/burst.err &
np=$!
i=0; while ! grep -q "reading" /tmp/burst.err && [ $i -lt 100 ]; do usleep 100000; i=$((i+1)); done
i=0; while [ $i -lt 10000 ]; do echo read:/etc/e2e-burst; i=$((i+1)); done > /tmp/args
# In batches of 100: the program exits with its failure count, and xargs stops at 255.
xargs -n 100 $P < /tmp/args > /dev/null
# Until the count stays the same for 2 s (60 s at most).
last=-1; i=0
while [ $i -lt 60 ]; do
  n=$(grep -c '"event":"DENIED"' /tmp/burst.json)
  [ "$n" -eq "$last" ] && break
  last=$n; sleep 2; i=$((i+1))
done
kill $np
# The burst's own denials: the kernel may deny other things on the way (an inherited
# descriptor, a library), which are not the burst's and are shown, not counted.
seen=$(grep '"event":"DENIED"' /tmp/burst.json | grep -c '"name":"/etc/e2e-burst"')
other=$(grep '"event":"DENIED"' /tmp/burst.json | grep -vc '"name":"/etc/e2e-burst"')
echo "other denials: $other"
grep '"event":"DENIED"' /tmp/burst.json | grep -v '"name":"/etc/e2e-burst"' | head -5
lost=$(sed -n 's/.* \([0-9][0-9]*\) records\{0,1\} lost:.*/\1/p' /tmp/burst.err | awk '{s+=$1} END {print s+0}')
cat /tmp/burst.err
echo "seen $seen, reported lost $lost"
# The kernel's lost counter is global (records it dropped for any listener, the printk path of a
# machine without auditd included), so a reported loss may be larger than ours, never smaller.
check "no denial seen twice ($seen <= 10000)" test "$seen" -le 10000
check "no burst denial printed twice" sh -c "[ \$(grep '\"name\":\"/etc/e2e-burst\"' /tmp/burst.json | grep -o '\"audit_id\":\"[^\"]*' | sort | uniq -d | wc -l) -eq 0 ]"
check "every denial seen or reported lost ($seen + $lost >= 10000)" test $((seen + lost)) -ge 10000
check "a loss is never silent" sh -c "[ $seen -eq 10000 ] || grep -q 'lost' /tmp/burst.err"
finish
