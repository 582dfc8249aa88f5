#!/bin/sh
# Each exec mode logprof offers (inherit, child, profile) leads to the transition the kernel then
# reports in /proc/<pid>/attr/current. The genuine loop: a run in complain mode, logprof answers
# the exec question (creating the child or target profile), a second run in complain mode teaches
# the new profile what the program does, logprof again, enforce, and the kernel's label.
. /mnt/inject/lib.sh
install_prog /opt/e2e/target
for m in inherit child profile; do
  install_prog /opt/e2e/p-$m
  printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile p-%s /opt/e2e/p-%s flags=(complain) {\n  include <abstractions/base>\n  /opt/e2e/p-%s mr,\n}\n' $m $m $m > /etc/apparmor.d/opt.e2e.p-$m
  apparmor_parser -r /etc/apparmor.d/opt.e2e.p-$m
done

for m in inherit child profile; do
  case $m in inherit) key=h ;; child) key=c ;; profile) key=p ;; esac
  targets="/opt/e2e/p-$m"; [ $m = profile ] && targets="$targets /opt/e2e/target"
  mark "exec-$m"
  dmesg -c > /dev/null
  /opt/e2e/p-$m exec:/opt/e2e/target
  kernel_log /tmp/$m.log
  check "$m: the exec was logged" grep -q 'operation="exec"' /tmp/$m.log
  check "$m: logprof --json answered the exec with ($key)" json_review /tmp/$m.log $key
  # Second run in complain mode: the new rules (and the new child or target profile) learn.
  check "$m: complain" aaswift complain $targets
  dmesg -c > /dev/null
  /opt/e2e/p-$m exec:/opt/e2e/target
  kernel_log /tmp/$m-2.log
  check "$m: logprof --json allows the rest" json_review /tmp/$m-2.log $key
  cat /etc/apparmor.d/opt.e2e.p-$m; [ $m = profile ] && cat /etc/apparmor.d/opt.e2e.target
  check "$m: aaswift enforce" aaswift enforce $targets
  out=$(/opt/e2e/p-$m exec:/opt/e2e/target 2>&1); echo "$out"
  label=$(echo "$out" | sed -n 's/^label: //p')
  case $m in
    inherit) want="p-inherit (enforce)" ;;
    child) want="p-child///opt/e2e/target (enforce)" ;;
    profile) want="target (enforce)" ;;
  esac
  check "$m: the target runs as '$label' (expected '$want')" test "$label" = "$want"
done
finish
