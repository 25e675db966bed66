#!/usr/bin/env bash
# A migration's downtime (suspend to resume, the report's downtime_us) to
# a destination on another host against one on the same host, on the
# simulator, in one run:
#  - one host: one simulator with two PFs, `nvme lm migrate` to the other
#    PF's VF, the namespace copied to its /dev/nvmeXnY;
#  - two hosts: tests/lib/hosts' bed, the source simulator on src, the
#    destination's on dst, `--to-host 'ssh -F ... dst'` (one helper over
#    one ssh connection: the destination's suspend, restore and resume are
#    a round trip each, the state crosses it once) and the namespace copied
#    to nbdkit on dst serving the destination's image.
# Each migration starts afresh (simulators with 8 queue pairs and 1 MiB of
# vendor state per VF, namespaces on tmpfs, a VM on the source VF under fio
# 4k random writes at iodepth 16) and the VM is handed over at the end;
# RUNS of each, alternating. Printed: median and p99 of each, their
# ratios (two hosts / one host), and the medians of the destination's
# steps (restore, resume), where the round trips are.
#
# usage: bench/xhost-migrate.sh [RUNS]   (10)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
LM_TOP=$top
LMSIMCTL=$top/tests/sim/lmsimctl
NVME=$BUILD/nvme
export BUILD LM_TOP
runs=${1:-10}
pf="vfs=1 ns-size=64M vendor-state=1M queues=8"

for p in nbdkit ssh ssh-keygen /usr/sbin/sshd unshare nsenter setpriv fio jq; do
	command -v "$p" >/dev/null ||
		{ echo "xhost-migrate: $p is not installed (scripts/install-deps check)" >&2; exit 1; }
done
if [ ! -x "$NVME" ] || [ ! -x "$BUILD/sim/lmsimd" ]; then
	echo "xhost-migrate: nvme or the simulator is not built (make nvme sim)" >&2
	exit 1
fi

work=$(mktemp -d /dev/shm/xhost-migrate.XXXXXX 2>/dev/null || mktemp -d)
TMPDIR=$work
FULL=$work/hosts.log
export TMPDIR FULL
# shellcheck source=tests/lib/hosts
source "$top/tests/lib/hosts"
fio_pid=
one=$work/one
cleanup() {
	[ -z "$fio_pid" ] || kill "$fio_pid" 2>/dev/null || true
	LMSIM_DIR=$one "$LMSIMCTL" stop >/dev/null 2>&1 || true
	_hosts_stop
	rm -rf "$work"
}
trap cleanup EXIT
_hosts_start 10.199.0.1 10.199.0.2
_host_sshd_start dst
cd "$work"

# The guest's writes on SOCKET until the migration is over.
fio_start() {
	(LM_FIO_SIZE=16M LM_FIO_RATE=4000 exec fio --ioengine=nbd \
		--uri="nbd+unix:///?socket=$1" --output-format=terse --terse-version=3 \
		"$top/scripts/fio/randwrite-verify.fio" >/dev/null 2>&1) &
	fio_pid=$!
	sleep 0.3
}

fio_stop() {
	kill "$fio_pid" 2>/dev/null || true
	wait "$fio_pid" 2>/dev/null || true
	fio_pid=
}

# Where a report's migration ended, or why it did not count.
record() {
	if [ "$(jq -r .outcome "$1")" != migrated ]; then
		echo "xhost-migrate: a migration did not migrate: $(jq -r '.error' "$1")" >&2
		exit 1
	fi
	jq -r '[.downtime_us, (.phases[] | select(.name == "restore") | .end_us - .start_us),
		(.phases[] | select(.name == "resume") | .end_us - .start_us)] | @tsv' "$1" >>"$2"
}

one_host() {
	LMSIM_DIR=$one "$LMSIMCTL" stop >/dev/null 2>&1 || true
	rm -rf "$one"
	LMSIM_DIR=$one "$LMSIMCTL" start --owner $$ --pf "$pf" --pf "$pf" >/dev/null
	LMSIM_DIR=$one "$LMSIMCTL" attach vm1 --pf 0 --vf 1 --queues 8 --qsize 64 >/dev/null
	fio_start "$one/vm1.nbd"
	env LD_PRELOAD="$BUILD/sim/lmsim-preload.so" LMSIM_SOCKET="$one/lmsim.sock" \
		LM_SYSFS_ROOT="$one/sys" "$NVME" lm migrate /dev/nvme0 --vf 1 --to /dev/nvme1 \
		--to-vf 1 --src-ns /dev/nvme0n1 --dst-ns /dev/nvme1n1 -q --report one.json \
		--overwrite --handover "LMSIM_DIR=$one $LMSIMCTL attach vm1 --pf 1 --vf 1 >/dev/null" >/dev/null
	fio_stop
	record one.json one.tsv
}

two_hosts() {
	local h d
	for h in src dst; do
		[ -z "${HOST_SIM_DIR[$h]:-}" ] || _host_simctl "$h" stop >/dev/null
		_host_sim_start "$h" --pf "$pf" >/dev/null
	done
	_host_nbd_stop
	_host_nbd_start dst "${HOST_SIM_DIR[dst]}/pf0-ns1.img" >/dev/null
	_host_simctl src attach vm1 --pf 0 --vf 1 --queues 8 --qsize 64 >/dev/null
	fio_start "${HOST_SIM_DIR[src]}/vm1.nbd"
	d=${HOST_SIM_DIR[dst]}
	_host_sim src "$NVME" lm migrate /dev/nvme0 --vf 1 --to /dev/nvme0 --to-vf 1 \
		--to-host "ssh -F $SSH_CONFIG dst" \
		--to-nvme "env LMSIM_DIR=$d LD_PRELOAD=$BUILD/sim/lmsim-preload.so LMSIM_SOCKET=$d/lmsim.sock LM_SYSFS_ROOT=$d/sys $NVME" \
		--src-ns /dev/nvme0n1 --dst-ns "$NBD_URI" -q --report two.json --overwrite \
		--handover "$LMSIMCTL -d ${HOST_SIM_DIR[src]} move vm1 --to $d --pf 0 --vf 1 >/dev/null" >/dev/null
	fio_stop
	record two.json two.tsv
}

: >one.tsv
: >two.tsv
for _ in $(seq 1 "$runs"); do
	one_host
	two_hosts
done

# column N of FILE: median and p99 (nearest rank), in microseconds.
stats() {
	cut -f "$2" "$1" | sort -n | awk '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]; i = int(NR * 0.99 + 0.999); if (i > NR) i = NR
		print m, v[i] }'
}

read -r om op <<<"$(stats one.tsv 1)"
read -r tm tp <<<"$(stats two.tsv 1)"
read -r orst _ <<<"$(stats one.tsv 2)"
read -r trst _ <<<"$(stats two.tsv 2)"
read -r ores _ <<<"$(stats one.tsv 3)"
read -r tres _ <<<"$(stats two.tsv 3)"
echo "xhost-migrate: $HOSTS_MODE hosts, $runs migrations each, under fio 4k random writes at QD16"
awk -v om="$om" -v op="$op" -v tm="$tm" -v tp="$tp" -v orst="$orst" -v trst="$trst" \
	-v ores="$ores" -v tres="$tres" 'BEGIN {
	printf "%-34s median %8.3f ms  p99 %8.3f ms\n", "downtime, one host", om / 1000, op / 1000
	printf "%-34s median %8.3f ms  p99 %8.3f ms\n", "downtime, two hosts (ssh, NBD)", tm / 1000, tp / 1000
	printf "%-34s median %8.2fx     p99 %8.2fx\n", "ratio two hosts / one host", tm / om, tp / op
	printf "%-34s restore %7.3f / %7.3f ms  resume %7.3f / %7.3f ms\n",
		"destination steps (one / two)", orst / 1000, trst / 1000, ores / 1000, tres / 1000
}'
