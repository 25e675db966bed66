#!/usr/bin/env bash
# Migration figures for nvme lm migrate (the engine), in one run on the
# simulator (8 queue pairs, 1 MiB of vendor state, namespaces on tmpfs),
# under fio 4k random writes at iodepth 16 with a per-write latency log:
#  - downtime (suspend's start to the destination's resume's end), median
#    and p99 over N migrations through the engine, and over N of the same
#    steps as separate nvme lm commands (suspend, save -f, restore -f,
#    resume; no copy there, so the engine's device steps are shown without
#    its drain and final copy as well), and their ratios;
#  - the guest-visible stall: the longest write completing between the
#    suspend's start and the resume's end + 2 s (or the next migration),
#    with the hand-over by a command the engine starts, and with a VMM
#    that waits on the destination (the VM moves as the VF resumes);
#  - pre-copy: bytes per round, and the pre-copy total against the
#    namespace plus what the guest wrote meanwhile (target <= 1.5);
#  - the range copier against dd on the same data.
# Prints ratios and percentiles; asserts nothing about time.
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
fio=
cleanup() {
	[ -z "$fio" ] || kill "$fio" 2>/dev/null || true
	"$ctl" stop
	rm -rf "$LMSIM_DIR"
}
trap cleanup EXIT
[ -z "${BENCH_KEEP:-}" ] || trap - EXIT
make -s -C "$top" nvme sim >/dev/null

ns=$((64 << 20))
"$ctl" start --owner $$ --pf "vfs=1 ns-size=64M vendor-state=1M queues=8" \
	--pf "vfs=1 ns-size=64M vendor-state=1M queues=8"
"$ctl" attach vm1 --pf 0 --vf 1 --queues 8 --qsize 64 >/dev/null
[ -s "$LMSIM_DIR/image-dir" ] || echo "note: the namespace images are not on tmpfs (see $LMSIM_DIR/lmsimd.out)"

# The VMM's hand-over: one control message to the simulator, no shell
# script, so that the stall measures the migration and not lmsimctl.
handover="$build/sim/lmsimd ctl $LMSIM_DIR/lmsim.sock attach vm1"

sim() {
	env LD_PRELOAD="$build/sim/lmsim-preload.so" LMSIM_SOCKET="$LMSIM_DIR/lmsim.sock" \
		LM_SYSFS_ROOT="$LMSIM_DIR/sys" "$@"
}

now_ms() {
	date +%s%3N
}

# Median, p99 and max of numbers on stdin, with a unit and a scale.
pct() {
	sort -n | awk -v unit="$1" -v div="${2:-1}" '{ v[NR] = $1 / div } END {
		if (!NR) { print "no samples"; exit }
		printf "median %.2f %s, p99 %.2f %s, max %.2f %s (%d samples)\n",
			v[int((NR + 1) / 2)], unit, v[int(NR * 0.99 + 0.99)], unit, v[NR], unit, NR }'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}

# The guest: 4k random writes at QD16, each completion's latency logged
# with its wall-clock time (ms), for as long as the migrations take.
cd "$work"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: figures scale with what else runs)"
fio --name=guest --ioengine=nbd --uri="nbd+unix:///?socket=$LMSIM_DIR/vm1.nbd" \
	--rw=randwrite --bs=4k --iodepth=16 --size=64M --time_based --runtime=3600 \
	--rate_iops=4000 --write_lat_log=guest --log_avg_msec=0 --log_unix_epoch=1 \
	--output=/dev/null &
fio=$!
sleep 1

# 1. n migrations through the engine, back and forth, handed over by a
# command (--handover: a process the engine starts once the destination
# runs); then n more with the hand-over of a VMM that already waits on the
# destination (the simulator's attach-on-resume, armed beforehand: the VM
# moves in the command that resumes its VF, no process started).
ok=0
for ((i = 1; i <= 2 * n; i++)); do
	from=$(((i + 1) % 2)) to=$((i % 2)) hand=()
	if ((i <= n)); then
		hand=(--handover "$handover $to 1")
	else
		"$build/sim/lmsimd" ctl "$LMSIM_DIR/lmsim.sock" attach-on-resume vm1 "$to" 1 >/dev/null
	fi
	sim "$build/nvme" lm migrate "/dev/nvme$from" --vf 1 --to "/dev/nvme$to" --to-vf 1 \
		--src-ns "/dev/nvme${from}n1" --dst-ns "/dev/nvme${to}n1" -q \
		"${hand[@]}" --report "e$i.json" \
		>/dev/null 2>>engine.err && ok=$((ok + 1))
	sleep 0.3
done
[ "$ok" = $((2 * n)) ] || echo "warning: $ok of $((2 * n)) engine migrations succeeded (engine.err)"
vm=0

# 2. The same device steps as separate nvme lm commands, n times: the
# destination suspended beforehand (the engine does it before its
# downtime too), then suspend, save -f, restore -f, resume, timed here.
ok=0
for ((i = 1; i <= n; i++)); do
	from=$vm to=$((1 - vm))
	sim "$build/nvme" lm suspend "/dev/nvme$to" --vf 1 >/dev/null 2>&1 || true
	t0=$(now_ms) s0=$(date +%s%N)
	if sim "$build/nvme" lm suspend "/dev/nvme$from" --vf 1 >/dev/null &&
		sim "$build/nvme" lm save "/dev/nvme$from" --vf 1 -f s.state --overwrite >/dev/null &&
		sim "$build/nvme" lm restore "/dev/nvme$to" --vf 1 -f s.state >/dev/null &&
		sim "$build/nvme" lm resume "/dev/nvme$to" --vf 1 >/dev/null; then
		s1=$(date +%s%N) t1=$(now_ms)
		echo "$(((s1 - s0) / 1000)) $t0 $t1" >>separate.txt
		ok=$((ok + 1))
	fi 2>>separate.err
	$handover "$to" 1 >/dev/null
	vm=$to
	sleep 0.3
done
[ "$ok" = "$n" ] || echo "warning: $ok of $n separate-command migrations succeeded (separate.err)"
kill -INT "$fio"
wait "$fio" || true
fio=

# Per engine migration: downtime, its device steps (downtime less drain
# and final copy), the stall window, pre-copy bytes and the window in
# which the guest wrote them.
for ((i = 1; i <= 2 * n; i++)); do
	[ -s "e$i.json" ] || continue
	how="command"
	((i <= n)) || how=armed
	jq -r --arg how "$how" 'def ph(x): (.phases[] | select(.name == x));
		select(.outcome == "migrated") |
		[.downtime_us,
		 .downtime_us - ((ph("drain").end_us - ph("drain").start_us) // 0)
			- ((ph("final-copy").end_us - ph("final-copy").start_us) // 0),
		 .start_epoch_ms + (ph("suspend").start_us / 1000 | floor),
		 .start_epoch_ms + (ph("resume").end_us / 1000 | ceil),
		 .start_epoch_ms,
		 ([.passes[] | select(.final | not) | .bytes] | add),
		 ([.passes[] | select(.final) | .bytes] | add // 0), $how] | @tsv' "e$i.json"
done >engine.tsv

# The longest write completing in each window [suspend, min(resume's end
# + 2 s, the next migration's start)): windows "suspend end next-start" in
# the file given, the latency log on stdin.
stalls() {
	awk -v wins="$1" 'BEGIN {
		while ((getline l < wins) > 0) {
			split(l, f, " "); s[++w] = f[1]; e[w] = f[2] + 2000
			if (f[3] != "" && e[w] > f[3]) e[w] = f[3]
		}
	} { t = $1 + 0; for (i = 1; i <= w; i++) if (t >= s[i] && t < e[i] && $2 > m[i]) m[i] = $2 }
	END { for (i = 1; i <= w; i++) print m[i] + 0 }' FS=', *'
}

echo "== downtime, suspend's start to the destination's resume's end ($((2 * n)) through the engine, $n as separate commands; 8 queue pairs, 1 MiB vendor state, fio 4k randwrite QD16 at 4000 IOPS)"
eng=$(cut -f1 engine.tsv | median)
dev=$(cut -f2 engine.tsv | median)
sep=$(cut -d' ' -f1 separate.txt | median)
echo "engine, whole downtime:        $(cut -f1 engine.tsv | pct ms 1000)"
echo "engine, device steps only:     $(cut -f2 engine.tsv | pct ms 1000)"
echo "separate nvme lm commands:     $(cut -d' ' -f1 separate.txt | pct ms 1000)"
awk -v e="$eng" -v d="$dev" -v s="$sep" 'BEGIN {
	printf "ratio of medians: separate/engine %.1f, separate/engine device steps %.1f\n",
		s / (e ? e : 1), s / (d ? d : 1) }'
for ((i = 1; i <= 2 * n; i++)); do
	[ -s "e$i.json" ] && jq -r 'select(.outcome == "migrated") | .phases[] |
		select(.name | test("^(suspend|drain|final-copy|save|restore|resume|handover)$")) |
		"\(.name) \(.end_us - .start_us)"' "e$i.json"
done | sort -k1,1 -k2,2n | awk '{ v[$1, ++c[$1]] = $2 } END {
	printf "engine, median by step (ms; the hand-over is after the downtime, within the stall):"
	split("suspend drain final-copy save restore resume handover", o, " ")
	for (k = 1; k <= 7; k++)
		printf " %s %.2f", o[k], c[o[k]] ? v[o[k], int((c[o[k]] + 1) / 2)] / 1000 : 0
	print "" }'
echo "targets: engine downtime median <= 5 ms, p99 <= 10 ms"

echo "== guest-visible stall: the longest write completing from the suspend to the resume's end + 2 s"
# The last engine migration's window ends where the first separate one starts.
paste <(cut -f3,4 engine.tsv) <(cut -f5 engine.tsv | tail -n +2; head -n 1 separate.txt | cut -d' ' -f2) |
	tr '\t' ' ' >engine.win
paste -d' ' <(cut -d' ' -f2,3 separate.txt) <(cut -d' ' -f2 separate.txt | tail -n +2) >separate.win
stalls engine.win <guest_lat.1.log >engine.stall
echo "engine, hand-over by a command: $(paste engine.stall <(cut -f8 engine.tsv) | awk '$2 == "command" { print $1 }' | pct ms 1000000)"
echo "engine, VMM waiting (armed):   $(paste engine.stall <(cut -f8 engine.tsv) | awk '$2 == "armed" { print $1 }' | pct ms 1000000)"
echo "separate nvme lm commands:     $(stalls separate.win <guest_lat.1.log | pct ms 1000000)"
echo "target: stall <= 15 ms"

echo "== pre-copy: bytes per round, and the total against the namespace plus what the guest wrote"
for ((i = 1; i <= 2 * n; i++)); do
	[ -s "e$i.json" ] && jq -r 'select(.outcome == "migrated") |
		[.passes[] | select(.final | not) | .bytes] | @tsv' "e$i.json"
done | awk -F'\t' '{ for (r = 1; r <= NF; r++) { b[r] += $r; c[r]++ } if (NF > m) m = NF }
	END { printf "mean bytes by round (round 0 is the full copy):"
		for (r = 1; r <= m; r++) printf " %d:%.0f(%d)", r - 1, b[r] / c[r], c[r]
		print "" }'
# What the guest wrote from each migration's start to its suspend.
awk -F'\t' '{ print $5, $3 }' engine.tsv >precopy.win
awk -v wins=precopy.win 'BEGIN {
		while ((getline l < wins) > 0) { split(l, f, " "); s[++w] = f[1]; e[w] = f[2] }
	} { t = $1 + 0; for (i = 1; i <= w; i++) if (t >= s[i] && t < e[i]) b[i] += $4 }
	END { for (i = 1; i <= w; i++) print b[i] + 0 }' FS=', *' guest_lat.1.log >guest.bytes
paste <(cut -f6 engine.tsv) guest.bytes | awk -v ns="$ns" '{ print $1 / (ns + $2), $2 }' |
	sort -n | awk '{ r[NR] = $1; g += $2 } END {
		printf "pre-copy total / (namespace + guest writes): median %.3f, max %.3f (the guest wrote %.1f MiB a migration on average)\n",
			r[int((NR + 1) / 2)], r[NR], g / NR / 1048576 }'

echo "final copy while stopped: $(cut -f7 engine.tsv | pct KiB 1024)"
echo "target: pre-copy total <= 1.5 x (namespace + guest writes)"

# 3. The range copier against dd, on the same data in plain files on the
# same file system, both ending with an fsync.
echo "== the range copier against dd"
src=$work/src.img dst=$work/dst.img
head -c 256M /dev/urandom >"$src"
truncate -s 256M "$dst"
t() {
	local s
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - s) / 1000000))
}
echo "1 all" >all.txt
# Once untimed, so both find the destination allocated.
"$build/nvme" lm copy-ranges --changes all.txt "$src" "$dst" >/dev/null
copier=$(t "$build/nvme" lm copy-ranges --changes all.txt "$src" "$dst")
dd=$(t dd if="$src" of="$dst" bs=1M conv=notrunc,fsync)
echo "contiguous 256 MiB: copier $copier ms, dd bs=1M $dd ms, ratio dd/copier $(awk -v a="$dd" -v b="$copier" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')"
awk 'BEGIN { srand(7); for (i = 0; i < 500; i++) print 1, int(rand() * 65536) * 8, 8 }' >scattered.txt
copier=$(t "$build/nvme" lm copy-ranges --changes scattered.txt "$src" "$dst")
s=$(date +%s%N)
while read -r _ lba nlb; do
	dd if="$src" of="$dst" bs=512 skip="$lba" seek="$lba" count="$nlb" conv=notrunc status=none
done <scattered.txt
sync -f "$dst"
perrange=$((($(date +%s%N) - s) / 1000000))
echo "500 scattered 4k ranges: copier $copier ms, one dd per range $perrange ms, ratio $(awk -v a="$perrange" -v b="$copier" 'BEGIN { printf "%.1f", a / (b ? b : 1) }')"
