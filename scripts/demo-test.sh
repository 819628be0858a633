#!/usr/bin/env bash
# Checks `make demo`: it serves the fixture host's metrics, and Ctrl-C (SIGINT to its
# process group, as a terminal sends it) ends it and removes its temporary state directory.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
# setsid: the demo gets its own process group, like a terminal job
TMPDIR="$tmp" setsid make --no-print-directory demo DEMO_PORT=$port >"$tmp/log" 2>&1 &
pid=$!
ok=""
for _ in $(seq 1 300); do # the demo host is expanded from its spec first
  if curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -q '^secagent_agent_installed{agent="cisco_secure_endpoint"} 1'; then
    ok=1; break
  fi
  sleep 0.1
done
state=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'tmp.*' | head -1)
kill -INT -- "-$pid"
wait "$pid" || true
fail=0
[ -n "$ok" ] && echo "ok:   make demo serves the demo host's metrics" || { echo "FAIL: no demo metrics on :$port"; cat "$tmp/log"; fail=1; }
[ -n "$state" ] && echo "ok:   the demo used a temporary state directory" || { echo "FAIL: no temporary state directory seen"; fail=1; }
if [ -n "$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'tmp.*')" ]; then
  echo "FAIL: make demo left its state directory behind"; fail=1
else
  echo "ok:   make demo removed its state directory on Ctrl-C"
fi
exit $fail
