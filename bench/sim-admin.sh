#!/usr/bin/env bash
# Benchmark the simulator's admin path against in-process calls.
# usage: bench/sim-admin.sh [ROUNDS] [MIB]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
rounds=${1:-2000}
mib=${2:-64}
export LMSIM_DIR
LMSIM_DIR=$(mktemp -d)
trap '"$top/tests/sim/lmsimctl" stop; rm -rf "$LMSIM_DIR"' EXIT

make -s -C "$top" sim "$build/bench/sim-admin" >/dev/null
"$top/tests/sim/lmsimctl" start --owner $$ --pf "vfs=1 mdts=8 vendor-state=${mib}M"
env LD_PRELOAD="$build/sim/lmsim-preload.so" LMSIM_SOCKET="$LMSIM_DIR/lmsim.sock" \
	"$build/bench/sim-admin" /dev/nvme0 "$rounds" "$mib"
