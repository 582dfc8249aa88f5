#!/usr/bin/env python3
"""startup-data-symbols.py BINARY TRACE...: the data symbols a run touched, in first-touch order.

Each TRACE is the output of `valgrind --tool=lackey --trace-mem=yes` on BINARY (which keeps its
symbol table). Every load, store or modify whose address falls in one of BINARY's writable or
read-only data segments (not its code) is named by the symbol at or below it; each name is
printed once, the first time any trace touches it, one a line.

Packaging/startup-order.sh appends this list to the functions: lld's --symbol-ordering-file
then places the input sections holding these variables first in .data, .bss, .rodata and
.data.rel.ro, so a short command writes to a handful of pages there instead of one here and one
there across 3 MB (each first write to a page is a page fault).
"""
import bisect
import subprocess
import sys


def load_segments(binary):
    """(start, end) of each PT_LOAD segment that is not executable."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    segments = []
    for line in out.splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD":
            start, size, flags = int(fields[2], 16), int(fields[5], 16), "".join(fields[6:-1])
            if "E" not in flags:
                segments.append((start, start + size))
    return segments


def load_symbols(binary):
    """Symbols sorted by address: (addresses, names)."""
    out = subprocess.run(["nm", "-n", binary], capture_output=True, text=True, check=True).stdout
    pairs = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] not in "aAU":
            pairs.append((int(fields[0], 16), fields[2]))
    pairs.sort()
    return [a for a, _ in pairs], [n for _, n in pairs]


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: startup-data-symbols.py BINARY TRACE...")
    binary = sys.argv[1]
    segments = load_segments(binary)
    addresses, names = load_symbols(binary)
    seen = set()
    for trace in sys.argv[2:]:
        with open(trace, errors="replace") as f:
            for line in f:
                fields = line.split()
                # " L 04a2c8f0,8", " S ...", " M ..." (data); "I ..." is an instruction fetch.
                if len(fields) != 2 or fields[0] not in ("L", "S", "M"):
                    continue
                address = int(fields[1].split(",")[0], 16)
                if not any(start <= address < end for start, end in segments):
                    continue
                i = bisect.bisect_right(addresses, address) - 1
                if i >= 0 and names[i] not in seen:
                    seen.add(names[i])
                    print(names[i])


if __name__ == "__main__":
    main()
