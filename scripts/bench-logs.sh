#!/usr/bin/env bash
# Log engine benchmark: cold scan of synthetic McAfee Agent logs (English MA 5.x masvc in
# UTF-8, ja-JP MA 4.x in CP932) by the engine (read + decode + split + classify), compared
# in the same run with `grep -c -F` over the same literals and with mtail running the
# equivalent program; then the Go benchmarks for incremental reads, allocations and
# backfill peak RSS. Results go to stdout as Markdown (paste into docs/performance.md).
#
# Environment: BENCH_LOG_MB (default 32) size of each log; BENCH_ROUNDS (default 3)
# rounds per tool, best kept; BENCH_MTAIL=0 skips mtail (apt-get install -y mtail).
# Needs bc and iconv (libc-bin).
set -euo pipefail

size_mb=${BENCH_LOG_MB:-32}
rounds=${BENCH_ROUNDS:-3}
use_mtail=${BENCH_MTAIL:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$repo"
go build -o "$work/logbench" ./collector/logtail/internal/synthlog/cmd/logbench
"$work/logbench" gen -size "$size_mb" -out "$work/en.log" -patterns "$work/en.pats" -mtail "$work/prog.mtail"
"$work/logbench" gen -size "$size_mb" -ja -out "$work/ja.log" -patterns "$work/ja.pats"
cat "$work/en.log" "$work/ja.log" >/dev/null # warm the page cache for every tool alike

# measure NAME CMD...: runs CMD $rounds times; prints "best_wall best_cpu output".
measure() {
	local best_wall="" best_cpu="" out="" n=$1
	shift
	for ((i = 0; i < n; i++)); do
		/usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$work/out" 2>/dev/null
		read -r wall user sys <"$work/time"
		cpu=$(echo "$user + $sys" | bc)
		out=$(tail -n1 "$work/out")
		if [[ -z $best_wall ]] || (($(echo "$wall < $best_wall" | bc))); then best_wall=$wall; fi
		if [[ -z $best_cpu ]] || (($(echo "$cpu < $best_cpu" | bc))); then best_cpu=$cpu; fi
	done
	echo "$best_wall $best_cpu $out"
}

mbps() { echo "scale=0; $size_mb / $1" | bc 2>/dev/null || echo "-"; }

echo "### Cold scan, ${size_mb} MiB per log, best of ${rounds} (wall s / CPU s)"
echo
echo "| log | tool | wall s | CPU s | MiB/s (CPU) | matches | engine ÷ tool (CPU) |"
echo "|---|---|---|---|---|---|---|"
for lang in en ja; do
	read -r e_wall e_cpu e_out < <(measure "$rounds" "$work/logbench" scan "$work/$lang.log")
	read -r g_wall g_cpu g_out < <(measure "$rounds" env LC_ALL=C grep -c -F -f "$work/$lang.pats" "$work/$lang.log")
	echo "| $lang | logtail | $e_wall | $e_cpu | $(mbps "$e_cpu") | $e_out | 1 |"
	echo "| $lang | grep -c -F | $g_wall | $g_cpu | $(mbps "$g_cpu") | $g_out | $(echo "scale=2; $g_cpu / $e_cpu" | bc) |"
	if [[ $use_mtail == 1 ]] && command -v mtail >/dev/null; then
		mlog="$work/$lang.log"
		label="mtail --one_shot"
		if [[ $lang == ja ]]; then
			# mtail reads UTF-8 only (Go regexps cannot hold CP932 bytes), so it gets the log
			# already transcoded: a head start the engine does not have.
			iconv -f CP932 -t UTF-8 "$work/$lang.log" >"$work/$lang.utf8.log"
			mlog="$work/$lang.utf8.log"
			label="mtail --one_shot (on the UTF-8 transcoding)"
		fi
		# One round: mtail is slow enough that one is representative.
		read -r m_wall m_cpu m_out < <(measure 1 mtail --one_shot --one_shot_format=prometheus --port 0 \
			--progs "$work/prog.mtail" --logs "$mlog")
		echo "| $lang | $label | $m_wall | $m_cpu | $(mbps "$m_cpu") | ${m_out##* } | $(echo "scale=2; $m_cpu / $e_cpu" | bc) |"
	fi
done
echo
echo "(engine ÷ tool > 1: the engine used less CPU than the tool; < 1: more. The CP932 log is"
echo "decoded to UTF-8 by the engine, while grep matches CP932-encoded patterns on raw bytes;"
echo "mtail cannot decode CP932 and scans a UTF-8 transcoding of the Japanese log.)"
echo

echo "### Go benchmarks (log engine)"
echo
echo '```'
LOGTAIL_BENCH_EN="$work/en.log" LOGTAIL_BENCH_JA="$work/ja.log" \
	go test -run '^$' -bench 'ColdScan|Classify' -benchtime 5x ./collector/logtail/ | grep -E '^Benchmark'
# Three counts: on a shared machine a single run can be off by an order of magnitude.
go test -run '^$' -bench 'Incremental' -benchtime 300x -count 3 ./collector/logtail/ | grep -E '^Benchmark'
go test -run '^$' -bench 'BackfillPeakRSS' -benchtime 3x ./collector/logtail/ | grep -E '^Benchmark'
echo '```'
