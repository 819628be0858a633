#!/usr/bin/env bash
# Whole-process benchmark: secagent_exporter serving the demo host (collector/fixtures/
# specs/demo.spec, every default collector, flags as `make demo` passes them) against Debian's
# prometheus-node-exporter with its default collectors on the same machine, in the same
# run. Both are scraped the way Prometheus scrapes (keep-alive connection, gzip, the
# scrape-timeout header) by one curl process per batch, so the client costs neither
# exporter anything.
#
# Measured per exporter: CPU per scrape from /proc/<pid>/stat (utime+stime of the process,
# and cutime+cstime of the children it waited for: the demo host's cmdagent and ampcli are
# shell scripts run once per scrape) over BENCH_SCRAPES scrapes on warm state; client wall
# time per scrape (median, p90, p99); series and bytes per scrape; VmRSS after
# BENCH_SCRAPES and after BENCH_SCRAPES_LONG scrapes; binary size. Markdown on stdout.
#
# Environment: BENCH_SCRAPES (default 1000), BENCH_SCRAPES_LONG (default 10000),
# BENCH_NODE=0 skips node_exporter (otherwise installed with apt-get when missing);
# BENCH_SUMMARY=FILE also writes the key numbers as shell assignments for
# bench-footprint.sh's target table.
set -euo pipefail

scrapes=${BENCH_SCRAPES:-1000}
scrapes_long=${BENCH_SCRAPES_LONG:-10000}
use_node=${BENCH_NODE:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/bench-lib.sh
. "$repo/scripts/bench-lib.sh"

node_bin=/usr/bin/prometheus-node-exporter
if [[ $use_node == 1 && ! -x $node_bin ]]; then
	if ! command -v prometheus-node-exporter >/dev/null; then
		SUDO=""
		[[ $(id -u) == 0 ]] || SUDO=sudo
		echo "installing prometheus-node-exporter from Debian" >&2
		$SUDO apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus-node-exporter >&2
		# The package starts its service where systemd runs; this benchmark starts its own.
		if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus-node-exporter 2>/dev/null; then
			$SUDO systemctl stop prometheus-node-exporter >&2 || true
			$SUDO systemctl disable prometheus-node-exporter >&2 || true
		fi
	fi
	node_bin=$(command -v prometheus-node-exporter)
fi

cd "$repo"
# Same flags as `make build` (stripped, trimmed paths), so the size is the shipped size.
go build -trimpath -ldflags '-s -w' -o "$work/secagent_exporter" ./cmd/secagent_exporter


rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }



declare -A anon_long file_long pid_of url_of cpu_own cpu_child wall_med wall_p90 wall_p99 series bytes_plain bytes_gzip rss_start rss_short rss_long hwm size

sa_port=$(free_port)
go run ./cmd/fixturegen demo "$work/demo"
# A real host's agent files are old. The file cache does not trust a file changed less than
# 2 s ago (collector/filecache.go, "racy" timestamps), so files written a moment ago would be
# parsed again in every scrape: wait that out, or the scrapes measure a host that is not there.
sleep 3
"$work/secagent_exporter" --web.listen-address="127.0.0.1:$sa_port" \
	--path.rootfs="$work/demo" --path.procfs="$work/demo/proc" \
	--path.sysfs="$work/demo/sys" --state.dir="$work/state" \
	--testing.time=2026-11-20T12:00:00Z --collector.timezone=UTC \
	--collector.linux_security.kernel-module=ampfsm --log.level=error 2>"$work/secagent.log" &
pids+=($!)
pid_of[secagent]=$!
url_of[secagent]="http://127.0.0.1:$sa_port/metrics"
size[secagent]=$(stat -c %s "$work/secagent_exporter")
names=(secagent)

if [[ $use_node == 1 ]]; then
	ne_port=$(free_port)
	"$node_bin" --web.listen-address="127.0.0.1:$ne_port" 2>"$work/node.log" &
	pids+=($!)
	pid_of[node]=$!
	url_of[node]="http://127.0.0.1:$ne_port/metrics"
	size[node]=$(stat -c %s "$(readlink -f "$node_bin")")
	names+=(node)
fi

for n in "${names[@]}"; do
	wait_up "${url_of[$n]}"
	# Warm state: the first scrapes read the logs' backfill and fill caches.
	scrape_batch "${url_of[$n]}" 10 /dev/null
	curl -s "${url_of[$n]}" >"$work/$n.prom"
	series[$n]=$(grep -vc '^#' "$work/$n.prom")
	bytes_plain[$n]=$(wc -c <"$work/$n.prom")
	bytes_gzip[$n]=$(gzip -c "$work/$n.prom" | wc -c)
	rss_start[$n]=$(rss_kib "${pid_of[$n]}" VmRSS)
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
tck=$(getconf CLK_TCK)
# CPU phase, one exporter at a time so neither disturbs the other.
for n in "${names[@]}"; do
	read -r own0 child0 < <(cpu_ticks "${pid_of[$n]}")
	scrape_batch "${url_of[$n]}" "$scrapes" "$work/$n.wall"
	read -r own1 child1 < <(cpu_ticks "${pid_of[$n]}")
	cpu_own[$n]=$(echo "scale=3; ($own1 - $own0) * 1000 / $tck / $scrapes" | bc)
	cpu_child[$n]=$(echo "scale=3; ($child1 - $child0) * 1000 / $tck / $scrapes" | bc)
	wall_med[$n]=$(quantile "$work/$n.wall" 0.5)
	wall_p90[$n]=$(quantile "$work/$n.wall" 0.9)
	wall_p99[$n]=$(quantile "$work/$n.wall" 0.99)
	rss_short[$n]=$(rss_kib "${pid_of[$n]}" VmRSS)
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Long phase, both exporters at once (only memory is read from it).
rest=$((scrapes_long - scrapes - 10))
if ((rest > 0)); then
	clients=()
	for n in "${names[@]}"; do
		scrape_batch "${url_of[$n]}" "$rest" /dev/null &
		clients+=($!)
	done
	for c in "${clients[@]}"; do wait "$c"; done
fi
for n in "${names[@]}"; do
	rss_long[$n]=$(rss_kib "${pid_of[$n]}" VmRSS)
	hwm[$n]=$(rss_kib "${pid_of[$n]}" VmHWM)
	anon_long[$n]=$(rss_kib "${pid_of[$n]}" RssAnon)
	file_long[$n]=$(rss_kib "${pid_of[$n]}" RssFile)
done

if [[ -n ${BENCH_SUMMARY:-} ]]; then
	{
		echo "sa_cpu_total=$(echo "${cpu_own[secagent]} + ${cpu_child[secagent]}" | bc)"
		echo "node_cpu=${cpu_own[node]:-0}"
		echo "sa_rss_long=${rss_long[secagent]}"
		echo "node_rss_long=${rss_long[node]:-0}"
		echo "sa_anon_long=${anon_long[secagent]}"
		echo "node_anon_long=${anon_long[node]:-0}"
	} >"$BENCH_SUMMARY"
fi

ratio() { if [[ -n ${2:-} && $2 != 0 && $2 != .000 ]]; then echo "scale=2; $1 / $2" | bc; else echo "-"; fi; }
mib() { echo "scale=1; $1 / 1024" | bc; }
row() { # label secagent node ratio
	if [[ $use_node == 1 ]]; then echo "| $1 | $2 | $3 | $4 |"; else echo "| $1 | $2 |"; fi
}

echo "Scrapes: $scrapes per exporter for CPU and wall time (one exporter at a time, after 10"
echo "warm-up scrapes), then up to $scrapes_long in total for memory. Load average $load_before"
echo "before and $load_after after the CPU phase (2 vCPU shared with other jobs)."
echo
if [[ $use_node == 1 ]]; then
	echo "| per exporter | secagent_exporter (demo host) | node_exporter $("$node_bin" --version 2>&1 | head -1 | awk '{print $3}') (defaults) | secagent ÷ node |"
	echo "|---|---|---|---|"
else
	echo "| per exporter | secagent_exporter (demo host) |"
	echo "|---|---|"
fi
own_total=$(echo "${cpu_own[secagent]} + ${cpu_child[secagent]}" | bc)
row "CPU per scrape, process (utime+stime), ms" "${cpu_own[secagent]}" "${cpu_own[node]:-}" "$(ratio "${cpu_own[secagent]}" "${cpu_own[node]:-}")"
row "CPU per scrape, child processes (cutime+cstime), ms" "${cpu_child[secagent]}" "${cpu_child[node]:-}" ""
row "CPU per scrape, process + children, ms" "$own_total" "${cpu_own[node]:-}" "$(ratio "$own_total" "${cpu_own[node]:-}")"
row "wall per scrape at the client, median / p90 / p99, ms" "${wall_med[secagent]} / ${wall_p90[secagent]} / ${wall_p99[secagent]}" \
	"${wall_med[node]:-} / ${wall_p90[node]:-} / ${wall_p99[node]:-}" "$(ratio "${wall_med[secagent]}" "${wall_med[node]:-}")"
row "series per scrape (all, exporter self-metrics included)" "${series[secagent]}" "${series[node]:-}" ""
row "bytes per scrape, text / gzip" "${bytes_plain[secagent]} / ${bytes_gzip[secagent]}" "${bytes_plain[node]:-} / ${bytes_gzip[node]:-}" \
	"$(ratio "${bytes_gzip[secagent]}" "${bytes_gzip[node]:-}") (gzip)"
row "VmRSS after warm-up, MiB" "$(mib "${rss_start[secagent]}")" "$(mib "${rss_start[node]:-0}")" ""
row "VmRSS after $scrapes scrapes, MiB" "$(mib "${rss_short[secagent]}")" "$(mib "${rss_short[node]:-0}")" "$(ratio "${rss_short[secagent]}" "${rss_short[node]:-}")"
row "VmRSS after $scrapes_long scrapes, MiB" "$(mib "${rss_long[secagent]}")" "$(mib "${rss_long[node]:-0}")" "$(ratio "${rss_long[secagent]}" "${rss_long[node]:-}")"
row "VmRSS growth $scrapes → $scrapes_long scrapes, KiB" "$((rss_long[secagent] - rss_short[secagent]))" \
	"$((${rss_long[node]:-0} - ${rss_short[node]:-0}))" ""
row "of which RssAnon (private: heap, stacks), MiB" "$(mib "${anon_long[secagent]}")" "$(mib "${anon_long[node]:-0}")" "$(ratio "${anon_long[secagent]}" "${anon_long[node]:-}")"
row "of which RssFile (binary and libraries, shared page cache), MiB" "$(mib "${file_long[secagent]}")" "$(mib "${file_long[node]:-0}")" "$(ratio "${file_long[secagent]}" "${file_long[node]:-}")"
row "VmHWM (peak RSS), MiB" "$(mib "${hwm[secagent]}")" "$(mib "${hwm[node]:-0}")" ""
row "binary size, MiB (stripped)" "$(mib $((size[secagent] / 1024)))" "$(mib $((${size[node]:-0} / 1024)))" "$(ratio "${size[secagent]}" "${size[node]:-}")"
echo
echo "What each scrape includes: secagent_exporter runs its default collectors ($(grep -o 'secagent_collector_success{collector="[a-z_]*"' "$work/secagent.prom" | sed 's/.*="//; s/"$//' | paste -sd, | sed 's/,/, /g'))"
echo "over the demo host fixture, whose cmdagent and ampcli are shell scripts the exporter runs"
echo "in the background once a minute (default intervals), never in a scrape: the child row is"
echo "those runs spread over the scrapes of the phase (real agents' CLIs cost what they cost),"
echo "plus the go_*/process_*/promhttp_* self-metrics it serves by default."
if [[ $use_node == 1 ]]; then
	echo "node_exporter runs its $(grep -c 'level=info collector=' "$work/node.log" || true) default collectors"
	echo "over this machine's real /proc and /sys, plus the same kind of self-metrics."
fi
