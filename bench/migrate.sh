#!/usr/bin/env bash
# Migration figures, in one run on the simulator:
#  - downtime (median, p99) over N migrations with 8 queue pairs and 1 MiB
#    of vendor state, under fio;
#  - bytes left for the downtime by pre-copy, against a stop-and-copy of the
#    same namespace, on the hot-spot workload;
#  - the range copier against dd bs=1M on contiguous data, and against one
#    dd per range on scattered 4k ranges.
# usage: bench/migrate.sh [N]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
n=${1:-20}
ctl=$top/tests/sim/lmsimctl
export LMSIM_DIR
LMSIM_DIR=$(mktemp -d)
work=$LMSIM_DIR/bench
mkdir -p "$work"
trap '"$ctl" stop; rm -rf "$LMSIM_DIR"' EXIT
make -s -C "$top" nvme sim >/dev/null

"$ctl" start --owner $$ --pf "vfs=1 ns-size=64M vendor-state=1M queues=8" \
	--pf "vfs=1 ns-size=64M vendor-state=1M queues=8"
"$ctl" attach vm1 --pf 0 --vf 1 --queues 8 --qsize 64 >/dev/null
eval "$("$ctl" env)"
uri="nbd+unix:///?socket=$LMSIM_DIR/vm1.nbd"

migrate() {
	"$top/scripts/lm-migrate" --nvme "$build/nvme" --src-pf "/dev/nvme$1" --src-vf 1 \
		--src-ns "/dev/nvme${1}n1" --dst-pf "/dev/nvme$2" --dst-vf 1 \
		--dst-ns "/dev/nvme${2}n1" --handover "$ctl attach vm1 --pf $2 --vf 1" \
		--max-passes 4 --report "$3" --workdir "$work/w-$(basename "$3")" 2>/dev/null
}

# 1. Downtime over n migrations, back and forth, under fio.
LM_FIO_SIZE=64M LM_FIO_RATE=2000 fio --ioengine=nbd --uri="$uri" --time_based \
	--runtime=600 --output=/dev/null "$top/scripts/fio/randwrite-verify.fio" &
fio=$!
sleep 0.5
ok=0
for ((i = 1; i <= n; i++)); do
	migrate $(((i + 1) % 2)) $((i % 2)) "$work/d$i.json" && ok=$((ok + 1))
done
kill $fio
wait $fio 2>/dev/null || true
sed -n 's/.*"downtime_ms": \([0-9]*\).*/\1/p' "$work"/d[0-9]*.json | sort -n | awk -v n="$n" '
	{ v[NR] = $1 } END {
		printf "downtime over %d migrations (8 queue pairs, 1 MiB vendor state): median %d ms, p99 %d ms, max %d ms\n",
			NR, v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.99)], v[NR] }'
[ "$ok" = "$n" ] || echo "warning: only $ok of $n migrations succeeded"

# 2. Pre-copy on a hot spot: what is left for the downtime.
vm_pf=$((n % 2))
LM_FIO_SIZE=256M LM_FIO_RATE=4000 fio --ioengine=nbd --uri="$uri" --output=/dev/null \
	"$top/scripts/fio/hotspot.fio" &
fio=$!
sleep 0.5
migrate "$vm_pf" $((1 - vm_pf)) "$work/hot.json"
wait $fio || true
final=$(grep -o '"pass":"final","ranges":[0-9]*,"bytes":[0-9]*' "$work/hot.json" | sed 's/.*"bytes"://')
nsbytes=$((64 << 20))
echo "hot-spot workload: pre-copy left $final bytes for the downtime; a stop-and-copy moves $nsbytes; ratio $(awk -v a="$final" -v b="$nsbytes" 'BEGIN { printf "%.4f", a / b }')"

# 3. The range copier against dd, on plain files (the same page cache either way).
src=$work/src.img dst=$work/dst.img
head -c 256M /dev/urandom >"$src"
: >"$dst"
truncate -s 256M "$dst"
t() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $((($(date +%s%N) - s) / 1000000)); }
echo "0 all" >"$work/all.txt"
# Once untimed, so both find the destination allocated; both end with fsync.
"$build/nvme" lm copy-ranges --changes "$work/all.txt" "$src" "$dst" >/dev/null
copier=$(t "$build/nvme" lm copy-ranges --changes "$work/all.txt" "$src" "$dst")
dd=$(t dd if="$src" of="$dst" bs=1M conv=notrunc,fsync)
echo "contiguous 256 MiB: copier $copier ms, dd bs=1M $dd ms, ratio dd/copier $(awk -v a="$dd" -v b="$copier" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')"
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) print 0, int(rand() * 65536) * 8, 8 }' >"$work/scattered.txt"
copier=$(t "$build/nvme" lm copy-ranges --changes "$work/scattered.txt" "$src" "$dst")
s=$(date +%s%N)
while read -r _ lba nlb; do
	dd if="$src" of="$dst" bs=512 skip="$lba" seek="$lba" count="$nlb" conv=notrunc status=none
done <"$work/scattered.txt"
sync -f "$dst"
perrange=$((($(date +%s%N) - s) / 1000000))
echo "2000 scattered 4k ranges: copier $copier ms, one dd per range $perrange ms, ratio $(awk -v a="$perrange" -v b="$copier" 'BEGIN { printf "%.1f", a / (b ? b : 1) }')"
