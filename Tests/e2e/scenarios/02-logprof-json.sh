#!/bin/sh
# logprof in the guest answered by a script through --json (the guest has no pseudo-terminal
# tools): allow one access, deny (audited) another; after enforce the allowed one works and the
# denied one fails and logs DENIED.
. /mnt/inject/lib.sh
P=/opt/e2e/dialog
install_prog $P
echo yes > /etc/e2e-allow
echo no > /etc/e2e-deny
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile dialog /opt/e2e/dialog flags=(complain) {\n  include <abstractions/base>\n  /opt/e2e/dialog mr,\n}\n' > /etc/apparmor.d/opt.e2e.dialog
check "load in complain mode" apparmor_parser -r /etc/apparmor.d/opt.e2e.dialog

mark run
check "both reads work in complain mode" $P read:/etc/e2e-allow read:/etc/e2e-deny
kernel_log /tmp/all.log
grep 'e2e-allow' /tmp/all.log > /tmp/allow.log
grep 'e2e-deny' /tmp/all.log > /tmp/deny.log
check "ALLOWED records for both" test -s /tmp/allow.log -a -s /tmp/deny.log

mark logprof-allow
check "logprof --json: allow the first" json_review /tmp/allow.log h a
mark logprof-deny
check "logprof --json: audit + deny the second" json_review /tmp/deny.log h "t d"
cat /etc/apparmor.d/opt.e2e.dialog
check "the allow rule is in the profile" grep -q '^ *\(owner \)*/etc/e2e-allow r,' /etc/apparmor.d/opt.e2e.dialog
check "the deny rule is in the profile" grep -q '^ *audit deny \(owner \)*/etc/e2e-deny r,' /etc/apparmor.d/opt.e2e.dialog
check "the profile compiles" apparmor_parser -Q -K /etc/apparmor.d/opt.e2e.dialog

mark enforce
check "aaswift enforce" aaswift enforce $P
check "the allowed read works" $P read:/etc/e2e-allow
if $P read:/etc/e2e-deny; then fail "the denied read fails"; else pass "the denied read fails"; fi
dmesg | sed -n '/@@MARK enforce/,$p' | grep 'apparmor="' > /tmp/after.log
check "the kernel logged DENIED for it" grep -q 'apparmor="DENIED".*name="/etc/e2e-deny"' /tmp/after.log
finish
