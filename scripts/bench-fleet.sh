#!/usr/bin/env bash
# Fleet cost on paper, from measured numbers: series and bytes per scrape of every
# end-to-end scenario (collector/fixtures/e2e/*.metrics, the exporter's own output on the
# fixture hosts), host profiles composed from them, the exporter's self-metrics counted
# on the running binary, and what 10,000 and 100,000 hosts at a 60 s interval cost a
# Prometheus. Markdown on stdout (make bench puts it in docs/deployment.md, between the
# fleet markers; the measured fleet of scripts/bench-fleetsim.sh goes between its own).
#
# Environment: FLEET_INTERVAL (default 60) scrape interval in seconds.
set -euo pipefail

interval=${FLEET_INTERVAL:-60}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
cd "$repo"
e2e=collector/fixtures/e2e

series() { grep -vc '^#' "$1"; }
text_bytes() { wc -c <"$1"; }
gzip_bytes() { gzip -c "$1" | wc -c; }

echo "### Series and bytes per scenario"
echo
echo "Counted on the end-to-end goldens: each is the exporter's exposition for one fixture host"
echo "with only the named collectors enabled and without self-metrics; the gzip column is what"
echo "Prometheus receives (it asks for gzip)."
echo
echo "| scenario | series | bytes (text) | bytes (gzip) |"
echo "|---|---|---|---|"
for f in "$e2e"/*.metrics; do
	echo "| $(basename "$f" .metrics) | $(series "$f") | $(text_bytes "$f") | $(gzip_bytes "$f") |"
done
echo

# Self-metrics (go_*, process_*, promhttp_*): the difference between the exporter with and
# without --web.disable-exporter-metrics, no collector enabled.
go build -o "$work/secagent_exporter" ./cmd/secagent_exporter
count_live() {
	local port
	while :; do
		port=$((20000 + RANDOM % 40000))
		(echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	"$work/secagent_exporter" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--state.dir="$work/state" "$@" 2>/dev/null &
	pid=$!
	for _ in $(seq 100); do curl -fs -o "$work/live.prom" "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
	grep -vc '^#' "$work/live.prom"
}
with_self=$(count_live)
cp "$work/live.prom" "$work/self.prom"
without_self=$(count_live --web.disable-exporter-metrics)
self=$((with_self - without_self))
self_gzip=$(grep -E '^(# (HELP|TYPE) )?(go|process|promhttp)_' "$work/self.prom" | gzip -c | wc -c)
# Prometheus adds up, scrape_duration_seconds, scrape_samples_scraped,
# scrape_samples_post_metric_relabeling and scrape_series_added to every target.
synthetic=5

# profile NAME SCENARIO...: one host running every collector of the scenarios; each golden
# carries secagent_exporter_build_info once, so the duplicates are subtracted.
declare -a prof_name prof_series prof_gzip
profile() {
	local name=$1 s=0 n=0
	shift
	cat "${@/#/$e2e/}" >"$work/profile.prom"
	for sc in "$@"; do s=$((s + $(series "$e2e/$sc"))); n=$((n + 1)); done
	prof_name+=("$name")
	prof_series+=($((s - (n - 1))))
	prof_gzip+=($(gzip_bytes "$work/profile.prom"))
}
profile "Linux endpoint, McAfee + Cisco + Qualys + Linux prerequisites (demo)" demo.metrics
profile "Windows endpoint, McAfee + Cisco + Qualys" mcafee-healthy.metrics cisco-win-healthy.metrics qualys-healthy.metrics
profile "Windows endpoint, McAfee only (Cisco, Qualys absent)" mcafee-healthy.metrics cisco-absent-windows.metrics qualys-absent.metrics
profile "ePO server (epo_server + its own McAfee Agent)" epo-server-sequence-errors.metrics mcafee-healthy.metrics cisco-absent-windows.metrics qualys-absent.metrics

echo "### Host profiles"
echo
echo "A host runs every default collector, so a profile sums the goldens of the collectors it"
echo "runs (an absent agent still costs its collector's few series). Self-metrics, measured on"
echo "the binary: **$self** series (go_*, process_*, promhttp_*; about $self_gzip gzip bytes), dropped"
echo "with --web.disable-exporter-metrics. Prometheus adds $synthetic synthetic series per target."
echo
echo "| host profile | exporter series | + self-metrics + synthetic | bytes per scrape (gzip, with self-metrics) |"
echo "|---|---|---|---|"
for i in "${!prof_name[@]}"; do
	echo "| ${prof_name[$i]} | ${prof_series[$i]} | $((prof_series[i] + self + synthetic)) | $((prof_gzip[i] + self_gzip)) |"
done
echo

echo "### Fleet cost at a ${interval} s interval"
echo
echo "Active series = hosts × series per host (self-metrics and synthetic series included);"
echo "ingestion = active series ÷ interval; network = hosts × gzip bytes ÷ interval. Memory is an"
echo "**estimate** with the usual rule of thumb of 3–8 KiB of Prometheus RSS per active series"
echo "(head block, index and WAL replay; sizing guides quote 3 KiB for lean setups and up to"
echo "7.5–9 KiB with churn and queries), not a measurement."
echo
thousands() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }
dec1() { printf '%.1f' "$(echo "scale=3; $1" | bc)"; }

echo "| host profile | hosts | active series | samples/s | network into Prometheus | memory estimate (3–8 KiB/series) |"
echo "|---|---|---|---|---|---|"
for i in 0 1; do
	per=$((prof_series[i] + self + synthetic))
	bytes=$((prof_gzip[i] + self_gzip))
	for hosts in 10000 100000; do
		active=$((hosts * per))
		echo "| ${prof_name[$i]} | $(thousands $hosts) | $(thousands $active) | $(thousands $((active / interval))) |" \
			"$(dec1 "$hosts * $bytes / $interval / 1048576") MiB/s |" \
			"$(dec1 "$active * 3 / 1048576")–$(dec1 "$active * 8 / 1048576") GiB |"
	done
done
