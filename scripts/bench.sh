#!/usr/bin/env bash
# `make bench`: runs every benchmark and rewrites the generated sections of
# docs/performance.md (machine, go, logs, process) and docs/deployment.md (fleet, fleetsim) between
# their <!-- BEGIN x --> / <!-- END x --> markers, so a rerun shows up as a diff. Nothing
# is written unless every part succeeded. About 25 minutes on 2 vCPU with the defaults
# (the fleet simulator at 1,000 and 5,000 hosts is about half of it);
# bigger runs: BENCH_LOG_MB, BENCH_ROUNDS (bench-logs.sh), BENCH_SCRAPES,
# BENCH_SCRAPES_LONG (bench-process.sh), BENCH_FOOT_SCRAPES, BENCH_SLOW_SCRAPES,
# BENCH_IDLE_SECONDS (bench-footprint.sh), BENCH_GO_TIME (Go -benchtime, default 1s).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gotime=${BENCH_GO_TIME:-1s}
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

echo "== Go benchmarks" >&2
# The log engine's benchmarks run in bench-logs.sh, on the same files grep and mtail read.
go test -run '^$' -bench . -benchmem -benchtime "$gotime" $(go list ./... | grep -v /collector/logtail) |
	grep -E '^(Benchmark|pkg:)' >"$out/go.txt"
echo "== log engine (bench-logs.sh)" >&2
scripts/bench-logs.sh >"$out/logs.md"
echo "== whole process (bench-process.sh)" >&2
BENCH_SUMMARY="$out/process.env" scripts/bench-process.sh >"$out/process.md"
echo "== agent CLI footprint (bench-footprint.sh)" >&2
BENCH_SUMMARY="$out/process.env" scripts/bench-footprint.sh >"$out/footprint.md"
echo "== fleet (bench-fleet.sh)" >&2
scripts/bench-fleet.sh >"$out/fleet.md"
echo "== measured fleet (bench-fleetsim.sh, about 10 minutes)" >&2
scripts/bench-fleetsim.sh >"$out/fleetsim.md"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
	echo "Last run: $started, revision $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'),"
	echo "by \`make bench\` (scripts/bench.sh). Load average $load_start at the start, $load_end at the end."
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| CPU | $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') |"
	echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
	echo "| kernel | $(uname -sr) $(uname -m) |"
	echo "| Go | $(go env GOVERSION) |"
	echo "| node_exporter | $(prometheus-node-exporter --version 2>&1 | head -1 | awk '{print $3}' || echo absent) (Debian package) |"
	echo "| grep | $(grep --version | head -1) |"
	echo "| mtail | $(mtail --version 2>&1 | head -1 | sed 's/ built.*//' || echo absent) |"
} >"$out/machine.md"

{
	echo '```'
	cat "$out/go.txt"
	echo '```'
} >"$out/go.md"

for s in machine go logs process footprint; do
	scripts/bench-section.sh docs/performance.md "$s" <"$out/$s.md"
done
scripts/bench-section.sh docs/deployment.md fleet <"$out/fleet.md"
scripts/bench-section.sh docs/deployment.md fleetsim <"$out/fleetsim.md"
echo "docs/performance.md and docs/deployment.md updated; review with git diff" >&2
