# shellcheck shell=bash
# scripts/lib/plot.sh: the timeline of a migration under fio as a PNG
# (gnuplot): IOPS per 100 ms and the latency of each write, with each
# migration's downtime (source suspended until the destination resumed)
# shaded. Sourced.

# plot_timeline OUT.png TITLE LATLOG REPORT...: LATLOG is fio's per-I/O
# latency log with Unix times (--log_avg_msec=0 --log_unix_epoch=1);
# each REPORT an lm-migrate JSON report. Returns 1 without gnuplot or data.
plot_timeline() {
	local png=$1 title=$2 lat=$3 tmp z r
	shift 3
	command -v gnuplot >/dev/null 2>&1 || return 1
	[ -s "$lat" ] || return 1
	tmp=$(mktemp -d) || return 1
	z=$(head -n 1 "$lat" | cut -d, -f1 | tr -d ' ')
	# Writes only (direction 1): seconds since the first entry, latency ms.
	awk -F, -v z="$z" '$3 + 0 == 1 { t = ($1 - z) / 1000.0; n[int(($1 - z) / 100)]++
		printf "%.3f,%.3f\n", t, $2 / 1e6 > lat }
		END { for (b = 0; b <= max; b++) printf "%.1f,%d\n", b / 10.0, n[b] * 10 }
		{ if (int(($1 - z) / 100) > max) max = int(($1 - z) / 100) }' \
		lat="$tmp/lat.csv" "$lat" | sort -t, -k1 -n >"$tmp/iops.csv"
	: >"$tmp/windows"
	for r in "$@"; do
		jq -r --argjson z "$z" '.start_epoch_ms as $t0 |
			[(.phases[] | select(.name == "suspend") | .start_ms),
			 (.phases[] | select(.name == "resume") | .end_ms)] |
			select(length == 2) | map((. + $t0 - $z) / 1000) | "\(.[0]) \(.[1])"' \
			"$r" 2>/dev/null >>"$tmp/windows"
	done
	{
		echo 'set terminal png size 1000,500'
		echo "set output \"$png\""
		echo "set title \"${title//\"/}\""
		echo 'set xlabel "seconds since fio started"'
		echo 'set ylabel "write IOPS"'
		echo 'set y2label "write latency (ms)"'
		echo 'set y2tics'
		echo 'set datafile separator ","'
		local i=2 a b
		while read -r a b; do
			echo "set object $i rect from $a, graph 0 to $b, graph 1 fc rgb \"#ff9999\" fs solid 0.5 noborder behind"
			i=$((i + 1))
		done <"$tmp/windows"
		echo "plot \"$tmp/iops.csv\" using 1:2 with lines title \"write IOPS\", \\"
		echo "     \"$tmp/lat.csv\" using 1:2 axes x1y2 with points pt 7 ps 0.3 title \"latency of each write\""
	} >"$tmp/plot.gp"
	gnuplot "$tmp/plot.gp" 2>"$tmp/err"
	local rc=$?
	rm -rf "$tmp"
	[ $rc = 0 ] && [ -s "$png" ]
}
