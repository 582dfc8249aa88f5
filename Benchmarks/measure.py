#!/usr/bin/env python3
"""Runs a command several times and prints the median, min and max wall time and the peak
memory (max RSS) of the runs, for the side-by-side benchmark tables. Needs nothing but Python.

    measure.py [--runs N] [--warmup N] -- COMMAND...
prints one line: `median min max maxrss_mb` (seconds, seconds, seconds, MiB).
The command's standard output goes to $MEASURE_OUT when set, else to /dev/null.
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd, out_path):
    with open(out_path or os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main():
    args = sys.argv[1:]
    runs, warmup = 5, 1
    while args and args[0] != "--":
        flag = args.pop(0)
        if flag == "--runs":
            runs = int(args.pop(0))
        elif flag == "--warmup":
            warmup = int(args.pop(0))
        else:
            sys.exit("measure.py: unknown option %s" % flag)
    cmd = args[1:]
    if not cmd:
        sys.exit("usage: measure.py [--runs N] [--warmup N] -- COMMAND...")
    out_path = os.environ.get("MEASURE_OUT")
    for _ in range(warmup):
        run_once(cmd, out_path)
    times, rss = [], 0.0
    for _ in range(runs):
        t, m, code = run_once(cmd, out_path)
        if code not in (0, 1):
            sys.exit("measure.py: %s exited %d" % (cmd[0], code))
        times.append(t)
        rss = max(rss, m)
    print("%.4f %.4f %.4f %.1f" % (statistics.median(times), min(times), max(times), rss))


if __name__ == "__main__":
    main()
