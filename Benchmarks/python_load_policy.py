#!/usr/bin/python3
"""Loads a whole policy tree with the upstream Python tools, as aa-logprof does at start-up:
init_aa(), profile_dir set to the tree, then loadincludes() and read_profiles().
Usage: python_load_policy.py DIR. Prints the number of profiles and includes read."""
import sys

import apparmor.aa as aa
import apparmor.ui as aaui

aaui.UI_mode = 'text'
tree = sys.argv[1]
aa.init_aa(profiledir=tree)
aa.profile_dir = tree
aa.loadincludes()
aa.read_profiles()
print('include files: %d' % len(aa.include), file=sys.stderr)
