#!/usr/bin/env bash
# Fleet cost measured, not estimated: cmd/fleetsim serves N synthetic endpoints (the
# goldens mcafee-healthy + cisco-win-healthy + qualys-healthy merged, per-host GUIDs,
# versions and moving timestamps) on loopback; one Prometheus (Debian package) scrapes
# them with every rule file of alerts/rules/ loaded and remote-writes into
# VictoriaMetrics single-node, where vmalert evaluates every rule file too. Per N it
# reports series per host, bytes per scrape, samples/s, Prometheus RSS and CPU,
# VictoriaMetrics RSS and disk per day, and rule evaluation time; then extrapolates
# 10k-100k hosts from the per-series costs of the largest N. Markdown on stdout. A fleet
# size with a host not up after the run is not measured: its row says how many were up and
# the scrape errors, the extrapolation uses the largest fully-up N, and the exit status is 3.
#
# Environment: FLEETSIM_HOSTS (default "1000 5000"), FLEETSIM_INTERVAL (scrape and
# evaluation interval, default 60s; at 15s a loaded 2-core machine did not scrape 5,000),
# FLEETSIM_SECONDS (measured run per N, default 120).
set -euo pipefail
hosts_list=${FLEETSIM_HOSTS:-1000 5000}
interval=${FLEETSIM_INTERVAL:-60s}
isec=${interval%s}
seconds=${FLEETSIM_SECONDS:-120}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
for tool in prometheus victoria-metrics vmalert jq curl bc; do
	command -v "$tool" >/dev/null || { echo "$tool missing (make tools)" >&2; exit 1; }
done
# shellcheck source=scripts/bench-lib.sh
. "$repo/scripts/bench-lib.sh"
# Listen ports below the kernel's ephemeral range: with thousands of scrapes in flight, a
# port that an outgoing connection holds answers no connect, so free_port takes it, and
# the bind fails (seen: fleetsim "address already in use" after the 1,000-host run).
eph_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
if [ "$eph_low" -gt 12000 ]; then
	free_port() {
		local p
		while :; do
			p=$((10000 + RANDOM % (eph_low - 10000)))
			(echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
		done
	}
fi
go build -o "$work/fleetsim" ./cmd/fleetsim
wait_http() { for _ in $(seq 300); do curl -fs -o /dev/null "$1" && return; sleep 0.2; done; echo "$1 not up" >&2; cat "$d"/*.log >&2; exit 1; }
q() { curl -fsS --data-urlencode "query=$2" "$1/api/v1/query" | jq -r '.data.result[0].value[1] // "0"'; }
# a metric of a process' own /metrics, summed over its series
pm() { curl -fsS "$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.6f", s }'; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
own_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
thousands() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }
hz=$(getconf CLK_TCK)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)


declare -A R
refused=0 measured=
for n in $hosts_list; do
	d="$work/n$n"
	mkdir -p "$d"
	sim=$(free_port) prom=$(free_port) vm=$(free_port) vma=$(free_port)
	"$work/fleetsim" --hosts "$n" --listen "127.0.0.1:$sim" --sd.file "$d/targets.json" --refresh "$interval" 2>"$d/sim.log" &
	sim_pid=$!
	pids+=($sim_pid)
	victoria-metrics -storageDataPath="$d/vm" -httpListenAddr="127.0.0.1:$vm" -search.latencyOffset=10s \
		-loggerLevel=ERROR >"$d/vm.log" 2>&1 &
	vm_pid=$!
	pids+=($vm_pid)
	wait_http "http://127.0.0.1:$vm/health"
	wait_http "http://127.0.0.1:$sim/hosts/1/metrics"
	cat >"$d/prometheus.yml" <<-YAML
	global: {scrape_interval: $interval, scrape_timeout: $((isec < 10 ? isec : 10))s, evaluation_interval: $interval}
	rule_files: ['$repo/alerts/rules/*.yml']
	scrape_configs:
	  - job_name: secagent
	    file_sd_configs: [{files: ['$d/targets.json']}]
	remote_write:
	  - url: http://127.0.0.1:$vm/api/v1/write
	    write_relabel_configs:
	      - {source_labels: [__name__], regex: '[a-zA-Z_]+:[a-zA-Z0-9_]*:[a-zA-Z0-9_:]+|ALERTS|ALERTS_FOR_STATE', action: drop}
	YAML
	prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/prom" \
		--web.listen-address="127.0.0.1:$prom" --log.level=error >"$d/prom.log" 2>&1 &
	prom_pid=$!
	pids+=($prom_pid)
	vmalert -rule="$repo/alerts/rules/*.yml" -datasource.url="http://127.0.0.1:$vm" \
		-remoteWrite.url="http://127.0.0.1:$vm" -notifier.url="http://127.0.0.1:1" \
		-evaluationInterval="$interval" -httpListenAddr="127.0.0.1:$vma" -loggerLevel=ERROR >"$d/vmalert.log" 2>&1 &
	pids+=($!)
	wait_http "http://127.0.0.1:$prom/-/ready"
	# warm-up: every target scraped twice
	sleep $((2 * isec + 5))
	vm_disk0=$(du -sb "$d/vm" | cut -f1)
	cpu0=$(own_ticks "$prom_pid") sim0=$(own_ticks "$sim_pid") t0=$(date +%s.%N)
	samples0=$(pm "http://127.0.0.1:$prom" prometheus_tsdb_head_samples_appended_total)
	# the 1-minute load average every 10 s of the measured run: its range goes in the row
	load_min=999 load_max=0
	for _ in $(seq $((seconds / 10))); do
		sleep 10
		l=$(cut -d' ' -f1 /proc/loadavg)
		load_min=$(awk -v a="$l" -v b="$load_min" 'BEGIN { print (a < b ? a : b) }')
		load_max=$(awk -v a="$l" -v b="$load_max" 'BEGIN { print (a > b ? a : b) }')
	done
	sleep $((seconds % 10))
	cpu1=$(own_ticks "$prom_pid") sim1=$(own_ticks "$sim_pid") t1=$(date +%s.%N)
	samples1=$(pm "http://127.0.0.1:$prom" prometheus_tsdb_head_samples_appended_total)
	P="http://127.0.0.1:$prom"
	up=$(q "$P" 'count(up{job="secagent"} == 1)')
	if [ "$up" != "$n" ]; then
		# a partial fleet would report its costs as the fleet's: refuse the row, say why
		cause=$(curl -fsS "$P/api/v1/targets?state=active" | jq -r '[.data.activeTargets[] | select(.health != "up")
			| .lastError | sub("127\\.0\\.0\\.1:[0-9]+/hosts/[0-9]+/"; "fleetsim/hosts/<i>/")] | group_by(.) | map("\(length) × \(.[0])") | join("; ")')
		echo "only $up of $n simulated hosts up after the run (load $(cut -d' ' -f1-3 /proc/loadavg)): $cause" >&2
		R[$n]="refused|$up|$cause|$load_min–$load_max"
		refused=1
		for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
		wait 2>/dev/null || true
		pids=()
		rm -rf "$d"
		continue
	fi
	measured=$n
	scraped=$(q "$P" 'avg(scrape_samples_scraped{job="secagent"})')
	head=$(pm "$P" prometheus_tsdb_head_series | cut -d. -f1)
	bytes=$(curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$sim/hosts/7/metrics" | wc -c)
	prom_rss=$(rss_mib "$prom_pid") vm_rss=$(rss_mib "$vm_pid")
	prom_cpu=$(echo "scale=3; ($cpu1 - $cpu0) / $hz / ($t1 - $t0)" | bc)
	sim_cpu=$(echo "scale=3; ($sim1 - $sim0) / $hz / ($t1 - $t0)" | bc)
	vm_disk1=$(du -sb "$d/vm" | cut -f1)
	prom_rules=$(pm "$P" prometheus_rule_group_last_duration_seconds)
	vma_rules=$(curl -fsS "http://127.0.0.1:$vma/api/v1/rules" | jq '[.data.groups[].rules[].evaluationTime] | add')
	vm_series=$(curl -fsS "http://127.0.0.1:$vm/api/v1/series/count" | jq -r '.data[0] // 0')
	R[$n]="$up|$scraped|$head|$bytes|$(echo "($samples1 - $samples0) / ($t1 - $t0)" | bc)|$prom_rss|$prom_cpu|$vm_rss|$vm_series|$(echo "($vm_disk1 - $vm_disk0) * 86400 / ($t1 - $t0) / 1048576" | bc)|$prom_rules|$vma_rules|$sim_cpu|$load_min–$load_max"
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	pids=()
	rm -rf "$d"
done

echo "### Measured with the fleet simulator"
echo
echo "\`FLEETSIM_HOSTS=\"$hosts_list\" FLEETSIM_INTERVAL=$interval FLEETSIM_SECONDS=$seconds scripts/bench-fleetsim.sh\`"
echo "(part of \`make bench\`): cmd/fleetsim serves N Windows endpoints (McAfee + Cisco + Qualys"
echo "goldens, no self-metrics) from one process; one Prometheus scrapes them every $interval with"
echo "every rule file, remote-writes into VictoriaMetrics, vmalert evaluates every rule file there."
echo "Run $started on $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
echo "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), shared with other jobs: load average $load_start at the"
echo "start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; each row gives the range of the 1-minute load during its measured $seconds s"
echo "(after a warm-up of two intervals). fleetsim CPU is the simulator's own share of the machine."
echo "Disk per day is the store's growth over the run scaled to a day at this interval"
echo "(a short run overstates it: VictoriaMetrics compresses further as parts merge)."
echo
echo "| hosts | up | series per host (scraped) | head series | bytes per scrape (gzip) | samples/s | Prometheus RSS | Prometheus CPU (cores) | VictoriaMetrics RSS | VictoriaMetrics series | VictoriaMetrics disk per day | rule evaluation, Prometheus (all groups) | rule evaluation, vmalert (all rules) | fleetsim CPU (cores) | load (1 min) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $hosts_list; do
	if [[ ${R[$n]} == refused\|* ]]; then
		IFS='|' read -r _ up cause load <<<"${R[$n]}"
		echo "| $(thousands "$n") | **refused: $up up** ($cause) | | | | | | | | | | | | | $load |"
		continue
	fi
	IFS='|' read -r up scraped head bytes sps prss pcpu vrss vser vdisk prules vrules scpu load <<<"${R[$n]}"
	printf '| %s | %s | %.0f | %s | %s | %s | %s MiB | %.2f | %s MiB | %s | %s MiB | %.3f s | %.3f s | %.3f | %s |\n' \
		"$(thousands "$n")" "$(thousands "$up")" "$scraped" "$(thousands "$head")" "$bytes" "$(thousands "$sps")" "$prss" "$pcpu" "$vrss" "$(thousands "$vser")" "$vdisk" "$prules" "$vrules" "$scpu" "$load"
done
echo
if [ -z "$measured" ]; then
	echo "no fleet size had every simulated host up: nothing to extrapolate from" >&2
	exit 1
fi
last=$measured
IFS='|' read -r up scraped head bytes sps prss pcpu vrss vser vdisk prules vrules scpu load <<<"${R[$last]}"
echo "### Extrapolated (not measured) at a 60 s interval"
echo
echo "From the $(thousands "$last")-host run: Prometheus RSS per head series"
printf '%.2f KiB, VictoriaMetrics RSS per series %.2f KiB, scaled linearly\n' \
	"$(echo "$prss * 1024 / $head" | bc -l)" "$(echo "$vrss * 1024 / $vser" | bc -l)"
echo "(the fixed part of each process is counted per series too, so small fleets are overstated);"
if [ "$isec" = 60 ]; then
	echo "samples/s and disk scale with the hosts."
else
	echo "samples/s and disk scale with the hosts and with 60 s instead of $interval."
fi
echo
echo "| hosts | active series | samples/s | Prometheus RSS (extrapolated) | VictoriaMetrics RSS (extrapolated) | VictoriaMetrics disk per day (extrapolated) |"
echo "|---|---|---|---|---|---|"
for n in 10000 50000 100000; do
	active=$(echo "$head * $n / $last" | bc)
	printf '| %s | %s | %s | %.1f GiB | %.1f GiB | %.1f GiB |\n' "$(thousands $n)" "$(thousands "$active")" \
		"$(thousands "$(echo "$active / 60" | bc)")" "$(echo "$prss * $n / $last / 1024" | bc -l)" \
		"$(echo "$vrss * $n / $last / 1024" | bc -l)" "$(echo "$vdisk * $n / $last * $isec / 60 / 1024" | bc -l)"
done
# a refused row is printed with its cause, but the run did not measure what was asked
exit $((refused ? 3 : 0))
