#!/usr/bin/env bash
# Builds Debian's own libmsi with one fix (libmsi-transform-name.patch: the
# table names of a transform are taken one byte into their U+4840 prefix,
# so Debian's libmsi 0.101 applies no transform at all), for the gpo/msi
# tests that apply our transforms with libmsi.
#
#   libmsi-patched.sh CACHE_DIR
#
# prints the directory that holds the patched libmsi.so.0. Run python3-gi
# with LD_LIBRARY_PATH set to it: the installed typelib
# (gir1.2-libmsi-1.0) loads "libmsi.so.0" by soname, so the patched library
# is used under the same GObject interface. The source is the one of the
# installed libmsi0 (same version, so the same ABI as that typelib), fetched
# with apt-get source from Debian's archive (signature checked by apt with
# the system keyring) through an apt state of its own under CACHE_DIR: the
# system's apt sources are not changed. The result is kept in CACHE_DIR
# under the version and the patch's hash; a second run only prints it.
# Needs: apt-get, dpkg-source (dpkg-dev), patch, gcc, bison, glib-mkenums
# and pkg-config with glib-2.0, gio-2.0 and libgsf-1
# (internal/testdomain/requirements.tsv).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 CACHE_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
patchfile=$here/libmsi-transform-name.patch
mkdir -p "$1"
cache=$(cd "$1" && pwd)

version=$(dpkg-query -W -f='${source:Version}' libmsi0 2>/dev/null) ||
  { echo "libmsi-patched: libmsi0 is not installed (gir1.2-libmsi-1.0 needs it)" >&2; exit 1; }
source=$(dpkg-query -W -f='${source:Package}' libmsi0)
sum=$(sha256sum "$patchfile" | cut -c1-12)
out=$cache/libmsi-$version-$sum

# One build at a time (tests of several packages may ask at once).
exec 9>"$cache/.libmsi.lock"
flock 9
if [ -e "$out/libmsi.so.0" ]; then
  echo "$out"
  exit 0
fi

work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# An apt state of our own with only Debian's deb-src line for the suite the
# installed package came from.
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
mkdir -p apt/lists/partial apt/cache/archives/partial
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" >apt/sources.list
aptopts=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=$work/apt/none"
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
  -o "APT::Sandbox::User=$(id -un)" -q)
apt-get "${aptopts[@]}" update >apt.log 2>&1 || { cat apt.log >&2; echo "libmsi-patched: apt-get update of deb-src failed" >&2; exit 1; }
apt-get "${aptopts[@]}" source --download-only "$source=$version" >>apt.log 2>&1 ||
  { cat apt.log >&2; echo "libmsi-patched: apt-get source $source=$version failed" >&2; exit 1; }
# dpkg-source cannot check the .dsc signature without a Debian keyring in
# gpg; apt has checked the files against the signed Release already.
dpkg-source -q -x ./*.dsc src >dpkg-source.log 2>&1 || { cat dpkg-source.log >&2; exit 1; }
cd src
patch -s -p1 <"$patchfile"

# The libmsi target of msitools' meson.build, without the rest of the
# project (wixl needs vala, libgcab, libxml2): generated enums and SQL
# parser, then the C sources into libmsi.so.0.
mkdir -p gen
printf '#define PACKAGE_NAME "msitools"\n#define PACKAGE_VERSION "%s"\n' "$version" >gen/config.h
glib-mkenums --template include/libmsi-enums.h.etemplate include/libmsi-types.h >gen/libmsi-enums.h
glib-mkenums --template libmsi/libmsi-enums.c.etemplate include/libmsi-types.h >gen/libmsi-enums.c
bison libmsi/sql-parser.y -y -Wno-yacc -Wno-conflicts-rr --defines=gen/sql-parser.h -o gen/sql-parser.c
# shellcheck disable=SC2046
gcc -shared -fPIC -O2 -w -Wl,-soname,libmsi.so.0 -o gen/libmsi.so.0 \
  -Igen -I. -Iinclude -Ilibmsi \
  libmsi/*.c gen/libmsi-enums.c gen/sql-parser.c \
  $(pkg-config --cflags --libs glib-2.0 gobject-2.0 gio-2.0 libgsf-1)

mkdir -p "$out.tmp"
cp gen/libmsi.so.0 "$out.tmp/"
cp "$patchfile" "$out.tmp/"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
