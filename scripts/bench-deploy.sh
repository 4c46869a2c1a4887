#!/usr/bin/env bash
# Wall time of `ctitui deploy` of a 50 MB MSI (upload with the folder ACL,
# GPO create + link, Software Installation package with its script) against
# `smbclient put` of the same file + `samba-tool gpo create` + `samba-tool
# gpo setlink`, on the same DC in the same run (issue 6, "Speed": ours must
# take at most 1.3x). Runs by hand, not in CI:
#
#   scripts/bench-deploy.sh [MB] [ROUNDS]      default 50 MB, 3 rounds
#
# Without CTITUI_DC set it starts a throwaway test domain with the sample
# MSIs (needs root and the packages of .ci/install-deps) and runs itself
# inside it. With CTITUI_DC, CTITUI_USER, CTITUI_DOMAIN, CTITUI_PASSWORD_FILE
# and BENCH_MSI (an MSI to grow) set it uses that DC, the share in
# BENCH_SHARE (default Distrib) and links to BENCH_OU (default
# OU=Archive,<domain DN>); it writes only below bench-deploy-* folders and
# "bench deploy ..." GPOs, and removes them at the end.
#
# The MSI is the guide's sample with a cabinet stream of random bytes added
# (msibuild), so that it is a real package of the asked size.
set -euo pipefail

MB=${1:-50}
ROUNDS=${2:-3}
cd "$(dirname "$0")/.."

if [ -z "${CTITUI_DC:-}" ]; then
	go build -o bin/ctitui ./cmd/ctitui
	go build -o bin/testdomain ./internal/testdomain/cmd/testdomain
	exec bin/testdomain -sample-msis -- "$0" "$MB" "$ROUNDS"
fi
[ -x bin/ctitui ] || go build -o bin/ctitui ./cmd/ctitui

share=${BENCH_SHARE:-Distrib}
base=$(echo "$CTITUI_DOMAIN" | sed 's/^/DC=/; s/\./,DC=/g')
ou=${BENCH_OU:-OU=Archive,$base}
src=${BENCH_MSI:-${CTITUI_DEMO_MSI_DIR:-}/MIKO CTI 4.9.226.msi}
user=${CTITUI_USER%%@*}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
{
	echo "username = $user"
	echo "password = $(head -n1 "$CTITUI_PASSWORD_FILE")"
	echo "domain = ${CTITUI_DOMAIN}"
} >"$work/auth"
umask 022

smb() {
	local out
	out=$(smbclient -A "$work/auth" "//$CTITUI_DC/$share" -c "$1" 2>&1) || {
		echo "$out" >&2
		return 1
	}
}
# samba-tool reads the password from PASSWD_FILE, never from argv.
samba() { PASSWD_FILE="$CTITUI_PASSWORD_FILE" samba-tool "$@" -H "ldap://$CTITUI_DC" -U "$user@${CTITUI_DOMAIN^^}"; }
now() { date +%s.%N; }

echo "Making a $MB MB MSI from $src..."
cp "$src" "$work/bench.msi"
head -c "$((MB * 1000000))" /dev/urandom >"$work/big.cab"
(cd "$work" && msibuild bench.msi -a big.cab big.cab)
rm "$work/big.cab"
ls -l "$work/bench.msi"

run=$$
ours=0
theirs=0
ctitui_gpos=()
samba_gpos=()
for i in $(seq 1 "$ROUNDS"); do
	t0=$(now)
	bin/ctitui deploy --msi "$work/bench.msi" --share "\\\\$CTITUI_DC\\$share\\bench-deploy-ctitui-$run-$i" \
		--ou "$ou" --gpo "bench deploy ctitui $run-$i" --yes >/dev/null
	t1=$(now)
	smb "mkdir bench-deploy-smbclient-$run-$i; put $work/bench.msi bench-deploy-smbclient-$run-$i\\bench.msi"
	out=$(samba gpo create "bench deploy samba $run-$i" 2>&1)
	guid=$(grep -o '{[0-9A-Fa-f-]\{36\}}' <<<"$out" | head -n1)
	[ -n "$guid" ] || { echo "samba-tool gpo create: $out" >&2; exit 1; }
	samba gpo setlink "$ou" "$guid" >/dev/null 2>&1
	t2=$(now)
	ctitui_gpos+=("bench deploy ctitui $run-$i")
	samba_gpos+=("$guid")
	a=$(echo "$t1 - $t0" | bc -l)
	b=$(echo "$t2 - $t1" | bc -l)
	printf 'round %d: ctitui deploy %.2fs   smbclient put + samba-tool create + setlink %.2fs\n' "$i" "$a" "$b"
	ours=$(echo "$ours + $a" | bc -l)
	theirs=$(echo "$theirs + $b" | bc -l)
done

for g in "${ctitui_gpos[@]}"; do
	bin/ctitui gpo delete "$g" >/dev/null
done
for g in "${samba_gpos[@]}"; do
	samba gpo dellink "$ou" "$g" >/dev/null 2>&1 || true
	samba gpo del "$g" >/dev/null 2>&1
done
for i in $(seq 1 "$ROUNDS"); do
	smb "deltree bench-deploy-ctitui-$run-$i; deltree bench-deploy-smbclient-$run-$i" || true
done

printf 'total over %d rounds: ctitui %.2fs, smbclient+samba-tool %.2fs\n' "$ROUNDS" "$ours" "$theirs"
ratio=$(echo "$ours / $theirs" | bc -l)
printf 'ratio ctitui/(smbclient+samba-tool): %.3f (target <= 1.3)\n' "$ratio"
