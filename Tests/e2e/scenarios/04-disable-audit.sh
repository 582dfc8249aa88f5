#!/bin/sh
# aaswift disable unloads the profile; aaswift audit sets the flag and the kernel logs AUDIT.
. /mnt/inject/lib.sh
touch_locals
install_prog /opt/e2e/audited
install_prog /opt/e2e/disabled
echo data > /etc/e2e-data
printf 'profile audited /opt/e2e/audited {\n  /opt/e2e/audited mr,\n  /etc/e2e-data r,\n}\n' > /etc/apparmor.d/opt.e2e.audited
printf 'profile disabled /opt/e2e/disabled {\n  /opt/e2e/disabled mr,\n}\n' > /etc/apparmor.d/opt.e2e.disabled
apparmor_parser -r /etc/apparmor.d/opt.e2e.audited /etc/apparmor.d/opt.e2e.disabled
check "both loaded" sh -c 'grep -q "^audited " /sys/kernel/security/apparmor/profiles && grep -q "^disabled " /sys/kernel/security/apparmor/profiles'

mark disable
check "aaswift disable succeeds" aaswift disable /opt/e2e/disabled
check "the profile left the kernel" sh -c '! grep -q "^disabled " /sys/kernel/security/apparmor/profiles'
check "the disable/ link exists" test -L /etc/apparmor.d/disable/opt.e2e.disabled

mark audit
check "aaswift audit succeeds" aaswift audit /opt/e2e/audited
cat /etc/apparmor.d/opt.e2e.audited
check "the profile has the audit flag" grep -q 'flags=(audit)' /etc/apparmor.d/opt.e2e.audited
check "an allowed read works" /opt/e2e/audited read:/etc/e2e-data
kernel_log /tmp/k.log
check "the kernel logged AUDIT for the allowed read" grep -q 'apparmor="AUDIT".*name="/etc/e2e-data"' /tmp/k.log
check "aaswift audit -r removes the flag" aaswift audit -r /opt/e2e/audited
check "no audit flag left" sh -c '! grep -q "flags=(audit)" /etc/apparmor.d/opt.e2e.audited'
finish
