#!/usr/bin/env bash
# Upload throughput of `ctitui share upload` against `smbclient put` to the
# same share in the same run (issue 3, "Speed": ours must be at least 0.9x).
# Runs by hand, not in CI:
#
#   scripts/bench-upload.sh [MB] [ROUNDS]      default 200 MB, 3 rounds
#
# Without CTITUI_DC set it starts a throwaway test domain (needs root and the
# packages of .ci/install-deps) and runs itself inside it. With CTITUI_DC,
# CTITUI_USER, CTITUI_DOMAIN and CTITUI_PASSWORD_FILE set it uses that server
# and the share in BENCH_SHARE (default Distrib); it writes only below
# bench-upload/ there and removes what it wrote.
#
# ctitui's time covers connecting, writing, reading back and comparing, and
# the rename; smbclient's covers connecting and writing. Both sign every
# message (the test DC requires signing).
set -euo pipefail

MB=${1:-200}
ROUNDS=${2:-3}
cd "$(dirname "$0")/.."

if [ -z "${CTITUI_DC:-}" ]; then
	go build -o bin/ctitui ./cmd/ctitui
	go build -o bin/testdomain ./internal/testdomain/cmd/testdomain
	exec bin/testdomain -- "$0" "$MB" "$ROUNDS"
fi
[ -x bin/ctitui ] || go build -o bin/ctitui ./cmd/ctitui

share=${BENCH_SHARE:-Distrib}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# smbclient reads credentials from a file, never from argv.
umask 077
{
	echo "username = ${CTITUI_USER%%@*}"
	echo "password = $(head -n1 "$CTITUI_PASSWORD_FILE")"
	echo "domain = ${CTITUI_DOMAIN}"
} >"$work/auth"
umask 022

# smb runs smbclient commands quietly, showing its output only on failure.
smb() {
	local out
	out=$(smbclient -A "$work/auth" "//$CTITUI_DC/$share" -c "$1" 2>&1) || {
		echo "$out" >&2
		return 1
	}
}
now() { date +%s.%N; }

echo "Making a $MB MB file of random bytes..."
head -c "$((MB * 1000000))" /dev/urandom >"$work/bench.msi"
smb "mkdir bench-upload" 2>/dev/null || true # may exist from an interrupted run

ours=0
theirs=0
for i in $(seq 1 "$ROUNDS"); do
	t0=$(now)
	smb "put $work/bench.msi bench-upload\\smbclient-$i.msi"
	t1=$(now)
	bin/ctitui share upload "$work/bench.msi" "\\\\$CTITUI_DC\\$share\\bench-upload\\ctitui-$i" >/dev/null
	t2=$(now)
	smb "del bench-upload\\smbclient-$i.msi; del bench-upload\\ctitui-$i\\bench.msi; rmdir bench-upload\\ctitui-$i"
	theirs=$(echo "$theirs + $t1 - $t0" | bc)
	ours=$(echo "$ours + $t2 - $t1" | bc)
	printf 'round %d: smbclient %.2f s, ctitui %.2f s\n' "$i" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
done
smb "rmdir bench-upload"

total=$(echo "$MB * $ROUNDS" | bc)
smbclient_rate=$(echo "scale=1; $total / $theirs" | bc)
ctitui_rate=$(echo "scale=1; $total / $ours" | bc)
ratio=$(echo "scale=2; $ctitui_rate / $smbclient_rate" | bc)
echo "smbclient put:       $smbclient_rate MB/s"
echo "ctitui share upload: $ctitui_rate MB/s (verified by reading back)"
echo "ratio ctitui/smbclient: $ratio (target >= 0.9)"
