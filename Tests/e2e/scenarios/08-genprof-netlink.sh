#!/bin/sh
# aaswift genprof with no auditd: the profile goes to complain mode, the program runs, (S)can
# reads its records from the audit netlink socket, the answers add the rules, (F)inish
# enforces, and the program then runs cleanly under the enforced profile.
. /mnt/inject/lib.sh
P=/opt/e2e/gp
install_prog $P
echo data > /etc/e2e-gp-data
touch_locals opt.e2e.gp
rm -f /tmp/gp.in; mkfifo /tmp/gp.in
aaswift genprof -v $P < /tmp/gp.in > /tmp/gp.out 2>&1 &
gp=$!
exec 3> /tmp/gp.in
# wait_for TEXT [N]: until the output holds TEXT N times (default 1); 30 s at most.
wait_for() { i=0; while [ "$(grep -c -F "$1" /tmp/gp.out)" -lt "${2:-1}" ] && [ $i -lt 300 ]; do usleep 100000; i=$((i+1)); done; [ $i -lt 300 ]; }
check "genprof collects from the netlink socket" wait_for "reading the kernel's audit netlink socket"
wait_for "(S)can system log"
check "genprof put the profile in complain mode" test "$(mode_of gp)" = complain
check "the program runs in complain mode" $P read:/etc/e2e-gp-data
usleep 300000
printf s >&3
# Allow every question, save, then finish.
answered=0
i=0
while [ $i -lt 300 ]; do
  asked=$(grep -c -F '(A)llow' /tmp/gp.out)
  if [ "$asked" -gt "$answered" ]; then printf a >&3; answered=$asked; fi
  if grep -q -F '(V)iew Changes' /tmp/gp.out; then printf s >&3; break; fi
  usleep 100000; i=$((i+1))
done
check "the scan wrote the profile" wait_for "Writing updated profile"
check "genprof asks again" wait_for "(S)can system log" 2
printf f >&3
check "genprof finished" wait_for "Finished generating profile"
exec 3>&-
wait $gp
cat /tmp/gp.out
cat /etc/apparmor.d/opt.e2e.gp
check "the rule for the read is in the profile" grep -q "/etc/e2e-gp-data r," /etc/apparmor.d/opt.e2e.gp
check "the kernel has it in enforce mode" test "$(mode_of gp)" = enforce
check "the program runs cleanly under the enforced profile" $P read:/etc/e2e-gp-data
finish
