#!/bin/sh
# make deb: aaswift_<version>_<arch>.deb from the release binary, with dpkg-deb.
#   build-deb.sh BINARY VERSION OUTDIR
# The package holds the static binary, compressed man pages, bash/zsh/fish completions generated
# by the binary, easyprof's templates and policy groups, the aa-* links in
# /usr/libexec/aaswift/aa-bin and the copyright file (layout.sh lists them). The binary is
# static, so it depends only on apparmor (for apparmor_parser). lintian, when installed, must
# report no errors.
set -eu
bin=$(realpath "${1:?usage: build-deb.sh BINARY VERSION OUTDIR}")
version=${2:?version}
out=$(realpath -m "${3:?outdir}")
here=$(cd "$(dirname "$0")" && pwd)
arch=$(dpkg --print-architecture)
name=aaswift_${version}_${arch}
stage=$out/$name
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
DESTDIR=$stage PREFIX=/usr DATADIR=/usr/share GZIP_MAN=1 "$here/layout.sh" install "$bin"
doc=$stage/usr/share/doc/aaswift
install -d "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
date=$(git -C "$here/.." log -1 --format=%aD 2>/dev/null || date -R)
printf 'aaswift (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- aaswift developers <aaswift@users.noreply.github.com>  %s\n' \
  "$version" "$version" "$date" | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -d "$stage/usr/share/lintian/overrides"
install -m 0644 "$here/lintian-overrides" "$stage/usr/share/lintian/overrides/aaswift"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: aaswift
Version: $version
Architecture: $arch
Maintainer: aaswift developers <aaswift@users.noreply.github.com>
Installed-Size: $size
Depends: apparmor
Section: admin
Priority: optional
Homepage: https://gitlab.com/apparmor/apparmor
Description: AppArmor profile tools in one fast binary
 aaswift rebuilds AppArmor's userspace profile tools (aa-logprof, aa-genprof,
 aa-easyprof, aa-autodep, aa-complain, aa-enforce, aa-audit, aa-disable,
 aa-status, aa-decode) as subcommands of one static binary: it reads every
 profile apparmor_parser reads, edits profiles as text patches (an unchanged
 profile stays byte-identical) and writes atomically.
 .
 Links named after the upstream tools are in /usr/libexec/aaswift/aa-bin.
CONTROL
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/$name.deb" >/dev/null
rm -rf "$stage"
echo "$out/$name.deb: $(du -k "$out/$name.deb" | cut -f1) KB; binary $(du -k "$bin" | cut -f1) KB installed"
if command -v lintian >/dev/null; then
  rc=0
  report=$(lintian --fail-on error --tag-display-limit 0 "$out/$name.deb" 2>&1) || rc=$?
  echo "$report" | grep -v "running with root privileges" || true
  [ "$rc" -eq 0 ] || { echo "lintian: errors" >&2; exit 1; }
  echo "lintian: no errors"
else
  echo "lintian not installed (make deps installs it)"
  [ "${CI:-}" = true ] && { echo "CI=true: lintian is required" >&2; exit 1; }
fi
