# shellcheck shell=bash
# scripts/lib/results.sh: one writer of test results as TAP and JUnit XML,
# and of JSON reports (with jq). Sourced.
#
#   results_add NAME STATUS [SECONDS] [MESSAGE]   STATUS: pass, fail, skip
#   results_tap FILE                 "ok N - NAME # MESSAGE" (TAP 12/13)
#   results_junit FILE SUITE         one <testsuite>, a <testcase> each
#   results_failed                   how many failed (stdout)
#   json_write FILE                  JSON from stdin into FILE, atomically
#   report_not_started MESSAGE WORKDIR FILE
#                                    a migration report: nothing began

R_NAME=() R_STATUS=() R_TIME=() R_MSG=()

results_add() {
	R_NAME+=("$1")
	R_STATUS+=("$2")
	R_TIME+=("${3:-0}")
	R_MSG+=("${4:-}")
}

results_failed() {
	local s n=0
	for s in "${R_STATUS[@]}"; do
		[ "$s" = fail ] && n=$((n + 1))
	done
	echo $n
}

# TAP: a message never contains a newline; "#" in it is harmless.
results_tap() {
	local i m
	{
		echo "1..${#R_NAME[@]}"
		for i in "${!R_NAME[@]}"; do
			m=${R_MSG[$i]//$'\n'/ }
			case ${R_STATUS[$i]} in
			pass) echo "ok $((i + 1)) - ${R_NAME[$i]}${m:+ # $m}" ;;
			skip) echo "ok $((i + 1)) - ${R_NAME[$i]} # SKIP${m:+ $m}" ;;
			*) echo "not ok $((i + 1)) - ${R_NAME[$i]}${m:+ # $m}" ;;
			esac
		done
	} >"$1"
}

xml_escape() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
		-e 's/"/\&quot;/g' -e "s/'/\&apos;/g"
}

results_junit() {
	local i name m skipped=0 s
	for s in "${R_STATUS[@]}"; do
		[ "$s" = skip ] && skipped=$((skipped + 1))
	done
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		printf '<testsuite name="%s" tests="%d" failures="%d" skipped="%d">\n' \
			"$(printf '%s' "$2" | xml_escape)" "${#R_NAME[@]}" "$(results_failed)" "$skipped"
		for i in "${!R_NAME[@]}"; do
			name=$(printf '%s' "${R_NAME[$i]}" | xml_escape)
			m=$(printf '%s' "${R_MSG[$i]}" | xml_escape)
			printf '  <testcase classname="%s" name="%s" time="%s">' \
				"${name%%/*}" "$name" "${R_TIME[$i]}"
			case ${R_STATUS[$i]} in
			pass) [ -n "$m" ] && printf '<system-out>%s</system-out>' "$m" ;;
			skip) printf '<skipped message="%s"/>' "$m" ;;
			*) printf '<failure message="%s"/>' "$m" ;;
			esac
			echo '</testcase>'
		done
		echo '</testsuite>'
	} >"$1"
}

# json_lines: a JSON object on stdin, written with one top-level field a
# line ("  "key": value") and nested values compact, so a report reads
# well and greps well.
json_lines() {
	jq -r 'if length == 0 then "{}" else
		"{", ([to_entries[] | "  \(.key | tojson): \(.value | tojson)"] | join(",\n")), "}" end'
}

# json_write FILE: json_lines into FILE, atomically.
json_write() {
	json_lines >"$1.tmp" && mv "$1.tmp" "$1"
}

# report_not_started MESSAGE WORKDIR FILE: the report of a migration that
# never began (nothing was changed), in MESSAGE's words.
report_not_started() {
	jq -n --arg err "$1" --arg workdir "$2" \
		'{status: "failed", outcome: "not-started", failed_phase: "prepare", error: $err,
		  recovery: "nothing was changed on either VF", workdir: $workdir}' | json_write "$3"
}
