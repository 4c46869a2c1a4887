#!/usr/bin/env bash
# Checks what `make dist` left in dist/ (CI runs it after make dist):
#   - SHA256SUMS matches every artifact;
#   - each archive holds the binary (of its platform), README, LICENSE,
#     THIRD_PARTY.md, CHANGELOG.md and the man pages;
#   - dpkg-deb --info reads each .deb, and lintian reports no error;
#   - the .deb of this machine's architecture installs with dpkg into an empty
#     root (so it needs no other package), and the installed ctitui --version
#     names the commit of this checkout; man -l renders every installed page
#     without a warning; the completions are where bash, zsh and fish look;
#   - THIRD_PARTY.md is current.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
export LC_ALL=C.UTF-8
out=${DIST_DIR:-dist}
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$out" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match $out/"
commit=$(git rev-parse --short=12 HEAD)

# elf_machine FILE: e_machine of an ELF file (62 x86-64, 183 aarch64).
elf_machine() { od -An -t u2 -j 18 -N 2 "$1" | tr -d ' '; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

docs="README.md LICENSE THIRD_PARTY.md CHANGELOG.md man/man1/ctitui.1 man/man1/ctitui-gpo.1"
for a in "$out"/*.tar.gz "$out"/*.zip; do
  base=$(basename "$a")
  base=${base%.tar.gz}
  base=${base%.zip}
  mkdir -p "$tmp/x"
  case $a in
    *.zip) unzip -q -d "$tmp/x" "$a"; exe=ctitui.exe ;;
    *) tar -xzf "$a" -C "$tmp/x"; exe=ctitui ;;
  esac
  for f in $exe $docs; do
    [ -s "$tmp/x/$base/$f" ] || fail "$a lacks $base/$f"
  done
  case $base in
    *_windows_amd64) [ "$(head -c2 "$tmp/x/$base/$exe")" = MZ ] || fail "$a: $exe is not a Windows executable" ;;
    *_linux_amd64) [ "$(elf_machine "$tmp/x/$base/$exe")" = 62 ] || fail "$a: not an x86-64 ELF binary" ;;
    *_linux_arm64) [ "$(elf_machine "$tmp/x/$base/$exe")" = 183 ] || fail "$a: not an aarch64 ELF binary" ;;
  esac
  case $base in *_linux_*)
    for f in completions/ctitui.bash completions/_ctitui completions/ctitui.fish; do
      [ -s "$tmp/x/$base/$f" ] || fail "$a lacks $base/$f"
    done ;;
  esac
  echo "ok: $base: $(cd "$tmp/x/$base" && find . -type f | wc -l) files"
  rm -rf "$tmp/x"
done

debs=("$out"/*.deb)
[ ${#debs[@]} -eq 2 ] || fail "want 2 .deb files in $out/, found ${#debs[@]}"
for d in "${debs[@]}"; do
  dpkg-deb --info "$d" >/dev/null || fail "dpkg-deb --info $d"
  depends=$(dpkg-deb --field "$d" Depends Pre-Depends Recommends)
  [ -z "$depends" ] || fail "$d declares dependencies: $depends"
done
echo "lintian ${debs[*]}"
# (--show-overrides would make lintian 2.116 exit 2 on the static-binary
# override alone, so the override is only listed by dpkg-deb below.)
lintian --fail-on error "${debs[@]}" || fail "lintian reports errors"
echo "lintian: no errors; overrides: $(dpkg-deb --fsys-tarfile "${debs[0]}" | tar -xOf - ./usr/share/lintian/overrides/ctitui | grep -v '^#')"

arch=$(dpkg --print-architecture)
deb=$(ls "$out"/ctitui_*_"$arch".deb)
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: > "$root/var/lib/dpkg/status"
dpkg --root="$root" --log=/dev/null --force-script-chrootless -i "$deb" >/dev/null || fail "dpkg --root: $deb does not install into an empty root"
dpkg --root="$root" -s ctitui | grep -q '^Status: install ok installed' || fail "dpkg --root: ctitui is not installed"
line=$("$root/usr/bin/ctitui" --version)
echo "installed: $line"
case $line in *"commit $commit"*) ;; *) fail "ctitui --version does not name commit $commit: $line" ;; esac
[ "$line" = "$("$root/usr/bin/ctitui" version)" ] || fail "ctitui --version and ctitui version differ"
pages=0
for page in "$root"/usr/share/man/man1/*.1.gz; do
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man -l $page: $warnings"
  pages=$((pages + 1))
done
MANWIDTH=80 man -l "$root/usr/share/man/man1/ctitui.1.gz" | grep -q 'Every screen' || fail "ctitui(1) lacks the console's keys"
for f in usr/share/bash-completion/completions/ctitui usr/share/zsh/vendor-completions/_ctitui \
  usr/share/fish/vendor_completions.d/ctitui.fish usr/share/doc/ctitui/copyright; do
  [ -s "$root/$f" ] || fail "$deb lacks /$f"
done
bash -n "$root/usr/share/bash-completion/completions/ctitui" || fail "bash completion does not parse"
echo "ok: $deb installs into an empty root; $pages man pages render without warnings"

bash scripts/third-party.sh --check
