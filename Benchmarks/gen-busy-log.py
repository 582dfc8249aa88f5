#!/usr/bin/env python3
"""A log shaped like a busy host's, for the logprof and decode-log benchmarks.

Every line is an AppArmor record. The records are taken from upstream's test_multi cases and
its ping log (../shared/conformance), plus any real-kernel records given with --extra (the
shared/vm guest's), in every format those cover: audit.log, syslog, kernel log, the old
REJECTING/PERMITTING lines. Each line gets a fresh serial and pid, one of about 70 profile
names (most of them absent from Debian's /etc/apparmor.d), and a varied path component, so the
log holds tens of thousands of distinct requests. The mix follows a busy host: about 38%
DENIED, 23% ALLOWED, 3% STATUS, 1% AUDIT, the rest syslog lines and old formats.

    gen-busy-log.py [--lines N] [--seed S] [--extra FILE]... CONFORMANCE_DIR OUT
"""
import argparse
import glob
import os
import random
import re

# Profile names: a quarter exist in Debian 12's /etc/apparmor.d, the rest do not.
PRESENT = ["/usr/bin/man", "dnsmasq", "ping", "smbd", "nscd", "avahi-daemon", "traceroute",
           "identd", "klogd", "syslogd", "mdnsd", "nmbd", "php-fpm", "/usr/bin/pidgin",
           "lsb_release", "tcpdump", "/usr/sbin/ntpd"]
ABSENT = ["/usr/bin/app%d" % i for i in range(30)] + \
         ["/opt/vendor/bin/svc%d" % i for i in range(15)] + \
         ["snap.tool%d.daemon" % i for i in range(8)]
PROFILES = PRESENT + ABSENT

SYSLOG_START = re.compile(r"^[A-Z][a-z]{2} +\d+ ")
SERIAL = re.compile(r"audit\((\d+)\.(\d+):(\d+)\)")
PID = re.compile(r"\bpid=\d+")
PROFILE = re.compile(r'\bprofile="[^"]*"')
NAME = re.compile(r'\bname="/([^"]*)"')


def event_type(out_path):
    try:
        with open(out_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("Event type:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "AA_RECORD_INVALID"


def load(conformance, extras):
    """Records by category: denied, allowed, status, audit, other (syslog and old formats)."""
    cats = {k: [] for k in ("denied", "allowed", "status", "audit", "other")}
    multi = os.path.join(conformance, "libapparmor-test_multi")
    for path in sorted(glob.glob(os.path.join(multi, "*.in"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
        if len(lines) != 1:
            continue
        line = lines[0]
        kind = event_type(path[:-3] + ".out")
        if kind == "AA_RECORD_HINT":
            continue  # upstream 3.0.8's aa-logprof stops with KeyError 'HINT' on these
        if SYSLOG_START.match(line) or "REJECTING" in line or "PERMITTING" in line:
            cats["other"].append(line)
        elif kind == "AA_RECORD_DENIED":
            cats["denied"].append(line)
        elif kind == "AA_RECORD_ALLOWED":
            cats["allowed"].append(line)
        elif kind == "AA_RECORD_STATUS":
            cats["status"].append(line)
        elif kind == "AA_RECORD_AUDIT":
            cats["audit"].append(line)
        else:
            cats["other"].append(line)
    sources = [os.path.join(conformance, "utils-test", "logprof", "ping.auditlog")] + extras
    for path in sources:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if 'apparmor="DENIED"' in line:
                    cats["denied"].append(line)
                elif 'apparmor="ALLOWED"' in line:
                    cats["allowed"].append(line)
                elif 'apparmor="STATUS"' in line:
                    cats["status"].append(line)
                elif 'apparmor="AUDIT"' in line:
                    cats["audit"].append(line)
    return cats


def upstream_reads(line):
    """Whether upstream's log reader (python3-apparmor) takes the record without stopping: 3.0.8
    ends the whole run on some records (unknown modes, HINT), so both sides get a log it reads."""
    from apparmor.logparser import ReadLog
    from apparmor.common import AppArmorException
    reader = ReadLog("", {}, "")
    try:
        event = reader.parse_event(line)
        if event:
            reader.parse_event_for_tree(event)
    except (AppArmorException, KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def vary(line, rng, serial):
    line = SERIAL.sub(lambda m: "audit(%s.%03d:%d)" % (m.group(1), serial % 1000, serial), line, count=1)
    line = PID.sub("pid=%d" % rng.randint(300, 4000000), line)
    if rng.random() < 0.98:
        line = PROFILE.sub('profile="%s"' % rng.choice(PROFILES), line, count=1)
    # Tens of thousands of distinct names: a varied component in front of most paths.
    if rng.random() < 0.8:
        line = NAME.sub(lambda m: 'name="/srv/d%d/f%d/%s"' % (rng.randrange(40), rng.randrange(1500), m.group(1)),
                        line, count=1)
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--extra", action="append", default=[], help="more records (e.g. the VM's)")
    ap.add_argument("--upstream-safe", action="store_true",
                    help="only records upstream's aa-logprof reads without stopping (needs python3-apparmor)")
    ap.add_argument("conformance")
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cats = load(args.conformance, args.extra)
    if args.upstream_safe:
        cats = {k: [l for l in v if upstream_reads(l)] for k, v in cats.items()}
    weights = {"denied": 38, "allowed": 23, "status": 3, "audit": 1, "other": 35}
    names = [k for k in weights if cats[k]]
    w = [weights[k] for k in names]
    serial = 100000
    with open(args.out, "w", encoding="utf-8") as f:
        for _ in range(args.lines):
            serial += 1
            cat = rng.choices(names, w)[0]
            f.write(vary(rng.choice(cats[cat]), rng, serial) + "\n")


if __name__ == "__main__":
    main()
