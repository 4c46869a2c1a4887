#!/usr/bin/env bash
# `make dist`: the release artifacts in dist/, built reproducibly from the
# checked-out commit.
#
#   ctitui_<version>_linux_amd64.tar.gz    binary, README, LICENSE, THIRD_PARTY,
#   ctitui_<version>_linux_arm64.tar.gz    CHANGELOG, man pages, completions
#   ctitui_<version>_windows_amd64.zip     ctitui.exe, the same documents and man pages
#   ctitui_<debversion>_amd64.deb          /usr/bin/ctitui, man pages, bash/zsh/fish
#   ctitui_<debversion>_arm64.deb          completions, /usr/share/doc/ctitui
#   SHA256SUMS
#
# Reproducible: the same commit and Go version give the same bytes. Binaries
# are static (CGO_ENABLED=0), built with -trimpath and no build id; every file
# date is the commit's date (SOURCE_DATE_EPOCH), archives list their members
# sorted with owner root, and gzip records no name or time.
#
# Version: `git describe` against v* tags. Before the first tag the version is
# v0.0.0-<commits>-g<hash>, what describe would print after a v0.0.0 tag on
# the first commit; a dirty tree adds -dirty. The Debian version is the same
# without the v and with + for - (0.0.0+205.g1a2b3c4): native, and ordered
# below any tagged release.
#
# The .deb is made by dpkg-deb from a control file written here: Debian's own
# tool, on every Debian machine already, which honours SOURCE_DATE_EPOCH and
# sorts its members itself; the package has no maintainer scripts and no
# dependencies (the binary is static), so a packaging tool would add a
# dependency tree to go.mod and nothing the control file cannot say.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
export LC_ALL=C TZ=UTC
umask 022

out=${DIST_DIR:-dist}
# The .deb's Maintainer field; set DEB_MAINTAINER for a published release
# (.invalid: the project has no mail address of its own yet).
maintainer=${DEB_MAINTAINER:-"ctitui maintainers <maintainers@ctitui.invalid>"}

describe=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || true)
if [ -z "$describe" ]; then
  describe="v0.0.0-$(git rev-list --count HEAD)-g$(git rev-parse --short=7 HEAD)"
  [ -z "$(git status --porcelain --untracked-files=no)" ] || describe+="-dirty"
fi
version=$describe
commit=$(git rev-parse --short=12 HEAD)
case $version in *-dirty) commit+="-dirty" ;; esac
debversion=${version#v}
debversion=${debversion//-/+}
debversion=${debversion/+g/.g}
export SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct HEAD)

echo "dist: ctitui $version (commit $commit, deb $debversion, $(go version | cut -d' ' -f3)) into $out/"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ldflags="-s -w -buildid= -X main.version=$version -X main.commit=$commit"
build() { # GOOS GOARCH OUTPUT
  CGO_ENABLED=0 GOOS=$1 GOARCH=$2 go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$3" ./cmd/ctitui
}

# Man pages and completions come from the commands themselves (a build for
# this machine runs the hidden gen-docs command).
build "$(go env GOHOSTOS)" "$(go env GOHOSTARCH)" "$work/host/ctitui"
"$work/host/ctitui" gen-docs --man "$work/docs/man/man1" --completions "$work/docs/completions"

# stamp DIR [EXECUTABLE...]: every file and directory gets the commit's date
# and a mode that does not depend on the builder's umask: 0755 for
# directories and the named executables, 0644 for the rest.
stamp() {
  local dir=$1
  shift
  find "$dir" -type d -exec chmod 0755 {} +
  find "$dir" -type f -exec chmod 0644 {} +
  [ $# -eq 0 ] || chmod 0755 "$@"
  find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

docs() { # DIR: the documents every archive carries
  cp README.md LICENSE THIRD_PARTY.md CHANGELOG.md "$1/"
  mkdir -p "$1/man"
  cp -r "$work/docs/man/man1" "$1/man/"
}

for target in linux/amd64 linux/arm64 windows/amd64; do
  os=${target%/*} arch=${target#*/}
  name=ctitui_${version}_${os}_${arch}
  dir=$work/archive/$name
  mkdir -p "$dir"
  exe=ctitui
  [ "$os" = windows ] && exe=ctitui.exe
  build "$os" "$arch" "$dir/$exe"
  docs "$dir"
  if [ "$os" = windows ]; then
    stamp "$dir" "$dir/$exe"
    # zip stores local time: TZ=UTC above. -X drops uid/gid and extended
    # timestamps, -D directory entries; the member list is sorted here.
    (cd "$work/archive" && find "$name" -type f | sort | zip -q -X -D -9 "$OLDPWD/$out/$name.zip" -@)
  else
    mkdir -p "$dir/completions"
    cp "$work/docs/completions/"* "$dir/completions/"
    stamp "$dir" "$dir/$exe"
    tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
      --mtime="@$SOURCE_DATE_EPOCH" -C "$work/archive" -cf - "$name" | gzip -9n > "$out/$name.tar.gz"
  fi
done

# The Debian packages reuse the linux binaries built above.
changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
for arch in amd64 arm64; do
  root=$work/deb/$arch
  mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/ctitui" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d"
  cp "$work/archive/ctitui_${version}_linux_${arch}/ctitui" "$root/usr/bin/ctitui"
  for page in "$work/docs/man/man1/"*.1; do
    gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
  done
  cp "$work/docs/completions/ctitui.bash" "$root/usr/share/bash-completion/completions/ctitui"
  cp "$work/docs/completions/_ctitui" "$root/usr/share/zsh/vendor-completions/_ctitui"
  cp "$work/docs/completions/ctitui.fish" "$root/usr/share/fish/vendor_completions.d/ctitui.fish"
  doc=$root/usr/share/doc/ctitui
  gzip -9n < CHANGELOG.md > "$doc/CHANGELOG.md.gz"
  gzip -9n < THIRD_PARTY.md > "$doc/THIRD_PARTY.md.gz"
  gzip -9n < README.md > "$doc/README.md.gz"
  # A native package's changelog, in Debian's format (the project's own is
  # CHANGELOG.md beside it).
  printf 'ctitui (%s) unstable; urgency=medium\n\n  * Built from commit %s (%s).\n  * Changes: /usr/share/doc/ctitui/CHANGELOG.md.gz.\n\n -- %s  %s\n' \
    "$debversion" "$commit" "$version" "$maintainer" "$changelog_date" | gzip -9n > "$doc/changelog.gz"
  # Lintian takes a static binary for a mistake unless a source package
  # build-depends on golang-go; this one is static on purpose.
  mkdir -p "$root/usr/share/lintian/overrides"
  printf '%s\n' \
    '# A Go binary built with CGO_ENABLED=0, static on purpose: it needs no other package.' \
    'ctitui: statically-linked-binary [usr/bin/ctitui]' > "$root/usr/share/lintian/overrides/ctitui"
  # Machine-readable copyright (DEP-5). The binary links the Go modules listed
  # with their licences in THIRD_PARTY.md.gz.
  {
    printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n'
    printf 'Upstream-Name: ctitui\n'
    printf 'Comment: The binary is statically linked with the Go standard library and the\n'
    printf ' Go modules listed, with their licence texts, in\n'
    printf ' /usr/share/doc/ctitui/THIRD_PARTY.md.gz (MIT, BSD-2-Clause, BSD-3-Clause,\n'
    printf ' Apache-2.0, MPL-2.0 and LGPL-3.0; see /usr/share/common-licenses for the\n'
    printf ' last three).\n\n'
    printf 'Files: *\nCopyright: 2026 The ctitui authors\nLicense: Expat\n'
    sed -n '/^Permission is hereby granted/,$p' LICENSE | sed 's/^$/./; s/^/ /'
  } > "$doc/copyright"
  stamp "$root" "$root/usr/bin/ctitui"
  installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  cat > "$root/DEBIAN/control" <<EOF
Package: ctitui
Version: $debversion
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Section: admin
Priority: optional
Description: deploy MSI packages through AD Group Policy from a terminal
 ctitui deploys, upgrades, redeploys and removes an MSI application through
 Active Directory Group Policy Software Installation, talking LDAP and SMB
 directly to a domain controller (Windows AD DS or Samba AD), with no Windows
 admin host. It has an interactive console and a command line for scripts.
 .
 The binary is static and needs no other package (none of Samba).
EOF
  (cd "$root" && find usr -type f | sort | xargs md5sum) > "$root/DEBIAN/md5sums"
  stamp "$root/DEBIAN"
  dpkg-deb --root-owner-group -Zxz --build "$root" "$out/ctitui_${debversion}_${arch}.deb" >/dev/null
done

(cd "$out" && sha256sum -- *.tar.gz *.zip *.deb > SHA256SUMS)
echo "dist: done"
(cd "$out" && ls -l --time-style=+ -- * | awk '{print "  " $5 "\t" $NF}')
