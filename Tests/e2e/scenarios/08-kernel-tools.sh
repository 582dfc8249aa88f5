#!/bin/sh
# The kernel-side tools against a real AppArmor kernel: enabled, exec -p, remove-unknown,
# features-abi -x, unconfined, load/unload/replace and mode.
. /mnt/inject/lib.sh
out=$(aaswift enabled); echo "enabled: $out"
check "enabled says Yes" test "$out" = "Yes"
check "enabled -q exits 0 silently" test -z "$(aaswift enabled -q)"

# exec -p confines a command: its /proc/self/attr/current shows the profile.
install_prog /opt/e2e/ex
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile e2e-exec {\n  include <abstractions/base>\n  /opt/e2e/ex mr,\n  /proc/*/attr/current r,\n  @{PROC}/@{pid}/attr/{apparmor/,}current r,\n}\n' > /etc/apparmor.d/e2e-exec
check "load loads a profile" aaswift load /etc/apparmor.d/e2e-exec
check "it is loaded" loaded e2e-exec
out=$(aaswift exec -p e2e-exec -- /opt/e2e/ex attr); echo "$out"
check "exec -p runs the command as e2e-exec" test "$(echo "$out" | sed -n 's/^label: //p')" = "e2e-exec (enforce)"
aaswift exec -p no-such-profile -- /opt/e2e/ex attr 2> /tmp/exec.err; rc=$?; cat /tmp/exec.err
check "exec -p of an unloaded profile fails (exit 1) saying so" sh -c "[ $rc -eq 1 ] && grep -q 'does not exist' /tmp/exec.err"
check "replace reloads it" aaswift replace e2e-exec
check "mode kill sets kill" aaswift mode kill e2e-exec
check "the kernel has it in kill mode" test "$(mode_of e2e-exec)" = "kill"
check "mode enforce sets it back" aaswift mode enforce e2e-exec
check "the kernel has it in enforce mode" test "$(mode_of e2e-exec)" = "enforce"

# remove-unknown unloads exactly the orphan.
printf 'profile e2e-orphan {\n  /tmp/x r,\n}\n' > /tmp/orphan
apparmor_parser -r /tmp/orphan
before=$(wc -l < /sys/kernel/security/apparmor/profiles)
aaswift remove-unknown -n | tee /tmp/ru-dry.txt
check "remove-unknown -n lists the orphan only" test "$(cat /tmp/ru-dry.txt)" = "Would remove 'e2e-orphan'"
check "the dry run removed nothing" loaded e2e-orphan
aaswift remove-unknown | tee /tmp/ru.txt
check "remove-unknown removed the orphan" sh -c '! grep -q "^e2e-orphan " /sys/kernel/security/apparmor/profiles'
after=$(wc -l < /sys/kernel/security/apparmor/profiles)
check "and nothing else ($before -> $after profiles)" test "$after" -eq $((before - 1))
check "e2e-exec is still loaded" loaded e2e-exec
check "unload unloads" aaswift unload e2e-exec
check "e2e-exec is gone" sh -c '! grep -q "^e2e-exec " /sys/kernel/security/apparmor/profiles'

# features-abi -x writes an abi apparmor_parser accepts.
check "features-abi -x -w" aaswift features-abi -x -w /etc/apparmor.d/abi/e2e-kernel
head -c 300 /etc/apparmor.d/abi/e2e-kernel; echo
printf 'abi <abi/e2e-kernel>,\nprofile e2e-abi {\n  /tmp/y r,\n}\n' > /tmp/abi-prof
check "apparmor_parser accepts a profile pinned to it" apparmor_parser -Q -K /tmp/abi-prof
check "and loads it" apparmor_parser -r /tmp/abi-prof

# unconfined: a listening process without a profile is listed as not confined; a confined one is not.
install_prog /opt/e2e/srv-free
install_prog /opt/e2e/srv-conf
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile srv-conf /opt/e2e/srv-conf {\n  include <abstractions/base>\n  /opt/e2e/srv-conf mr,\n  network inet stream,\n}\n' > /etc/apparmor.d/opt.e2e.srv-conf
apparmor_parser -r /etc/apparmor.d/opt.e2e.srv-conf
/opt/e2e/srv-free listen:7001 & free=$!
/opt/e2e/srv-conf listen:7002 & conf=$!
sleep 1
aaswift unconfined | tee /tmp/unc.txt
check "the free listener is listed as not confined" grep -q "^$free /opt/e2e/srv-free not confined\$" /tmp/unc.txt
check "the confined one is listed as confined by srv-conf" grep -q "^$conf /opt/e2e/srv-conf confined by 'srv-conf (enforce)'\$" /tmp/unc.txt
aaswift unconfined --short | tee /tmp/unc-short.txt
check "--short lists the free one and not the confined one" sh -c "grep -q '^$free ' /tmp/unc-short.txt && ! grep -q '^$conf ' /tmp/unc-short.txt"
aaswift unconfined --json > /tmp/unc.json
check "--json carries both" sh -c "grep -q '\"pid\":$free' /tmp/unc.json && grep -q '\"pid\":$conf' /tmp/unc.json"
kill $free $conf
finish
