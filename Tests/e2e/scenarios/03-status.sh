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
aa-status; echo; aaswift status
for opt in --profiled --enforced --complaining; do
  a=$(aa-status $opt); b=$(aaswift status $opt)
  check "status $opt: aa-status $a, aaswift $b" test "$a" = "$b"
done
check "aa-status --enabled and aaswift agree" sh -c 'aa-status --enabled; a=$?; aaswift status --enabled; [ $a -eq $? ]'
aaswift status --json > /tmp/status.json
cat /tmp/status.json; echo
check "status --json is valid JSON with a profiles map" grep -q '"profiles"' /tmp/status.json
for line in "one\":\"enforce" "two\":\"complain" "three\":\"enforce"; do
  check "json has $line" grep -q "$line" /tmp/status.json
done
aa-status --json > /tmp/aa-status.json 2>/dev/null && {
  for p in one two three; do
    a=$(grep -o "\"$p\":\"[a-z]*\"" /tmp/aa-status.json); b=$(grep -o "\"$p\":\"[a-z]*\"" /tmp/status.json)
    check "mode of $p: aa-status $a, aaswift $b" test "$a" = "$b"
  done
}
finish
