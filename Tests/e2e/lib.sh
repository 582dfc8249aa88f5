# Sourced by every scenario inside the guest (busybox sh). /mnt/inject holds aaswift, prog and
# this file; /mnt/job is the results folder.
export PATH=/mnt/inject:$PATH
export NO_COLOR=1
PASSED=0
FAILED=0
mark() { echo "@@MARK $1" > /dev/kmsg; }
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# Installs the test program at $1 (a path the profiles attach to).
install_prog() { mkdir -p "$(dirname "$1")"; cp /mnt/inject/prog "$1"; chmod 755 "$1"; }
# The kernel's AppArmor records so far, in dmesg form (as logprof reads them).
kernel_log() { dmesg | grep 'apparmor="' > "$1"; }
loaded() { grep -q "^$1 " /sys/kernel/security/apparmor/profiles; }
mode_of() { sed -n "s|^$1 (\(.*\))\$|\1|p" /sys/kernel/security/apparmor/profiles; }
finish() { echo "scenario: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; }
# local/ files that stock abstractions include without "if exists"
touch_locals() { mkdir -p /etc/apparmor.d/local; for n in "$@"; do touch "/etc/apparmor.d/local/$n"; done; }
# json_review LOG EXEC_KEY [RULE_KEYS]: runs `aaswift logprof --json -f LOG` and answers its
# dialogs as a front end would (as YaST does): exec prompts with EXEC_KEY, rule prompts with
# the next key of RULE_KEYS (default: "a" for every one), yes/no questions with y (the
# unconfined ones with n), the save prompt with s. The dialog is logged to /tmp/json-dialog.log.
json_review() {
  log=$1; exec_key=$2; rule_keys=${3:-}
  rm -f /tmp/lp.in /tmp/lp.out; mkfifo /tmp/lp.in /tmp/lp.out
  aaswift logprof --json -f "$log" < /tmp/lp.in > /tmp/lp.out 2> /tmp/lp.err &
  lp=$!
  exec 3> /tmp/lp.in 4< /tmp/lp.out
  : > /tmp/json-dialog.log
  while IFS= read -r line <&4; do
    echo "o $line" >> /tmp/json-dialog.log
    reply=""
    case "$line" in
      *'"dialog": "promptuser"'*'Changed Local Profiles'*) reply='{"dialog":"promptuser","selected":0,"response_key":"s"}' ;;
      *'"dialog": "promptuser"'*'"Execute"'*) reply="{\"dialog\":\"promptuser\",\"selected\":0,\"response_key\":\"$exec_key\"}" ;;
      *'"dialog": "promptuser"'*)
        key=a
        if [ -n "$rule_keys" ]; then key=${rule_keys%% *}; case "$rule_keys" in *' '*) rule_keys=${rule_keys#* } ;; *) rule_keys="" ;; esac; fi
        reply="{\"dialog\":\"promptuser\",\"selected\":0,\"response_key\":\"$key\"}" ;;
      *'"dialog": "yesno"'*unconfined*) reply='{"dialog":"yesno","response_key":"n"}' ;;
      *'"dialog": "yesno"'*) reply='{"dialog":"yesno","response_key":"y"}' ;;
      *'"dialog": "getstring"'*) reply='{"dialog":"getstring","response":""}' ;;
      *'"dialog": "changes"'*) reply='{"dialog":"changes"}' ;;
    esac
    if [ -n "$reply" ]; then echo "i $reply" >> /tmp/json-dialog.log; echo "$reply" >&3; fi
  done
  exec 3>&- 4<&-
  wait $lp; rc=$?
  cat /tmp/json-dialog.log; cat /tmp/lp.err
  return $rc
}
