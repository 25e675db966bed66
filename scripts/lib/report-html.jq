# scripts/lib/report-html.jq: lm-qualify's qualify.json as one HTML page
# (jq -r -f report-html.jq qualify.json). Every value is escaped (@html).
def cell: if . == null then "–" else tostring | @html end;
def row(cells): "<tr>" + (cells | map("<td>" + cell + "</td>") | join("")) + "</tr>";
def head(names): "<tr>" + (names | map("<th>" + @html + "</th>") | join("")) + "</tr>";
def pct(p): sort | if length == 0 then null else .[((length * p) | ceil) - 1 | if . < 0 then 0 else . end] end;
def phase_names: ["track", "full-copy", "pre-copy", "suspend", "final-copy", "save", "restore", "resume", "handover"];

"<!DOCTYPE html>",
"<html><head><meta charset=\"utf-8\"><title>nvme-lm qualification: \(.target | @html), \(.date | @html)</title>",
"<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}.pass{color:#070}.fail{color:#b00;font-weight:bold}img{max-width:100%}</style>",
"</head><body>",
"<h1>nvme-lm live-migration qualification</h1>",
"<p><b>\(if .failed == 0 then "PASSED" else "FAILED" end)</b>: \(.passed) passed, \(.failed) failed.</p>",
"<table>",
row(["date", .date]), row(["host", .host]), row(["target", .target]), row(["config", .config]),
row(["nvme", .nvme]), row(["fio", .fio]), row(["bytes per fio run", .fio_size_bytes]),
"</table>",
"<h2>Devices</h2><table>",
head(["role", "device", "model", "firmware", "serial", "PCI address", "VID (Identify)", "vendor:device", "subsystem"]),
(.devices[] | row([.role, .device, .model, .firmware, .serial, .pci_address, .vid,
	(if .pci_ids.vendor then "\(.pci_ids.vendor):\(.pci_ids.device)" else null end),
	(if .pci_ids.subsystem_vendor then "\(.pci_ids.subsystem_vendor):\(.pci_ids.subsystem_device)" else null end)])),
"</table>",
"<h2>Scenarios</h2><table>",
head(["scenario", "result", "why / figures", "seconds"]),
(.scenarios[] | "<tr><td><a href=\"#\(.name | @html)\">\(.name | @html)</a></td><td class=\"\(.status)\">\(.status)</td><td>\(.why | cell)</td><td>\(.seconds)</td></tr>"),
"</table>",
([.scenarios[] | .migrations[] | select(.status == "ok")] as $m |
 if ($m | length) > 0 then
	"<h2>All migrations that succeeded (\($m | length))</h2><table>",
	head(["", "p50", "p99", "max"]),
	row(["downtime (ms)", ($m | map(.downtime_ms) | pct(0.5)), ($m | map(.downtime_ms) | pct(0.99)), ($m | map(.downtime_ms) | max)]),
	([$m[] | .stall_ms | select(. != null)] as $s | row(["guest write stall (ms)", ($s | pct(0.5)), ($s | pct(0.99)), ($s | max)])),
	"</table>"
 else empty end),
(.scenarios[] |
	"<h2 id=\"\(.name | @html)\">\(.name | @html): <span class=\"\(.status)\">\(.status)</span></h2>",
	(if .why != "" then "<p>\(.why | @html)</p>" else empty end),
	(if (.migrations | length) > 0 then
		"<table>",
		head(["report", "status", "failed phase", "downtime ms", "guest stall ms", "state bytes", "bytes copied", "changes lost"] + (phase_names | map(. + " ms"))),
		(.migrations[] | (.phases | map({(.name): .ms}) | add // {}) as $ph |
			row([(.report | split("/") | last), .status, .failed_phase, .downtime_ms, .stall_ms, .state_bytes, .bytes_copied, .changes_lost] +
				(phase_names | map($ph[.])))),
		"</table>"
	 else empty end),
	(if .plot then "<p><img src=\"\(.plot | @html)\" alt=\"timeline of \(.name | @html)\"></p>" else "<p>(no timeline plot: gnuplot missing or no fio latency log)</p>" end)),
"<p>Files: qualify.json (this report as data), results.tap, results.xml, scenarios/*/ (lm-migrate reports, fio JSON and latency logs).</p>",
"</body></html>"
