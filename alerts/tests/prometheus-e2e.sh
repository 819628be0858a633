#!/usr/bin/env bash
# Runs a real Prometheus on loopback that scrapes the given secagent exporters every
# second with the alert and recording rules loaded, then runs every dashboard panel query
# and every recording rule as an instant query. Fails when a query errors, when a rule
# evaluates with an error, or when a query returns no data and is not listed in
# alerts/tests/e2e-allowlist.txt with a reason.
#
# Usage: alerts/tests/prometheus-e2e.sh http://127.0.0.1:9847/metrics [http://127.0.0.2:9847/metrics ...]
# Environment: E2E_PROM_PORT (default: first free port from 19090), E2E_SETTLE_SECONDS (default 6).
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 EXPORTER_URL..." >&2
	exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
allowlist="$root/alerts/tests/e2e-allowlist.txt"
settle=${E2E_SETTLE_SECONDS:-6}

need() { # command package
	command -v "$1" >/dev/null 2>&1 || apt-get install -y "$2" >/dev/null
}
need prometheus prometheus
need jq jq
need curl curl

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=${E2E_PROM_PORT:-}
if [ -z "$port" ]; then
	port=19090
	while ! port_free "$port"; do port=$((port + 1)); done
fi
api="http://127.0.0.1:$port/api/v1"

tmp=$(mktemp -d)
prom_pid=
cleanup() {
	if [ -n "$prom_pid" ]; then
		kill "$prom_pid" 2>/dev/null || true
		wait "$prom_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# One scrape pool per URL (paths may differ), relabelled to one job "secagent" so the
# dashboards' $job variable has a single value; the rules assume no job name.
{
	echo "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}"
	echo "rule_files: ['$root/alerts/rules/*.yml']"
	echo "scrape_configs:"
	i=0
	for url in "$@"; do
		re='^(https?)://([^/]+)(/.*)?$'
		if ! [[ $url =~ $re ]]; then
			echo "not an http(s) URL: $url" >&2
			exit 2
		fi
		scheme=${BASH_REMATCH[1]} hostport=${BASH_REMATCH[2]} path=${BASH_REMATCH[3]:-/metrics}
		case $hostport in
		127.* | localhost:* | localhost | "[::1]"*) ;;
		*)
			echo "refusing non-loopback target $hostport" >&2
			exit 2
			;;
		esac
		i=$((i + 1))
		cat <<-YAML
		  - job_name: secagent-$i
		    scheme: $scheme
		    metrics_path: '$path'
		    static_configs: [{targets: ['$hostport']}]
		    relabel_configs: [{target_label: job, replacement: secagent}]
		YAML
	done
} >"$tmp/prometheus.yml"

prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address="127.0.0.1:$port" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!

query() { # prints the JSON answer of an instant query
	curl -sS --fail-with-body --data-urlencode "query=$1" "$api/query"
}

for _ in $(seq 1 60); do
	if curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then break; fi
	if ! kill -0 "$prom_pid" 2>/dev/null; then
		cat "$tmp/prometheus.log" >&2
		exit 1
	fi
	sleep 0.5
done

want=$#
for _ in $(seq 1 60); do
	up=$(query 'count(up{job="secagent"} == 1)' | jq -r '.data.result[0].value[1] // "0"')
	[ "$up" = "$want" ] && break
	sleep 0.5
done
if [ "$up" != "$want" ]; then
	echo "only $up of $want exporters are up:" >&2
	curl -sS "$api/targets" | jq -r '.data.activeTargets[] | "\(.scrapeUrl) \(.health) \(.lastError)"' >&2
	exit 1
fi
# enough scrapes for rate() over 1m and for every rule group to have run
sleep "$settle"

allowed() { # source title
	[ -f "$allowlist" ] && grep -qF -- "$1|$2|" "$allowlist"
}

failures=0 checked=0 empty_allowed=0
check() { # source title expr
	local source=$1 title=$2 expr=$3 answer
	checked=$((checked + 1))
	if ! answer=$(query "$expr" 2>&1); then
		echo "ERROR  $source | $title: $expr: $answer" >&2
		failures=$((failures + 1))
		return
	fi
	if [ "$(jq -r '.data.result | length' <<<"$answer")" = 0 ]; then
		if allowed "$source" "$title"; then
			empty_allowed=$((empty_allowed + 1))
		else
			echo "EMPTY  $source | $title: $expr" >&2
			failures=$((failures + 1))
		fi
	fi
}

expand() { # Grafana variables -> values for an instant query over all hosts
	sed -e 's/\$__rate_interval/1m/g' -e 's/\$__interval/15s/g' -e 's/\$__range/1h/g' \
		-e 's/\${\?job}\?/.+/g' -e 's/\${\?instance}\?/.+/g'
}

for dash in "$root"/dashboards/*.json; do
	name=$(basename "$dash")
	while IFS=$'\t' read -r title expr; do
		check "$name" "$title" "$(expand <<<"$expr")"
	done < <(jq -r '.panels[] | recurse(.panels[]?) | select(.type != "row") | .title as $t
		| .targets[]? | [$t + " #" + .refId, .expr] | @tsv' "$dash")
	while IFS=$'\t' read -r var expr; do
		# label_values(selector, label) needs the selector to match series
		sel=$(sed -E 's/^label_values\((.*), *[a-zA-Z_]+\)$/\1/' <<<"$expr")
		check "$name" "variable $var" "$(expand <<<"$sel")"
	done < <(jq -r '.templating.list[] | select(.type == "query") | [.name, .query] | @tsv' "$dash")
done

while read -r record; do
	check rules "$record" "$record"
done < <(sed -nE 's/^ *- record: *([^ ]+) *$/\1/p' "$root"/alerts/rules/*.yml)

bad_rules=$(curl -sS "$api/rules" | jq -r '.data.groups[].rules[] | select(.health != "ok") | "\(.name): \(.lastError)"')
if [ -n "$bad_rules" ]; then
	echo "rules evaluating with errors:" >&2
	echo "$bad_rules" >&2
	failures=$((failures + 1))
fi

echo "checked $checked queries against $want exporter(s): $failures failure(s), $empty_allowed empty but allow-listed"
[ "$failures" -eq 0 ]
