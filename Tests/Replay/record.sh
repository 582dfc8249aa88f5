#!/usr/bin/env bash
# Records the replay fixtures: runs replay-prog.c under replay.profile in ../shared/vm's guest
# (Debian 12's 6.1 kernel, or --suite trixie for 6.12) and keeps the AppArmor records.
#   Tests/Replay/record.sh bookworm|trixie   -> Tests/Replay/Fixtures/<suite>.log
set -euo pipefail
suite=${1:-bookworm}
here=$(cd "$(dirname "$0")" && pwd)
vm=${AASWIFT_VM:-$here/../../../shared/vm}
work=$(mktemp -d /tmp/aaswift-replay.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inject" "$here/Fixtures"
cc -static -O2 -o "$work/inject/prog" "$here/replay-prog.c"
cp "$here/replay.profile" "$work/inject/"
cat > "$work/job.sh" <<'JOB'
mkdir -p /opt/replay /mnt/rp
for p in prog helper kid other; do cp /mnt/inject/prog /opt/replay/$p; done
apparmor_parser -r /mnt/inject/replay.profile || echo "load failed"
sleep 100 & peer=$!
echo "@@MARK replay" > /dev/kmsg
/opt/replay/prog read:/etc/hostname write:/tmp/replay.out read:/etc/ssl/certs/ca-certificates.crt \
  exec:/opt/replay/helper exec:/opt/replay/kid exec:/opt/replay/other hat:known hat:learned \
  signal:$peer ptraceread:1 tcp4:9 udp6 unix netlink mount:/mnt/rp -- read:/etc/passwd
sleep 1
JOB
"$vm/run-guest.sh" --suite "$suite" -i "$work/inject" -o "$work/out" -t 300 "$work/job.sh"
cat "$work/out/guest-stdout.txt" >&2
grep -E 'apparmor="(ALLOWED|DENIED|AUDIT)".* profile="replay' "$work/out/audit.log" > "$here/Fixtures/$suite.log"
wc -l "$here/Fixtures/$suite.log"
