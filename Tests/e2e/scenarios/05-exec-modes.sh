#!/bin/sh
# Each exec mode logprof offers (inherit, child, profile) leads to the transition the kernel then
# reports in /proc/<pid>/attr/current.
. /mnt/inject/lib.sh
install_prog /opt/e2e/target
for m in inherit child profile; do
  install_prog /opt/e2e/p-$m
  printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile p-%s /opt/e2e/p-%s flags=(complain) {\n  include <abstractions/base>\n  /opt/e2e/p-%s mr,\n}\n' $m $m $m > /etc/apparmor.d/opt.e2e.p-$m
  apparmor_parser -r /etc/apparmor.d/opt.e2e.p-$m
done

for m in inherit child profile; do
  mark "exec-$m"
  dmesg -c > /dev/null
  /opt/e2e/p-$m exec:/opt/e2e/target
  kernel_log /tmp/$m.log
  check "$m: the exec was logged" grep -q 'operation="exec"' /tmp/$m.log
  case $m in inherit) key=h ;; child) key=c ;; profile) key=p ;; esac
  check "$m: logprof --json answered ($key)" json_review /tmp/$m.log $key
  cat /etc/apparmor.d/opt.e2e.p-$m
  check "$m: aaswift enforce" aaswift enforce /opt/e2e/p-$m
  [ $m = profile ] && { ls /etc/apparmor.d/; [ -f /etc/apparmor.d/opt.e2e.target ] && apparmor_parser -r /etc/apparmor.d/opt.e2e.target; }
  out=$(/opt/e2e/p-$m exec:/opt/e2e/target 2>&1); echo "$out"
  label=$(echo "$out" | sed -n 's/^label: //p')
  case $m in
    inherit) want="p-inherit (enforce)" ;;
    child) want="p-child//*" ;;
    profile) want="/opt/e2e/target*" ;;
  esac
  case "$label" in $want) pass "$m: the target runs as '$label'" ;; *) fail "$m: the target runs as '$label', expected $want" ;; esac
done
finish
