#!/usr/bin/env bash
# Footprint of the agent CLIs (issue 17): the exporter on a copy of the demo host whose
# cmdagent and ampcli are wrapped so that every run appends a line to a count file.
#
#   1. process spawns per BENCH_FOOT_SCRAPES (1,000) scrapes: at the default 60 s intervals,
#      at a 1 h interval (what the scrape path alone starts) and at interval 0 (the old
#      behaviour, one run per CLI and scrape);
#   2. scrape latency p50/p99 over at least BENCH_SLOW_SCRAPES (500) scrapes while cmdagent
#      takes 3 s per run and is refreshed every 5 s, scraping on (in batches of 100) until
#      two runs have started during the scrapes, so that many scrapes overlap a run however
#      fast a scrape is;
#   3. idle CPU per hour between refreshes: no scrapes for BENCH_IDLE_SECONDS (120) at the
#      default intervals, process and children (the refresh runs) apart.
#
# With BENCH_SUMMARY (written by bench-process.sh in the same `make bench` run) the
# issue's targets are compared with node_exporter's numbers from that run. Markdown on
# stdout.
set -euo pipefail

scrapes=${BENCH_FOOT_SCRAPES:-1000}
slow_scrapes=${BENCH_SLOW_SCRAPES:-500}
idle=${BENCH_IDLE_SECONDS:-120}
summary=${BENCH_SUMMARY:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/bench-lib.sh
. "$repo/scripts/bench-lib.sh"

cd "$repo"
go build -trimpath -ldflags '-s -w' -o "$work/secagent_exporter" ./cmd/secagent_exporter
host=$work/host
go run ./cmd/fixturegen demo "$host"
sleep 3 # out of the file cache's racy window, as in bench-process.sh

# wrap HOSTPATH SECONDS: every run of the fixture CLI appends a line to $work/spawns and
# sleeps SECONDS before doing what the fixture does.
wrap() {
	local cli=$host/$1
	[[ -f $cli.orig ]] || mv "$cli" "$cli.orig"
	local pause=""
	[[ $2 == 0 ]] || pause="sleep $2"
	printf '#!/bin/sh\necho %s >> "%s"\n%s\nexec "%s" "$@"\n' "$(basename "$1")" "$work/spawns" "$pause" "$cli.orig" >"$cli.new"
	chmod 755 "$cli.new"
	mv "$cli.new" "$cli"
}
wrap opt/McAfee/agent/bin/cmdagent 0
wrap opt/cisco/amp/bin/ampcli 0

spawns() { if [[ -f $work/spawns ]]; then wc -l <"$work/spawns"; else echo 0; fi; }

# start ARGS...: the exporter on the wrapped host; sets pid and url.
start() {
	local port
	port=$(free_port)
	"$work/secagent_exporter" --web.listen-address="127.0.0.1:$port" \
		--path.rootfs="$host" --path.procfs="$host/proc" --path.sysfs="$host/sys" \
		--state.dir="$(mktemp -d -p "$work")" --testing.time=2026-11-20T12:00:00Z --collector.timezone=UTC \
		--collector.linux_security.kernel-module=ampfsm --log.level=error "$@" 2>>"$work/secagent.log" &
	pid=$!
	pids+=("$pid")
	url="http://127.0.0.1:$port/metrics"
	wait_up "$url"
	scrape_batch "$url" 10 /dev/null
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# 1. spawns per $scrapes scrapes at three intervals.
declare -A spawned took
for iv in 1m 1h 0s; do
	start --collector.mcafee.cmdagent-interval=$iv --collector.cisco.ampcli-interval=$iv
	s0=$(spawns)
	t0=$(date +%s.%N)
	scrape_batch "$url" "$scrapes" /dev/null
	t1=$(date +%s.%N)
	spawned[$iv]=$(($(spawns) - s0))
	took[$iv]=$(echo "scale=1; ($t1 - $t0) / 1" | bc)
	stop
done

# 2. latency while cmdagent takes 3 s, refreshed every 5 s.
wrap opt/McAfee/agent/bin/cmdagent 3
start --collector.mcafee.cmdagent-interval=5s --collector.command-timeout=5s
s0=$(spawns)
: >"$work/slow.wall"
slow_done=0
while ((slow_done < slow_scrapes || ($(spawns) - s0 < 2 && slow_done < 100 * slow_scrapes))); do
	scrape_batch "$url" 100 "$work/slow.chunk"
	cat "$work/slow.chunk" >>"$work/slow.wall"
	slow_done=$((slow_done + 100))
done
slow_runs=$(($(spawns) - s0))
stop
start --collector.mcafee.cmdagent-interval=0s --collector.command-timeout=5s
scrape_batch "$url" 5 "$work/inline.wall"
stop

# 3. idle CPU between refreshes at the default intervals (fast CLIs again).
wrap opt/McAfee/agent/bin/cmdagent 0
start
tck=$(getconf CLK_TCK)
read -r own0 child0 < <(cpu_ticks "$pid")
s0=$(spawns)
sleep "$idle"
read -r own1 child1 < <(cpu_ticks "$pid")
idle_runs=$(($(spawns) - s0))
stop
idle_own=$(echo "scale=3; ($own1 - $own0) / $tck * 3600 / $idle" | bc)
idle_child=$(echo "scale=3; ($child1 - $child0) / $tck * 3600 / $idle" | bc)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

per1000() { echo "scale=1; $1 * 1000 / $scrapes" | bc; }
echo "Run: $(date -u +%Y-%m-%dT%H:%M:%SZ), revision $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')."
echo "Load average $load_before before and $load_after after (2 vCPU shared with other jobs)."
echo
echo "| measurement | result |"
echo "|---|---|"
echo "| process spawns per 1,000 scrapes, default 60 s intervals ($scrapes scrapes in ${took[1m]} s) | $(per1000 "${spawned[1m]}") (all by the background refresh: 2 CLIs × one run per started minute) |"
echo "| process spawns per 1,000 scrapes on the scrape path (interval 1 h, only its start-up run before the scrapes) | $(per1000 "${spawned[1h]}") |"
echo "| process spawns per 1,000 scrapes at interval 0 (the previous behaviour: CLIs in every scrape) | $(per1000 "${spawned[0s]}") |"
echo "| scrape latency p50 / p99 while cmdagent takes 3 s ($slow_done scrapes, cmdagent refreshed every 5 s: $slow_runs runs during them), ms | $(quantile "$work/slow.wall" 0.5) / $(quantile "$work/slow.wall" 0.99) |"
echo "| the same at interval 0 (5 scrapes), p50, ms | $(quantile "$work/inline.wall" 0.5) |"
echo "| idle CPU per hour between refreshes, process, s | $idle_own |"
echo "| idle CPU per hour, the refresh runs (children: $idle_runs runs in $idle s), s | $idle_child |"

if [[ -n $summary && -f $summary ]]; then
	# shellcheck disable=SC1090
	source "$summary"
	r() { if [[ -n ${2:-} && $2 != 0 && $2 != .000 ]]; then echo "scale=2; $1 / $2" | bc; else echo "-"; fi; }
	cpu_ratio=$(r "$sa_cpu_total" "$node_cpu")
	rss_ratio=$(r "$sa_rss_long" "$node_rss_long")
	anon_ratio=$(r "$sa_anon_long" "$node_anon_long")
	p99=$(quantile "$work/slow.wall" 0.99)
	idle_total=$(echo "$idle_own + $idle_child" | bc)
	verdict() { if [[ $(echo "$1" | bc) == 1 ]]; then echo "met"; else echo "**not met**"; fi; }
	echo
	echo "| target (issue 17) | this run | |"
	echo "|---|---|---|"
	echo "| warm scrape CPU (process + children) ≤ 0.15 × node_exporter's | $sa_cpu_total ms vs $node_cpu ms = $cpu_ratio × | $(verdict "$cpu_ratio <= 0.15") |"
	echo "| 0 process spawns on the scrape path | $(per1000 "${spawned[1h]}") per 1,000 scrapes | $(verdict "${spawned[1h]} == 0") |"
	echo "| scrape p99 < 20 ms with a 3 s CLI | $p99 ms | $(verdict "$p99 < 20") |"
	echo "| idle CPU < 1 s per hour at default intervals (process + refresh runs) | $idle_total s | $(verdict "$idle_total < 1") |"
	echo "| RSS after 10,000 scrapes ≤ 0.8 × node_exporter's | $(echo "scale=1; $sa_rss_long / 1024" | bc) MiB vs $(echo "scale=1; $node_rss_long / 1024" | bc) MiB = $rss_ratio × (RssAnon $anon_ratio ×) | $(verdict "$rss_ratio <= 0.8") |"
fi
