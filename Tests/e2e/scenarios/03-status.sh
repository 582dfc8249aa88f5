#!/bin/sh
# aaswift status and status --json agree with the guest's aa-status on counts and modes.
. /mnt/inject/lib.sh
for n in one two three; do
  install_prog /opt/e2e/$n
  printf 'profile %s /opt/e2e/%s {\n  /opt/e2e/%s mr,\n}\n' $n $n $n > /tmp/$n.profile
done
apparmor_parser -r /tmp/one.profile
apparmor_parser -r -C /tmp/two.profile
apparmor_parser -r /tmp/three.profile
# Confined processes: busybox copies at the attached paths, run as "sleep" through a symlink.
cp /bin/busybox /opt/e2e/one; cp /bin/busybox /opt/e2e/two
ln -sf /opt/e2e/one /tmp/sleep-one; ln -sf /opt/e2e/two /tmp/sleep-two
mkdir -p /tmp/s1 /tmp/s2; ln -sf /opt/e2e/one /tmp/s1/sleep; ln -sf /opt/e2e/two /tmp/s2/sleep
# (output to /dev/null: a sleeper holding the script's stdout would keep the run open)
/tmp/s1/sleep 60 > /dev/null 2>&1 & s1=$!
/tmp/s1/sleep 60 > /dev/null 2>&1 & s2=$!
/tmp/s2/sleep 60 > /dev/null 2>&1 & s3=$!
sleep 0.5
aa-status; echo; aaswift status
for opt in --profiled --enforced --complaining --process-mixed; do
  a=$(aa-status $opt); b=$(aaswift status $opt)
  check "status $opt: aa-status $a, aaswift $b" test "$a" = "$b"
done
a=$(aa-status | sed -n 's/^\([0-9]*\) processes are in enforce mode.*/\1/p'); b=$(aaswift status | sed -n 's/^\([0-9]*\) processes are in enforce mode.*/\1/p')
check "processes in enforce mode: aa-status $a, aaswift $b" test -n "$a" -a "$a" = "$b" -a "$a" = 2
a=$(aa-status | sed -n 's/^\([0-9]*\) processes are in complain mode.*/\1/p'); b=$(aaswift status | sed -n 's/^\([0-9]*\) processes are in complain mode.*/\1/p')
check "processes in complain mode: aa-status $a, aaswift $b" test -n "$a" -a "$a" = "$b" -a "$a" = 1
check "aa-status --enabled and aaswift agree" sh -c 'aa-status --enabled; a=$?; aaswift status --enabled; [ $a -eq $? ]'
aaswift status --json | tr -d ' \n' > /tmp/status.json
cat /tmp/status.json; echo
check "status --json is valid JSON with a profiles map" grep -q '"profiles"' /tmp/status.json
for line in "one\":\"enforce" "two\":\"complain" "three\":\"enforce"; do
  check "json has $line" grep -q "$line" /tmp/status.json
done
aa-status --json 2>/dev/null | tr -d ' \n' > /tmp/aa-status.json
cat /tmp/aa-status.json; echo
for p in one two three; do
  a=$(grep -o "\"$p\":\"[a-z]*\"" /tmp/aa-status.json); b=$(grep -o "\"$p\":\"[a-z]*\"" /tmp/status.json)
  check "mode of $p: aa-status $a, aaswift $b" test -n "$a" -a "$a" = "$b"
done
kill $s1 $s2 $s3 2>/dev/null
finish
