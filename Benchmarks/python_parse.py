#!/usr/bin/python3
"""Upstream's Python parser (python3-apparmor's aa.parse_profile_data) over a list of files.

Reads file paths from stdin, parses each the way the upstream tools do (abstractions and other
include files with do_include=True), and prints how many were read and how many raised. Used by
bench-syntax.sh to time the upstream parser on the same files as `aaswift parse`.
"""
import sys

import apparmor.aa as aa
import apparmor.ui as ui

ui.UI_mode = 'text'
aa.init_aa(profiledir=sys.argv[1] if len(sys.argv) > 1 else '/etc/apparmor.d')
ok = failed = 0
for path in sys.stdin.read().splitlines():
    try:
        with open(path, encoding='utf-8', errors='surrogateescape') as f:
            data = f.readlines()
        is_include = '/abstractions/' in path or '/tunables/' in path or '/includes' in path or path.endswith('.include')
        aa.parse_profile_data(data, path, is_include)
        ok += 1
    except Exception:
        failed += 1
print(f"python: {ok} parsed, {failed} raised", file=sys.stderr)
