#!/bin/sh
# Real records from this kernel (open, capable, create, connect, exec...) all decode with
# aaswift decode-log, with no unknown-record warnings.
. /mnt/inject/lib.sh
cp /bin/busybox /usr/bin/demo
mkdir -p /opt/demo
for a in cat touch chown nc ls hostname sh; do ln -sf /usr/bin/demo /opt/demo/$a; done
install_prog /opt/e2e/child
echo "x" > /etc/demo.conf
nc -l -p 8080 -e /bin/true > /dev/null 2>&1 &
sleep 0.3
printf 'profile demo /usr/bin/demo flags=(complain) {\n  /usr/bin/demo mr,\n}\n' > /tmp/demo.profile
apparmor_parser -r /tmp/demo.profile
/opt/demo/cat /etc/demo.conf > /dev/null          # open
/opt/demo/touch /tmp/demo-new                     # create / write
/opt/demo/chown 1000 /tmp/demo-new                # capable chown
/opt/demo/hostname e2e-host                       # capable sys_admin
/opt/demo/ls /root > /dev/null                    # directory read
echo | /opt/demo/nc 127.0.0.1 8080 > /dev/null 2>&1   # create, connect
/opt/demo/sh -c "/opt/e2e/child attr" > /dev/null   # exec
apparmor_parser -R /tmp/demo.profile
kernel_log /tmp/k.log
n=$(wc -l < /tmp/k.log)
echo "records: $n"; cat /tmp/k.log
check "the kernel produced records" test "$n" -gt 5
for op in open capable create connect exec; do
  check "a record of operation $op" grep -q "operation=\"$op\"" /tmp/k.log
done
aaswift decode-log --format json /tmp/k.log > /tmp/decoded.json 2> /tmp/decode.err
check "decode-log succeeded" test $? -eq 0
check "no warnings on stderr" test ! -s /tmp/decode.err
cat /tmp/decode.err
d=$(grep -c '^{' /tmp/decoded.json)
check "every record decoded ($d of $n)" test "$d" -eq "$n"
check "no record decoded as unknown or invalid" sh -c '! grep -q -i "\"event\":\"\(unknown\|invalid\)\"" /tmp/decoded.json'
aaswift decode-log --format summary /tmp/k.log
finish
