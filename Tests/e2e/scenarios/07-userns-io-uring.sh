#!/bin/sh
# e2e-suites: trixie
# The 4.x record kinds a 6.12 kernel mediates: a user namespace (operation="userns_create"
# class="namespace") and an io_uring with a polling thread (class="io_uring"). Enforce mode
# denies both; in complain mode the kernel logs them; logprof --allow-all writes the rules
# (apparmor_parser 4.1 in the guest decides what it may write); 4.1 loads the profile; in
# enforce mode both then work and the kernel logs no denial for them.
. /mnt/inject/lib.sh
P=/opt/e2e/ns
install_prog $P
printf 'abi <abi/4.0>,\ninclude <tunables/global>\nprofile ns /opt/e2e/ns {\n  include <abstractions/base>\n  /opt/e2e/ns mr,\n}\n' > /etc/apparmor.d/opt.e2e.ns
check "apparmor_parser 4.1 loads the profile" apparmor_parser -r /etc/apparmor.d/opt.e2e.ns
check "the profile is in enforce mode" test "$(mode_of ns)" = enforce

mark enforce-before
dmesg -c > /dev/null
if $P userns; then fail "userns denied in enforce mode"; else pass "userns denied in enforce mode"; fi
if $P uring-sqpoll; then uring=0; echo "note: io_uring sqpoll not mediated here"; else uring=1; pass "io_uring sqpoll denied in enforce mode"; fi
kernel_log /tmp/denied.log
cat /tmp/denied.log
check "the kernel logged DENIED userns_create" grep -q 'apparmor="DENIED" operation="userns_create" class="namespace"' /tmp/denied.log

mark complain
check "aaswift complain" aaswift complain $P
dmesg -c > /dev/null
check "userns works in complain mode" $P userns
$P uring-sqpoll
kernel_log /tmp/complain.log
cat /tmp/complain.log
check "the kernel logged ALLOWED userns_create" grep -q 'apparmor="ALLOWED" operation="userns_create"' /tmp/complain.log

mark logprof
aaswift logprof -f /tmp/complain.log --allow-all > /tmp/logprof.out 2>&1
cat /tmp/logprof.out
cat /etc/apparmor.d/opt.e2e.ns
check "logprof wrote a userns rule" grep -Eq '^ *userns( create)?,' /etc/apparmor.d/opt.e2e.ns
[ $uring = 1 ] && check "logprof wrote an io_uring rule" grep -Eq '^ *io_uring .*sqpoll' /etc/apparmor.d/opt.e2e.ns
check "aaswift check accepts it for 4.1" aaswift check /etc/apparmor.d/opt.e2e.ns

mark enforce-after
check "aaswift enforce (apparmor_parser 4.1 loads it)" aaswift enforce $P
check "the kernel has it in enforce mode" test "$(mode_of ns)" = enforce
dmesg -c > /dev/null
check "userns now works in enforce mode" $P userns
[ $uring = 1 ] && check "io_uring sqpoll now works in enforce mode" $P uring-sqpoll
kernel_log /tmp/after.log
check "no denial logged any more" sh -c '! grep -q "apparmor=\"DENIED\"" /tmp/after.log'
finish
