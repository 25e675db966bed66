#!/usr/bin/env bash
# Guest I/O through the simulator, in one run:
#  - fio 4k random writes at QD16 over NBD: IOPS with change logging off,
#    then on (nvme lm track consuming the queue), and their ratio;
#  - the guest-visible stall of a raw-command migration (suspend, save,
#    load on another VF, resume, hand-over), from fio's latency log.
# usage: bench/guest-io.sh [SECONDS]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
secs=${1:-5}
export LMSIM_DIR
LMSIM_DIR=$(mktemp -d)
ctl=$top/tests/sim/lmsimctl
trap '"$ctl" stop; rm -rf "$LMSIM_DIR"' EXIT

sim() {
	env LD_PRELOAD="$build/sim/lmsim-preload.so" LMSIM_SOCKET="$LMSIM_DIR/lmsim.sock" \
		LM_SYSFS_ROOT="$LMSIM_DIR/sys" "$@"
}

# One raw admin command to PF 0; a failure (an errno or an NVMe status) ends
# the run, since the timing would then be of a migration that did not happen.
raw() {
	local what=$1
	shift
	if ! sim "$build/nvme" admin-passthru /dev/nvme0 "$@" 2>"$LMSIM_DIR/raw.err"; then
		echo "guest-io: $what failed: $(tail -n 1 "$LMSIM_DIR/raw.err")" >&2
		[ -z "${fio:-}" ] || kill "$fio" 2>/dev/null || true
		exit 1
	fi
}

fio_iops() {
	fio --name=bench --ioengine=nbd --uri="nbd+unix:///?socket=$LMSIM_DIR/vm1.nbd" \
		--rw=randwrite --bs=4k --iodepth=16 --size=256M --time_based \
		--runtime="$secs" --output-format=terse --terse-version=3 |
		awk -F';' '$1 == 3 { print $49 }'
}

make -s -C "$top" nvme sim >/dev/null
"$ctl" start --owner $$ --pf "vfs=2 ns-size=256M" --pf "vfs=1 ns-size=256M"
"$ctl" attach vm1 --pf 0 --vf 1 --queues 4 --qsize 64 >/dev/null
sim "$build/nvme" attach-ns /dev/nvme0 -n 1 -c 0x12 >/dev/null

off=$(fio_iops)
sim "$build/nvme" lm track /dev/nvme0 --vf 1 -f /dev/null --overwrite --entries 4096 >/dev/null 2>"$LMSIM_DIR/track.err" &
track=$!
sleep 0.5
on=$(fio_iops)
kill -TERM $track 2>/dev/null || { echo "track ended early: $(cat "$LMSIM_DIR/track.err")" >&2; exit 1; }
wait $track || true
echo "4k randwrite QD16 over NBD: logging off $off IOPS, on $on IOPS, ratio on/off $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2f", a / b }')"

# The stall: fio logs every completion's latency while the VF moves.
cd "$LMSIM_DIR"
fio --name=stall --ioengine=nbd --uri="nbd+unix:///?socket=$LMSIM_DIR/vm1.nbd" \
	--rw=randwrite --bs=4k --iodepth=16 --size=64M --time_based --runtime=4 \
	--rate_iops=5000 --write_lat_log=stall --log_avg_msec=0 >/dev/null &
fio=$!
sleep 1.5
size=$((48 + 8 + 24 * 8 + 4096))
# CSVI (Get: CDW10 23:16, Set: CDW11 23:16) is a 1-based index into CNS 20h's
# list of state versions: 1 is the first, 0 would select no NVMe state.
start=$(date +%s%N)
raw "suspend VF 1" --opcode=0x41 --cdw11=$(((1 << 16) | 0x11)) >/dev/null
raw "Get Controller State of VF 1" --opcode=0x42 --cdw10=$((1 << 16)) --cdw11=0x11 \
	--cdw15=$((size / 4 - 1)) --data-len=$size -r -b >s.state
raw "suspend VF 2" --opcode=0x41 --cdw11=$(((1 << 16) | 0x12)) >/dev/null
raw "Set Controller State of VF 2" --opcode=0x41 --cdw10=$(((3 << 16) | 2)) \
	--cdw11=$(((1 << 16) | 0x12)) --cdw15=$((size / 4)) --data-len=$size -w \
	--input-file=s.state >/dev/null
raw "resume VF 2" --opcode=0x41 --cdw10=1 --cdw11=0x12 >/dev/null
"$ctl" attach vm1 --pf 0 --vf 2 >/dev/null
end=$(date +%s%N)
wait $fio
# Latency log: time (ms), latency (ns), ... ; the largest are the stalled ones.
sort -t, -k2 -n stall_lat.1.log | awk -F, -v down=$(((end - start) / 1000)) '
	{ v[NR] = $2 } END {
		printf "raw-command migration: downtime %.1f ms (suspend to hand-over); guest-visible I/O latency max %.1f ms, p99 %.2f ms, median %.3f ms over %d writes\n",
			down / 1000, v[NR] / 1e6, v[int(NR * 0.99)] / 1e6, v[int(NR / 2)] / 1e6, NR }'
