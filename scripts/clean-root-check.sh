#!/usr/bin/env bash
# Proves that a machine with only Go and Debian's base system can run the
# test domain and the demo: builds a minimal Debian 12 root from Debian's
# packages (debootstrap --variant=minbase bookworm), puts a fresh clone of
# this repository and the host's Go toolchain in it, and inside it runs
# .ci/install-deps, then `make demo` (no terminal: one fixture start, seeded,
# the sample MSIs built with wixl, ctitui run against it), then the fixture's
# own tests (go test ./internal/testdomain/, which also checks teardown).
#
#   scripts/clean-root-check.sh              uses a cached pristine root
#   scripts/clean-root-check.sh --fresh      debootstraps the pristine root again
#   CLEAN_ROOT_CACHE=/path scripts/...       where the pristine root is kept
#
# Needs root, network access to Debian's mirror and the Go module proxy, and
# debootstrap (apt-get install debootstrap). The work root is a copy of the
# pristine one, removed at the end; the pristine root is never changed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${CLEAN_ROOT_CACHE:-/var/tmp/ctitui-cleanroot-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
goroot=${GOROOT:-/usr/local/go}

[ "$(id -u)" -eq 0 ] || { echo "clean-root-check: needs root (chroot, mounts)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "clean-root-check: needs debootstrap: apt-get install debootstrap" >&2; exit 1; }
[ -x "$goroot/bin/go" ] || { echo "clean-root-check: no Go toolchain at $goroot (set GOROOT)" >&2; exit 1; }

if [ "${1:-}" = "--fresh" ] || [ ! -x "$cache/bin/bash" ]; then
  rm -rf "$cache"
  echo "clean-root-check: debootstrap --variant=minbase bookworm $cache"
  t0=$(date +%s)
  debootstrap --variant=minbase bookworm "$cache" "$mirror" >/tmp/clean-root-debootstrap.log 2>&1 ||
    { tail -20 /tmp/clean-root-debootstrap.log >&2; exit 1; }
  echo "clean-root-check: pristine root built in $(( $(date +%s) - t0 ))s"
fi

work=$(mktemp -d /var/tmp/ctitui-cleanroot-work.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
cp -a "$cache/." "$work/"
cp /etc/resolv.conf "$work/etc/resolv.conf"
# The host's locally added CAs (a TLS-inspecting egress gateway, a company
# CA): the root's ca-certificates picks them up when install-deps installs
# it, as a new machine of the same site would have them.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$work/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$work/usr/local/share/ca-certificates/"
fi
mkdir -p "$work/usr/local/go" "$work/src"
# A clone, not a copy of the working tree: only what is committed counts.
git clone -q "$repo" "$work/src/ctitui"
echo "clean-root-check: root ready ($(du -sh "$work" | cut -f1)), clone at $(git -C "$work/src/ctitui" rev-parse --short HEAD)"

# Everything inside runs in private mount and PID namespaces: the mounts of
# /proc, /dev and the Go toolchain vanish with it whatever happens, and
# nothing inside sees (or kills) the host's processes. The network is the
# host's: the fixture claims a loopback address like anywhere else.
inner=$(cat <<'EOS'
set -euo pipefail
export PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root CI=true
cd /src/ctitui
step() { printf '\n== clean root: %s (%ds)\n' "$*" $(( $(date +%s) - start )); }
start=$(date +%s)
step "what the base system lacks"
bash .ci/install-deps --check || true
step ".ci/install-deps"
bash .ci/install-deps
step "make demo (no terminal)"
make demo </dev/null
step "go test ./internal/testdomain/"
go test -count=1 ./internal/testdomain/
step "ok"
EOS
)
t0=$(date +%s)
status=0
unshare --mount --propagation private --pid --fork sh -c '
  set -e
  r=$1
  # The root must be a mount point, as / is on a machine: the fixture
  # makes its mount namespace private (unshare --propagation private),
  # which the kernel refuses for a chroot whose / is a plain directory.
  mount --bind "$r" "$r"
  mount --rbind /dev "$r/dev"
  mount -t proc proc "$r/proc"
  mount -t sysfs sysfs "$r/sys"
  mount -t tmpfs tmpfs "$r/run"
  mount --bind -o ro "$2" "$r/usr/local/go"
  exec chroot "$r" /bin/bash -c "$3"
' sh "$work" "$goroot" "$inner" || status=$?
echo "clean-root-check: $( [ $status -eq 0 ] && echo PASS || echo "FAIL (exit $status)") in $(( $(date +%s) - t0 ))s"
exit $status
