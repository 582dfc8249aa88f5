#!/bin/sh
# The classic loop: easyprof -> load (read denied) -> complain (ALLOWED logged) -> logprof
# --allow-all adds the rule -> enforce: the read works, an access never logged stays denied.
. /mnt/inject/lib.sh
P=/opt/e2e/reader
install_prog $P
echo data > /etc/e2e-data
echo secret > /etc/e2e-secret

mark easyprof
aaswift easyprof $P > /etc/apparmor.d/opt.e2e.reader
check "easyprof wrote a profile" test -s /etc/apparmor.d/opt.e2e.reader
cat /etc/apparmor.d/opt.e2e.reader
check "apparmor_parser loads it" apparmor_parser -r /etc/apparmor.d/opt.e2e.reader
check "the profile is loaded in enforce mode" test "$(mode_of $P)" = enforce
if $P read:/etc/e2e-data; then fail "read denied before complain"; else pass "read denied before complain"; fi

mark complain
check "aaswift complain reloads" aaswift complain $P
check "the kernel has it in complain mode" test "$(mode_of $P)" = complain
check "read works in complain mode" $P read:/etc/e2e-data
kernel_log /tmp/kernel.log
check "the kernel logged ALLOWED for the read" grep -q 'apparmor="ALLOWED".*name="/etc/e2e-data"' /tmp/kernel.log

mark logprof
aaswift logprof -f /tmp/kernel.log --allow-all > /tmp/logprof.out 2>&1
cat /tmp/logprof.out
check "logprof added the rule" grep -q '/etc/e2e-data r,' /etc/apparmor.d/opt.e2e.reader
check "logprof never added the secret" sh -c '! grep -q e2e-secret /etc/apparmor.d/opt.e2e.reader'

mark enforce
check "aaswift enforce reloads" aaswift enforce $P
check "the kernel has it in enforce mode" test "$(mode_of $P)" = enforce
check "the logged read now works" $P read:/etc/e2e-data
if $P read:/etc/e2e-secret; then fail "a read never logged stays denied"; else pass "a read never logged stays denied"; fi
kernel_log /tmp/kernel2.log
check "the kernel logged DENIED for the secret" grep -q 'apparmor="DENIED".*name="/etc/e2e-secret"' /tmp/kernel2.log
finish
