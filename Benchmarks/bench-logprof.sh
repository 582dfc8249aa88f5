#!/usr/bin/env bash
# logprof on a 100k-line audit.log with ~500 distinct requests against Debian's /etc/apparmor.d:
# `aaswift logprof --allow-all --allow-denied --dry-run` (the records are DENIED) side by side with upstream's aa-logprof driven through
# its --json dialog (every rule allowed with its first option; the save prompt aborted, so
# neither tool writes). Upstream's AppArmor-running check is bypassed so it runs in a container.
set -euo pipefail
bin=${1:?usage: bench-logprof.sh AASWIFT_BINARY}
src=${PROFILE_DIR:-/etc/apparmor.d}
py=/usr/bin/python3
[ -x /usr/sbin/aa-logprof ] || { echo "aa-logprof not installed; skipping"; exit 0; }
$py -c 'import apparmor.aa' 2>/dev/null || { echo "python3-apparmor not importable; skipping"; exit 0; }
[ -f "$src/usr.bin.man" ] || { echo "no Debian profiles in $src; skipping"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$src" "$tmp/ours"; cp -r "$src" "$tmp/theirs"

# The log: AppArmor records (audit.log format without class=, which Debian's libapparmor 3.0
# does not parse) for ~500 distinct requests of the folder's profiles, repeated, among other
# audit records.
$py - "$tmp/audit.log" <<'PY'
import random, sys
random.seed(7)
profiles = ["/usr/bin/man", "dnsmasq", "ping", "smbd", "nscd", "avahi-daemon", "traceroute", "identd",
            "klogd", "syslogd", "mdnsd", "nmbd", "apt-cacher-ng", "php-fpm", "/usr/bin/pidgin", "lsb_release"]
events = []
for i in range(500):
    p = profiles[i % len(profiles)]
    k = i % 10
    if k < 4:
        path, mask, own = "/srv/bench/d%d/file%d.dat" % (i % 23, i), random.choice("rw"), 0
    elif k < 6:
        path, mask, own = "/proc/%d/%s" % (1000 + i, random.choice(["status", "cmdline", "stat"])), "r", 1
    elif k < 7:
        path, mask, own = "/home/user%d/.config/app%d/conf" % (i % 5, i), "r", 1
    elif k < 8:
        path, mask, own = "/usr/lib/x86_64-linux-gnu/libbench%d.so.%d" % (i, i % 4), "r", 0
    elif k < 9:
        path, mask, own = "/etc/ld.so.cache", "r", 0          # already allowed (abstractions/base)
    else:
        path, mask, own = "/var/lib/bench%d/state/%d" % (i % 7, i), "w", 1
    events.append('apparmor="DENIED" operation="open" profile="%s" name="%s" pid=%d comm="x" requested_mask="%s" denied_mask="%s" fsuid=1000 ouid=%d'
                  % (p, path, 2000 + i, mask, mask, 1000 if own else 0))
with open(sys.argv[1], "w") as f:
    n, serial = 0, 1000
    while n < 100000:
        serial += 1
        r = random.random()
        if r < 0.3:
            f.write('type=AVC msg=audit(1700000000.%03d:%d): %s\n' % (serial % 1000, serial, random.choice(events)))
        elif r < 0.65:
            f.write('type=SYSCALL msg=audit(1700000000.%03d:%d): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c items=0 ppid=1 pid=%d auid=1000 uid=1000 comm="x" exe="/usr/bin/x" key=(null)\n' % (serial % 1000, serial, serial))
        else:
            f.write('type=USER_ACCT msg=audit(1700000000.%03d:%d): pid=%d uid=0 auid=1000 ses=1 msg=\'op=PAM:accounting grantors=pam_permit acct="root" exe="/usr/bin/sudo" res=success\'\n' % (serial % 1000, serial, serial))
        n += 1
PY

cat > "$tmp/drive.py" <<'PY'
# Runs aa-logprof --json (AppArmor check bypassed) and answers its dialogs: allow option 1 of
# every rule, abort at the save prompt. Prints the number of rule prompts.
import json, subprocess, sys
shim = ("import runpy, sys\nimport apparmor.aa as aa\naa.check_for_apparmor = lambda *a, **k: '/sys/kernel/security/apparmor'\n"
        "sys.argv = ['aa-logprof'] + sys.argv[1:]\nrunpy.run_path('/usr/sbin/aa-logprof', run_name='__main__')\n")
p = subprocess.Popen(["/usr/bin/python3", "-c", shim, "--json", "-d", sys.argv[1], "-f", sys.argv[2]],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
prompts = 0
for line in p.stdout:
    line = line.strip()
    if not line.startswith("{"):
        continue
    m = json.loads(line)
    d = m["dialog"]
    if d == "promptuser":
        if m.get("title") == "Changed Local Profiles":
            reply = {"dialog": "promptuser", "selected": 0, "response_key": "r"}
        else:
            prompts += 1
            reply = {"dialog": "promptuser", "selected": 0, "response_key": "a"}
    elif d in ("yesno", "yesnocancel"):
        reply = {"dialog": d, "response_key": "y"}
    elif d in ("getstring", "getfile", "changes"):
        reply = {"dialog": d, "response": ""}
    else:
        continue
    p.stdin.write(json.dumps(reply) + "\n")
    p.stdin.flush()
p.wait()
print(prompts)
PY

now() { date +%s.%N; }
best() { # command... -> best wall time in seconds over RUNS runs (stdout of the last run in $tmp/out)
  local b="" s e d
  for _ in $(seq "${RUNS:-5}"); do
    s=$(now); "$@" > "$tmp/out"; e=$(now)
    d=$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')
    if [ -z "$b" ] || awk -v d="$d" -v b="$b" 'BEGIN { exit !(d < b) }'; then b=$d; fi
  done
  echo "$b"
}
theirs_t=$(best $py "$tmp/drive.py" "$tmp/theirs" "$tmp/audit.log"); theirs=$(cat "$tmp/out")
ours_t=$(best "$bin" logprof --allow-all --allow-denied --dry-run --no-reload -d "$tmp/ours" -f "$tmp/audit.log")
ours=$(grep -c '^Adding ' "$tmp/out" || true)
lines=$(wc -l < "$tmp/audit.log")
printf '%-46s %12s %12s %8s\n' "logprof, $lines-line audit.log (best of ${RUNS:-5})" "aa-logprof" "aaswift" "ratio"
awk -v a="$theirs_t" -v b="$ours_t" -v qa="$theirs" -v qb="$ours" 'BEGIN {
  printf "%-46s %11.3fs %11.3fs %7.1fx\n", "total wall time", a, b, a / b
  printf "%-46s %12d %12d\n", "rules asked about and allowed", qa, qb }'
echo "(upstream asks again about requests whose rules in includes use variables, such as"
echo " @{PROC}/@{pid}/status or @{etc_ro}/ld.so.cache; aaswift expands them and knows they are allowed)"
