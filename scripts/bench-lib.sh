# Shared by the benchmark scripts (bench-process.sh, bench-footprint.sh, bench-fleetsim.sh);
# source it after `set -euo pipefail` and `repo=`. It gives:
#   $work       a temporary directory, removed at exit with every PID appended to pids
#   free_port   a TCP port on 127.0.0.1 that nothing listens on
#   wait_up URL until URL answers (10 s)
#   cpu_ticks PID  "own children" clock ticks: utime+stime, then cutime+cstime
#   scrape_batch URL N OUT  N keep-alive scrapes from one curl; one time_total per line
#   quantile FILE Q  the Q-quantile (0..1) of one number per line, in ms
work=$(mktemp -d)
pids=()
bench_cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap bench_cleanup EXIT

free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

wait_up() {
	for _ in $(seq 100); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "no answer from $1" >&2
	return 1
}

cpu_ticks() {
	# Fields after the parenthesised comm: state is field 3, utime 14 ... cstime 17.
	local rest
	rest=$(sed 's/^.*) //' "/proc/$1/stat")
	read -r -a f <<<"$rest"
	echo "$((f[11] + f[12])) $((f[13] + f[14]))"
}

scrape_batch() {
	local url=$1 n=$2 out=$3 cfg="$work/curl.$RANDOM"
	{
		echo 'silent'
		echo 'compressed'
		echo 'header = "X-Prometheus-Scrape-Timeout-Seconds: 10"'
		echo 'write-out = "%{time_total}\n"'
		for ((i = 0; i < n; i++)); do
			echo "url = \"$url\""
			echo 'output = "/dev/null"'
		done
	} >"$cfg"
	curl -K "$cfg" >"$out"
	rm -f "$cfg"
}

quantile() { sort -g "$1" | awk -v q="$2" '{v[NR]=$1} END {i=int(q*NR+0.5); if (i<1) i=1; printf "%.2f", v[i]*1000}'; }
