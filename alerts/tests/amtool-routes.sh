#!/bin/sh
# Validates alerts/alertmanager.example.yml and checks where representative alerts are
# routed. Usage: alerts/tests/amtool-routes.sh  (from the repository root or anywhere)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
config="$here/../alertmanager.example.yml"

if ! command -v amtool >/dev/null 2>&1; then
	apt-get install -y prometheus-alertmanager >/dev/null
fi

amtool check-config "$config"

failures=0
# expect RECEIVER LABEL=VALUE...
expect() {
	want=$1
	shift
	if ! out=$(amtool config routes test --config.file="$config" --verify.receivers="$want" "$@" 2>&1); then
		echo "FAIL: $* -> got '$out', want '$want'" >&2
		failures=$((failures + 1))
	else
		echo "ok:   $* -> $want"
	fi
}

expect pager alertname=CiscoConnectorNotRunning severity=critical vendor=cisco instance=h1:9847
expect pager alertname=CiscoTetraDefinitionsStaleFleetWide severity=critical vendor=cisco job=secagent
expect pager alertname=SecagentExporterTargetsMissing severity=critical vendor=exporter job=secagent
expect ticket alertname=McAfeeAgentSequenceRejected severity=warning vendor=mcafee instance=h1:9847
expect ticket alertname=QualysFIMAuditConflict severity=warning vendor=qualys instance=h1:9847
expect ticket alertname=SecagentProbeFailing severity=warning vendor=probe instance=h1:9847
expect monitoring-team alertname=SecagentExporterDown severity=warning vendor=exporter instance=h1:9847
expect monitoring-team alertname=SecagentCollectorFailing severity=warning vendor=exporter collector=mcafee
expect blackhole alertname=McAfeeAgentASCIFailing severity=info vendor=mcafee instance=h1:9847
expect blackhole alertname=SecagentSourceFailing severity=info vendor=exporter instance=h1:9847
# no severity at all (a hand-made rule): still seen
expect ticket alertname=Custom

if [ "$failures" -ne 0 ]; then
	echo "$failures route test(s) failed" >&2
	exit 1
fi
