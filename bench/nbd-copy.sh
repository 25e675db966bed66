#!/usr/bin/env bash
# The range copier writing to an NBD export on another host, against
# nbdcopy moving the same bytes, in one run:
#  - scattered ranges: a change file of RANGES ranges (4 KiB to 256 KiB,
#    4 KiB aligned) given to `nvme lm copy-ranges`; nbdcopy gets a sparse
#    file holding exactly those ranges (--destination-is-zero: it writes
#    its data extents and skips the holes), so both write the same bytes;
#  - the whole namespace: SIZE MiB of random data, `1 all` against a plain
#    nbdcopy.
# The hosts are tests/lib/hosts' two network namespaces (loopback where
# they cannot be made); nbdkit's file plugin serves a file on tmpfs on dst,
# so the figures are the NBD path's and the copier's, not a disk's. Both
# tools flush at the end. Each case runs RUNS times, alternating; the
# median time of each is reported, and the ratio copier/nbdcopy of their
# throughput (above 1: the copier is faster).
#
# usage: bench/nbd-copy.sh [SIZE_MIB [RANGES [RUNS]]]   (512 4000 5)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
LM_TOP=$top
export BUILD LM_TOP
size_mib=${1:-512}
nranges=${2:-4000}
runs=${3:-5}
nvme=$BUILD/nvme

for p in nbdkit nbdcopy unshare nsenter setpriv; do
	command -v "$p" >/dev/null ||
		{ echo "nbd-copy: $p is not installed (scripts/install-deps check)" >&2; exit 1; }
done
[ -x "$nvme" ] || { echo "nbd-copy: $nvme is not built (make nvme)" >&2; exit 1; }

work=$(mktemp -d /dev/shm/nbd-copy.XXXXXX 2>/dev/null || mktemp -d)
TMPDIR=$work
FULL=$work/hosts.log
export TMPDIR FULL
# shellcheck source=tests/lib/hosts
source "$top/tests/lib/hosts"
cleanup() {
	_hosts_stop
	rm -rf "$work"
}
trap cleanup EXIT
_hosts_start 10.199.0.1 10.199.0.2
cd "$work"

bytes=$((size_mib << 20))
lbas=$((bytes / 512))
head -c "$bytes" /dev/urandom >src.img
# Scattered ranges: random starts and lengths in 4 KiB units, one a line.
awk -v n="$nranges" -v units=$((lbas / 8)) 'BEGIN {
	srand(7)
	for (i = 0; i < n; i++) {
		len = 1 + int(rand() * 64)
		print 1, int(rand() * (units - len)) * 8, len * 8
	}
}' >scattered.txt
echo "1 all" >all.txt
# What nbdcopy is given for the scattered case: the ranges, holes elsewhere.
truncate -s "$bytes" sparse.img
"$nvme" lm copy-ranges -c scattered.txt src.img sparse.img >/dev/null
moved=$(stat -c %b sparse.img)
moved=$((moved * 512))

now_ns() { date +%s%N; }

# One timed run of CMD on src against a fresh (zero) destination served on
# dst, the word URI in CMD standing for its URI: prints nanoseconds.
run() {
	local t0 t1 args=() a
	_host_nbd_stop
	rm -f dst.img
	truncate -s "$bytes" dst.img
	_host_nbd_start dst dst.img >/dev/null
	for a in "$@"; do
		[ "$a" = URI ] && a=$NBD_URI
		args+=("$a")
	done
	t0=$(now_ns)
	_host_run src "${args[@]}" >/dev/null
	t1=$(now_ns)
	echo $((t1 - t0))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# case NAME BYTES COPIER-CHANGES NBDCOPY-SOURCE NBDCOPY-OPTIONS...
bench_case() {
	local name=$1 n=$2 changes=$3 nsrc=$4 i ours theirs
	shift 4
	: >ours.ns
	: >theirs.ns
	for i in $(seq 1 "$runs"); do
		run "$nvme" lm copy-ranges -c "$changes" src.img URI >>ours.ns
		run nbdcopy --flush "$@" "$nsrc" URI >>theirs.ns
	done
	ours=$(median <ours.ns)
	theirs=$(median <theirs.ns)
	awk -v name="$name" -v n="$n" -v a="$ours" -v b="$theirs" 'BEGIN {
		ma = n / 1048576 / (a / 1e9); mb = n / 1048576 / (b / 1e9)
		printf "%-34s %8.1f MiB  copier %7.1f MiB/s (%6.0f ms)  nbdcopy %7.1f MiB/s (%6.0f ms)  ratio %.2f\n",
			name, n / 1048576, ma, a / 1e6, mb, b / 1e6, ma / mb
	}'
}

echo "nbd-copy: $HOSTS_MODE hosts, nbdkit file plugin on tmpfs, median of $runs runs each, flushed"
bench_case "$nranges scattered ranges (4K-256K)" "$moved" scattered.txt sparse.img --destination-is-zero
bench_case "whole namespace ($size_mib MiB)" "$bytes" all.txt src.img
