#!/usr/bin/env bash
# Wall time of `ctitui gpo create NAME --link OU` against `samba-tool gpo
# create` + `samba-tool gpo setlink` doing the same, on the same DC in the
# same run (issue 4, "Speed": ours must take at most 0.25x). Runs by hand,
# not in CI:
#
#   scripts/bench-gpo-create.sh [ROUNDS]      default 5 rounds
#
# Without CTITUI_DC set it starts a throwaway test domain (needs root and the
# packages of .ci/install-deps) and runs itself inside it. With CTITUI_DC,
# CTITUI_USER, CTITUI_DOMAIN and CTITUI_PASSWORD_FILE set it uses that DC and
# links to BENCH_OU (default OU=Archive,<domain DN>); every GPO it makes is
# named "bench ..." and deleted at the end.
#
# Both sides run end to end as a script would: a fresh process that
# connects, authenticates, creates the directory objects and the SYSVOL
# folder with its ACL, and writes the link.
set -euo pipefail

ROUNDS=${1:-5}
cd "$(dirname "$0")/.."

if [ -z "${CTITUI_DC:-}" ]; then
	go build -o bin/ctitui ./cmd/ctitui
	go build -o bin/testdomain ./internal/testdomain/cmd/testdomain
	exec bin/testdomain -- "$0" "$ROUNDS"
fi
[ -x bin/ctitui ] || go build -o bin/ctitui ./cmd/ctitui

base=$(echo "$CTITUI_DOMAIN" | sed 's/^/DC=/; s/\./,DC=/g')
ou=${BENCH_OU:-OU=Archive,$base}
user=${CTITUI_USER%%@*}
# samba-tool reads the password from PASSWD_FILE, never from argv.
samba() { PASSWD_FILE="$CTITUI_PASSWORD_FILE" samba-tool "$@" -H "ldap://$CTITUI_DC" -U "$user@${CTITUI_DOMAIN^^}"; }
now() { date +%s.%N; }

run=$$
ours=0
theirs=0
created=()
for i in $(seq 1 "$ROUNDS"); do
	t0=$(now)
	bin/ctitui gpo create "bench ctitui $run-$i" --link "$ou" >/dev/null
	t1=$(now)
	out=$(samba gpo create "bench samba $run-$i" 2>&1)
	guid=$(grep -o '{[0-9A-Fa-f-]\{36\}}' <<<"$out" | head -n1)
	[ -n "$guid" ] || { echo "samba-tool gpo create: $out" >&2; exit 1; }
	samba gpo setlink "$ou" "$guid" >/dev/null 2>&1
	t2=$(now)
	created+=("bench ctitui $run-$i" "$guid")
	a=$(echo "$t1 - $t0" | bc -l)
	b=$(echo "$t2 - $t1" | bc -l)
	printf 'round %d: ctitui %.3fs   samba-tool create+setlink %.3fs\n' "$i" "$a" "$b"
	ours=$(echo "$ours + $a" | bc -l)
	theirs=$(echo "$theirs + $b" | bc -l)
done

for g in "${created[@]}"; do
	bin/ctitui gpo delete "$g" >/dev/null
done

printf 'total over %d rounds: ctitui %.3fs, samba-tool %.3fs\n' "$ROUNDS" "$ours" "$theirs"
ratio=$(echo "$ours / $theirs" | bc -l)
printf 'ratio ctitui/samba-tool: %.3f (target <= 0.25)\n' "$ratio"
