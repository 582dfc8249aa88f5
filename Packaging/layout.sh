#!/bin/sh
# The files aaswift installs, in one place for `make install`, `make uninstall` and `make deb`.
#   layout.sh install BINARY    copies the binary, man pages, completions, easyprof data and
#                               the aa-* links under $DESTDIR$PREFIX (and $DATADIR)
#   layout.sh uninstall         removes exactly those files (and the folders left empty)
# Environment: PREFIX (/usr/local), DATADIR (/usr/share: the binary looks for easyprof's
# templates in /usr/share/aaswift/easyprof), DESTDIR (staging root), GZIP_MAN=1 to compress
# the man pages (as Debian packages must), AA_NAMES=1 to link the aa-* names in bin/ too.
set -eu
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}
DATADIR=${DATADIR:-/usr/share}
DESTDIR=${DESTDIR:-}
# The aa-* names of the upstream tools aaswift implements (argv[0] selects the subcommand;
# UpstreamNames in Sources/aaswift/VersionInfo.swift must list the same).
UPSTREAM_NAMES="aa-audit aa-autodep aa-cleanprof aa-complain aa-decode aa-disable aa-easyprof aa-enabled aa-enforce aa-exec aa-features-abi aa-genprof aa-logprof aa-mergeprof aa-notify aa-remove-unknown aa-status aa-unconfined"
AA_NAMES=${AA_NAMES:-0}
BIN_DIR=$PREFIX/bin
MAN_DIR=$PREFIX/share/man/man8
BASH_DIR=$PREFIX/share/bash-completion/completions
# Debian's zsh reads vendor-completions for /usr, site-functions for /usr/local.
if [ "$PREFIX" = /usr ]; then ZSH_DIR=$PREFIX/share/zsh/vendor-completions; else ZSH_DIR=$PREFIX/share/zsh/site-functions; fi
FISH_DIR=$PREFIX/share/fish/vendor_completions.d
DATA=$DATADIR/aaswift
AA_BIN=$PREFIX/libexec/aaswift/aa-bin

man_suffix() { if [ "${GZIP_MAN:-0}" = 1 ]; then echo .8.gz; else echo .8; fi; }

files() { # every installed path (files and links), one a line
  echo "$BIN_DIR/aaswift"
  for m in man/*.8; do echo "$MAN_DIR/$(basename "$m" .8)$(man_suffix)"; done
  echo "$BASH_DIR/aaswift"; echo "$ZSH_DIR/_aaswift"; echo "$FISH_DIR/aaswift.fish"
  for f in Resources/easyprof/templates/* Resources/easyprof/policygroups/*; do
    echo "$DATA/easyprof/$(basename "$(dirname "$f")")/$(basename "$f")"
  done
  for n in $UPSTREAM_NAMES; do echo "$AA_BIN/$n"; done
  if [ "$AA_NAMES" = 1 ]; then for n in $UPSTREAM_NAMES; do echo "$BIN_DIR/$n"; done; fi
}

case "${1:-}" in
install)
  bin=${2:?usage: layout.sh install BINARY}
  install -D -m 0755 "$bin" "$DESTDIR$BIN_DIR/aaswift"
  install -d "$DESTDIR$MAN_DIR"
  for m in man/*.8; do
    if [ "${GZIP_MAN:-0}" = 1 ]; then
      gzip -9n < "$m" > "$DESTDIR$MAN_DIR/$(basename "$m").gz"; chmod 0644 "$DESTDIR$MAN_DIR/$(basename "$m").gz"
    else
      install -m 0644 "$m" "$DESTDIR$MAN_DIR/"
    fi
  done
  # Completions from the binary itself (ArgumentParser), so they always match its options.
  install -d "$DESTDIR$BASH_DIR" "$DESTDIR$ZSH_DIR" "$DESTDIR$FISH_DIR"
  # bash-completion sources the file: no #! line (lintian's bash-completion-with-hashbang).
  "$bin" --generate-completion-script bash | sed '1{/^#!/d}' > "$DESTDIR$BASH_DIR/aaswift"
  "$bin" --generate-completion-script zsh > "$DESTDIR$ZSH_DIR/_aaswift"
  "$bin" --generate-completion-script fish > "$DESTDIR$FISH_DIR/aaswift.fish"
  chmod 0644 "$DESTDIR$BASH_DIR/aaswift" "$DESTDIR$ZSH_DIR/_aaswift" "$DESTDIR$FISH_DIR/aaswift.fish"
  for kind in templates policygroups; do
    install -d "$DESTDIR$DATA/easyprof/$kind"
    install -m 0644 Resources/easyprof/$kind/* "$DESTDIR$DATA/easyprof/$kind/"
  done
  # The upstream names, as relative links (the tree can move as a whole).
  install -d "$DESTDIR$AA_BIN"
  rel=$(realpath -m --relative-to="$AA_BIN" "$BIN_DIR/aaswift")
  for n in $UPSTREAM_NAMES; do ln -sfn "$rel" "$DESTDIR$AA_BIN/$n"; done
  # AA_NAMES=1: the names in bin/ too, beside aaswift (they shadow upstream's on PATH).
  if [ "$AA_NAMES" = 1 ]; then for n in $UPSTREAM_NAMES; do ln -sfn aaswift "$DESTDIR$BIN_DIR/$n"; done; fi
  ;;
uninstall)
  files | while read -r f; do rm -f "$DESTDIR$f"; done
  # The bin/ links of an AA_NAMES=1 install, whatever AA_NAMES says now (only links to aaswift).
  for n in $UPSTREAM_NAMES; do
    [ "$(readlink "$DESTDIR$BIN_DIR/$n" 2>/dev/null)" = aaswift ] && rm -f "$DESTDIR$BIN_DIR/$n"
  done
  for d in "$AA_BIN" "$PREFIX/libexec/aaswift" "$DATA/easyprof/templates" "$DATA/easyprof/policygroups" "$DATA/easyprof" "$DATA"; do
    rmdir "$DESTDIR$d" 2>/dev/null || true
  done
  ;;
files) files ;;
*) echo "usage: layout.sh install BINARY | uninstall | files" >&2; exit 2 ;;
esac
