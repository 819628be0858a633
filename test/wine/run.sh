#!/usr/bin/env bash
# The Wine lane (`make wine-test`, part of `make test`): the Windows build of the exporter
# runs under Wine against agent installations planted in a fresh Wine prefix.
#
#   1. scenarios: files under drive_c, registry values through `regedit /S`, agent services
#      through `sc create`/`sc start`; the exporter serves /metrics over HTTP and the
#      scrape is compared with collector/fixtures/e2e/windows-<scenario>.metrics (after
#      removing timings and build labels) and checked with `promtool check metrics`;
#   2. a cmdagent.exe that hangs after starting a child: both are gone after the command
#      timeout (Job object), and the scrape reports the timeout;
#   3. bad input: a clear one-line error and a non-zero exit, no panic trace.
#
# Every wine call runs under `timeout`; the prefix lives in a temporary directory that is
# removed at the end, after `wineserver -k` has ended this prefix's processes (and only
# those). WINE_UPDATE=1 rewrites the goldens instead of comparing (review the diff).
# Usage: test/wine/run.sh [scenario...]   (default: all)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
lane=$repo/test/wine
goldens=$repo/collector/fixtures/e2e
GO=${GO:-go}

work=$(mktemp -d "${TMPDIR:-/tmp}/secagent-wine.XXXXXX")
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all}
export WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
  timeout 30 wineserver -k >/dev/null 2>&1 || true
  timeout 30 wineserver -w >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }
# w SECONDS ARGS...: one wine call under a timeout, without Wine's start-up chatter. The
# output goes through files: the first wine call of a session starts Wine's own daemons
# (services.exe, winedevice.exe), which inherit its descriptors and outlive it, so a pipe
# would never see its end.
w() {
  local t=$1 rc=0
  shift
  timeout --kill-after=5 "$t" wine "$@" >"$work/w.out" 2>"$work/w.err" </dev/null || rc=$?
  grep -v -e 'wine32 is missing' -e 'multiarch needs' -e 'dpkg --add-architecture' \
    -e 'apt-get install wine32' -e '^$' "$work/w.err" >&2 || true
  cat "$work/w.out"
  return "$rc"
}
drive_c=$WINEPREFIX/drive_c

start=$(date +%s)
echo "== building (shim, exporter, fake CLI)"
"$lane/build-shim.sh" "$work/shim" >/dev/null
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" build -trimpath -o "$work/bin/secagent_exporter.exe" "$repo/cmd/secagent_exporter"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" build -trimpath -o "$work/bin/fakecli.exe" "$lane/fakecli"

echo "== prefix $WINEPREFIX"
timeout 180 wineboot -i >/dev/null 2>&1 || { echo "wineboot failed"; exit 1; }
# Services live only as long as a persistent wineserver keeps them. It is started once
# the server of wineboot has gone: a persistent server started earlier, or next to
# wineboot's, leaves `sc start` failing with 1060 (service does not exist).
timeout 60 wineserver -w
timeout 10 wineserver -p >"$work/wineserver.log" 2>&1 </dev/null
# Go >= 1.22 imports bcryptprimitives.dll!ProcessPrng, which Wine gained in 8.13.
cp "$work/shim/bcryptprimitives.dll" "$drive_c/windows/system32/"
mkdir -p "$drive_c/secagent"
cp "$work/bin/secagent_exporter.exe" "$drive_c/secagent/"
exe='C:\secagent\secagent_exporter.exe'

# plant SCENARIO: copy its drive_c, give each *.fake a fakecli.exe, import its registry.
plant() {
  local host=$lane/hosts/$1
  cp -r "$host/drive_c/." "$drive_c/"
  while IFS= read -r -d '' fake; do
    cp "$work/bin/fakecli.exe" "${fake%.fake}"
  done < <(find "$host/drive_c" -name '*.fake' -printf "$drive_c/%P\0")
  if [ -f "$host/registry.reg" ]; then
    w 30 regedit /S "$(winpath "$host/registry.reg")"
  fi
}
# winpath FILE: the Windows name of a host file (Wine maps / to drive Z:).
winpath() { printf 'Z:%s' "${1//\//\\}"; }

# service NAME BINARY: create an auto-start service and start it; it must reach RUNNING.
service() {
  w 30 sc create "$1" binPath= "\"$2\"" start= auto >/dev/null
  w 30 sc start "$1" >/dev/null || true
  local i
  for i in $(seq 50); do
    if w 10 sc query "$1" | grep RUNNING >/dev/null; then return 0; fi
    sleep 0.2
  done
  fail "service $1 does not reach RUNNING"
}

# serve NAME ARGS...: run the exporter on a free port until it listens; sets url and pid.
serve() {
  local name=$1 i
  shift
  : >"$work/$name.log"
  timeout --kill-after=5 120 wine "$exe" --web.listen-address=127.0.0.1:0 \
    --state.dir="C:\\secagent\\state-$name" "$@" >"$work/$name.out" 2>"$work/$name.log" </dev/null &
  pid=$!
  url=""
  for i in $(seq 600); do
    url=$(sed -n 's/.*msg="Listening on" address=\([^ ]*\).*/\1/p' "$work/$name.log" | head -1)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    fail "$name: exporter did not start:"
    cat "$work/$name.log"
    return 1
  fi
  url=http://$url
}

stop_serving() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# normalise: what legitimately differs between runs (timings, build labels, Go runtime).
normalise() {
  sed -E -e 's/^(secagent_collector_duration_seconds\{[^}]*\}) .*/\1 <duration>/' \
    -e 's/^secagent_exporter_build_info\{[^}]*\} 1$/secagent_exporter_build_info{<build labels>} 1/' |
    grep -v -E '^(# (HELP|TYPE) )?(go|process|promhttp)_'
}

# scenario NAME: plant, serve with the scenario's args, compare with the golden.
scenario() {
  local name=$1 args=() line
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    args+=("$line")
  done <"$lane/hosts/$name/args"
  serve "$name" "${args[@]}" || return 0
  local raw=$work/$name.raw golden=$goldens/windows-$name.metrics
  if ! curl -fsS --max-time 60 -o "$raw" "$url/metrics"; then
    fail "$name: scrape failed"
    stop_serving
    return 0
  fi
  # A second scrape reads on from the persisted offsets and must say the same.
  curl -fsS --max-time 60 -o "$raw.2" "$url/metrics" || true
  stop_serving
  if promtool check metrics <"$raw" >"$work/$name.promtool" 2>&1; then
    ok "$name: promtool check metrics"
  else
    fail "$name: promtool check metrics: $(cat "$work/$name.promtool")"
  fi
  normalise <"$raw" >"$raw.norm"
  normalise <"$raw.2" >"$raw.2.norm"
  cmp -s "$raw.norm" "$raw.2.norm" && ok "$name: second scrape equal" ||
    fail "$name: second scrape differs: $(diff "$raw.norm" "$raw.2.norm" | head -20)"
  if [ "${WINE_UPDATE:-0}" = 1 ]; then
    cp "$raw.norm" "$golden"
    echo "updated $golden"
  elif [ ! -f "$golden" ]; then
    fail "$name: no golden $golden (WINE_UPDATE=1 $0 $name creates it)"
  elif cmp -s "$golden" "$raw.norm"; then
    ok "$name: /metrics matches $(basename "$golden")"
  else
    fail "$name: /metrics differs from $(basename "$golden"):"
    diff -u "$golden" "$raw.norm" | head -60 || true
    echo "-- exporter log:"
    tail -20 "$work/$name.log"
  fi
}

# The goldens themselves pass promtool with the placeholders given values.
check_goldens() {
  local g
  for g in "$goldens"/windows-*.metrics; do
    if sed -E -e 's/ <duration>$/ 0/' -e 's/\{<build labels>\}/{version="0"}/' "$g" | promtool check metrics >/dev/null 2>&1; then
      ok "promtool check metrics $(basename "$g")"
    else
      fail "promtool check metrics $(basename "$g")"
    fi
  done
}

# alive FILE: the number of heartbeat lines a fake process has written.
alive() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

# A cmdagent.exe that hangs after starting a child: at --collector.command-timeout the
# exporter ends the whole tree, and the scrape says the command timed out.
hang_test() {
  local dir="$drive_c/Program Files/McAfee/Agent" a1 c1 a2 c2
  printf 'args -i\nstdout cmdagent-i.txt\nhang\nchild\n' >"$dir/cmdagent.exe.fake"
  rm -f "$dir"/cmdagent.exe.alive "$dir"/cmdagent.exe.child.alive
  serve hang --collectors.enabled=mcafee --collector.command-timeout=2s --web.disable-exporter-metrics || return 0
  curl -fsS --max-time 60 -o "$work/hang.raw" "$url/metrics" || fail "hang: scrape failed"
  a1=$(alive "$dir/cmdagent.exe.alive")
  c1=$(alive "$dir/cmdagent.exe.child.alive")
  sleep 1.5
  a2=$(alive "$dir/cmdagent.exe.alive")
  c2=$(alive "$dir/cmdagent.exe.child.alive")
  stop_serving
  if [ "$a1" -gt 0 ] && [ "$c1" -gt 0 ]; then ok "hang: cmdagent.exe and its child ran ($a1, $c1 heartbeats)"; else fail "hang: fake did not run (parent $a1, child $c1)"; fi
  [ "$a1" = "$a2" ] && ok "hang: cmdagent.exe gone after the timeout" || fail "hang: cmdagent.exe still running ($a1 -> $a2)"
  [ "$c1" = "$c2" ] && ok "hang: its child gone too (Job object)" || fail "hang: child still running ($c1 -> $c2)"
  grep -q '^secagent_source_success{collector="mcafee",source="cmdagent"} 0' "$work/hang.raw" &&
    ok "hang: source cmdagent fails" || fail "hang: cmdagent source not failed: $(grep source_success "$work/hang.raw")"
  printf 'args -i\nstdout cmdagent-i.txt\n' >"$dir/cmdagent.exe.fake"
}

# Bad input: one line on stderr, exit code 2, no Go panic or stack trace.
bad_input_test() {
  local out code=0
  out=$(w 60 "$exe" --collector.timezone=Mars/Olympus_Mons 2>&1) || code=$?
  out=$(printf '%s\n' "$out" | tr -d '\r')
  if [ "$code" = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
    printf '%s' "$out" | grep '^secagent_exporter: error: --collector.timezone' >/dev/null &&
    ! printf '%s' "$out" | grep -e 'panic' -e 'goroutine' >/dev/null; then
    ok "bad input: exit 2, one line: $out"
  else
    fail "bad input: exit $code: $out"
  fi
  # Asia/Tokyo resolves without a zone database on the host (time/tzdata is embedded).
  if w 60 "$exe" --collector.timezone=Asia/Tokyo --collector.disable-defaults --config.check \
    --state.dir='C:\secagent\state-check' >/dev/null 2>&1; then
    ok "--collector.timezone=Asia/Tokyo accepted"
  else
    fail "--collector.timezone=Asia/Tokyo rejected"
  fi
}

# sc_state NAME: the service's state word (RUNNING, STOPPED, ...), or its sc error.
sc_state() {
  local out
  out=$(w 20 sc query "$1" 2>&1 || true)
  if printf '%s' "$out" | grep 'STATE' >/dev/null; then
    printf '%s' "$out" | sed -n 's/.*STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p' | head -1
  else
    printf 'absent'
  fi
}

# wait_state NAME STATE: poll for up to 30 s.
wait_state() {
  local i
  for i in $(seq 150); do
    [ "$(sc_state "$1")" = "$2" ] && return 0
    sleep 0.2
  done
  return 1
}

# The MSI (make package-msi): msiexec /i /qn with a listen address and port, the service
# from its ServiceInstall table runs and serves /metrics there, sc stop stops it, msiexec
# /x leaves neither files nor the service. Wine's sc lacks config/failure/failureflag and
# netsh advfirewall is a stub: those custom actions are checked in the MSI's tables only
# (packaging/test-packages.sh).
msi_test() {
  if [ -z "${MSI:-}" ] || [ ! -f "$MSI" ]; then
    fail "msi: no package (MSI=${MSI:-}; make wine-test builds it)"
    return 0
  fi
  cp "$MSI" "$drive_c/secagent/secagent_exporter.msi"
  local port=$((20000 + RANDOM % 20000)) svc=secagent_exporter image desc
  local app="$drive_c/Program Files/secagent_exporter" data="$drive_c/ProgramData/secagent_exporter"
  # A site config file in a folder with a space: it must reach the service quoted.
  mkdir -p "$drive_c/secagent/site config"
  printf 'web.disable-exporter-metrics: true\n' >"$drive_c/secagent/site config/exporter.yml"
  if w 120 msiexec /i 'C:\secagent\secagent_exporter.msi' /qn LISTEN_ADDR=127.0.0.1 LISTEN_PORT=$port \
    'CONFIG_FILE=C:\secagent\site config\exporter.yml' >/dev/null; then
    ok "msi: msiexec /i /qn LISTEN_ADDR=127.0.0.1 LISTEN_PORT=$port CONFIG_FILE=<path with a space>"
  else
    fail "msi: msiexec /i failed"
    return 0
  fi
  wait_state $svc RUNNING && ok "msi: service RUNNING" || fail "msi: service is $(sc_state $svc)"
  image=$(w 20 reg query 'HKLM\System\CurrentControlSet\Services\secagent_exporter' /v ImagePath | tr -d '\r' | sed -n 's/.*ImagePath *REG_[A-Z_]* *//p')
  desc=$(w 20 reg query 'HKLM\System\CurrentControlSet\Services\secagent_exporter' /v Description | tr -d '\r')
  # ServiceInstall's Description and Arguments, deformatted with the properties given.
  if printf '%s' "$desc" | grep 'Prometheus exporter for the health of endpoint-security agents' >/dev/null &&
    printf '%s' "$image" | grep -F 'C:\Program Files\secagent_exporter\secagent_exporter.exe' >/dev/null &&
    printf '%s' "$image" | grep -F -- '--config.file="C:\secagent\site config\exporter.yml" --state.dir="C:\ProgramData\secagent_exporter\state"' >/dev/null &&
    printf '%s' "$image" | grep -F -- "--web.listen-address=127.0.0.1:$port" >/dev/null; then
    ok "msi: service registered from the ServiceInstall table: $image"
  else
    fail "msi: service registration: $image / $desc"
  fi
  case "$image" in
  '"'*) ok "msi: ImagePath quoted" ;;
  # Windows Installer quotes the path of a ServiceInstall service; Wine 8.0's msi does not.
  *) echo "note: Wine's msi leaves the ServiceInstall ImagePath unquoted (Windows Installer quotes it; the package's own paths are checked by packaging/test-packages.sh)" ;;
  esac
  local i body=""
  for i in $(seq 60); do
    body=$(curl -fsS --max-time 30 "http://127.0.0.1:$port/metrics" 2>/dev/null) && break
    sleep 0.5
  done
  if printf '%s\n' "$body" | grep '^secagent_exporter_build_info' >/dev/null &&
    printf '%s\n' "$body" | grep '^connector_running 1' >/dev/null &&
    printf '%s\n' "$body" | grep '^qualys_agent_running 1' >/dev/null; then
    ok "msi: /metrics answers on the MSI's LISTEN_PORT, agents seen from the service"
    if printf '%s\n' "$body" | grep '^go_goroutines' >/dev/null; then
      fail "msi: CONFIG_FILE not applied (go_* metrics present)"
    else
      ok "msi: CONFIG_FILE applied (web.disable-exporter-metrics from it)"
    fi
  else
    fail "msi: /metrics on :$port: $(printf '%s\n' "$body" | grep -E '^(connector|qualys_agent)_running|build_info' | tr '\n' ' ')"
  fi
  [ -d "$data/state" ] && ok "msi: the service keeps its state in ProgramData\\secagent_exporter\\state" ||
    fail "msi: no state folder"
  w 30 sc stop $svc >/dev/null || true
  wait_state $svc STOPPED && ok "msi: sc stop stops the service" || fail "msi: after sc stop the service is $(sc_state $svc)"
  curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$port/metrics" 2>/dev/null &&
    fail "msi: still answering after sc stop" || ok "msi: port closed after sc stop"
  if w 120 msiexec /x 'C:\secagent\secagent_exporter.msi' /qn >/dev/null; then
    ok "msi: msiexec /x"
  else
    fail "msi: msiexec /x failed"
  fi
  [ "$(sc_state $svc)" = absent ] && ok "msi: no service left" || fail "msi: service left: $(sc_state $svc)"
  local left
  left=$(find "$app" "$data" 2>/dev/null | head -5 || true)
  [ -f "$drive_c/secagent/site config/exporter.yml" ] && ok "msi: the site's own config file kept" || fail "msi: uninstall removed the site config file"
  [ -z "$left" ] && ok "msi: no files left" || fail "msi: files left: $left"
  w 20 reg query 'HKLM\System\CurrentControlSet\Services\EventLog\Application\secagent_exporter' >/dev/null 2>&1 &&
    fail "msi: Event Log source left" || ok "msi: Event Log source removed"
}

# The Go tests of every package that can run as a Windows test binary, under Wine (-tags
# wine switches os.RemoveAll to the delete path Wine implements, see
# internal/winetest, which the wine_windows_test.go files import). Not run: cmd/secagent_exporter, whose TestMain builds
# and starts the exporter with the go tool (this lane runs that exe end to end instead).
# Skipped in collector: tests that drive the Linux logic, or the Windows logic off
# Windows, through fixture trees under --path.rootfs (a Windows binary reads C:\ itself and
# has no chmod-unreadable directories).
wine_go_packages="./alerts ./collector ./collector/cisco ./collector/logtail ./collector/mcafee
  ./collector/probe ./collector/qualys ./collector/msgtable ./collector/winreg ./collector/winsvc ./dashboards ./internal/host ./internal/diagnose ./internal/redact"
wine_go_skip='^(TestAuditRulesImmutable|TestCheckLogDirs|TestMcAfeeFailureReasonClearedBySuccess|TestQualysIncrementalLog|TestQualysLastSuccessSurvivesRestart|TestQualysSecretsNeverLeave|TestQualysVersionFromDocDir|TestQualysWindows|TestMcAfeeAVLinux|TestMcAfeeAVENSLDATDirectory|TestMcAfeeAVENSLCommandFailures)$'
go_tests() {
  # -p 2: at most two test binaries under the one wineserver at a time, whatever the
  # machine's CPU count (timing-sensitive tests were written against that load).
  # shellcheck disable=SC2086
  if (cd "$repo" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" test -count=1 -p 2 -tags wine \
    -ldflags=-checklinkname=0 -exec "$lane/go-test-exec.sh" -skip "$wine_go_skip" $wine_go_packages) \
    >"$work/gotest.log" 2>&1; then
    ok "GOOS=windows go test under Wine: $(grep -c '^ok' "$work/gotest.log") packages"
    return
  fi
  # One retry of just the failed tests, so a timing-sensitive test under a loaded wineserver
  # (TestRotationWithConcurrentWriter failed in one of several lane runs on a loaded machine) is
  # told from a real failure; a retried pass is reported by name. A package that failed with
  # no failing test (its test binary crashed or Wine returned an error after it) is retried
  # whole. No retry after a panic or a build failure.
  failed=$(grep -E '^--- FAIL: Test' "$work/gotest.log" | awk '{print $3}' | sort -u | paste -sd'|' - || true)
  failed_pkgs=$(grep -E '^FAIL[[:space:]]+[^[:space:]]+[[:space:]]' "$work/gotest.log" | awk '{print $2}' | sort -u | paste -sd' ' - || true)
  retry_run=()
  retry_pkgs=$wine_go_packages
  if [ -n "$failed" ]; then
    retry_run=(-run "^($failed)\$")
  elif [ -n "$failed_pkgs" ]; then
    retry_pkgs=$failed_pkgs
  fi
  # shellcheck disable=SC2086
  if [ -n "$failed$failed_pkgs" ] && ! grep -qE '^(panic|FAIL.*\[(build|setup) failed\])' "$work/gotest.log" &&
    (cd "$repo" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" test -count=1 -p 2 -tags wine \
      -ldflags=-checklinkname=0 -exec "$lane/go-test-exec.sh" "${retry_run[@]}" -skip "$wine_go_skip" \
      $retry_pkgs) >"$work/gotest-retry.log" 2>&1; then
    ok "GOOS=windows go test under Wine: passed on retry of ${failed:-$failed_pkgs}"
    echo "note: failed once, passed on retry: ${failed:-$failed_pkgs}"
  else
    fail "GOOS=windows go test under Wine (failed tests: ${failed:-none named}; failed packages: ${failed_pkgs:-none named}):"
    context=$(grep -v -e 'wine32' -e 'multiarch' -e 'dpkg --add' -e '^$' "$work/gotest.log" |
      grep -E -B2 -A8 '^(--- FAIL|FAIL|panic)' | head -80 || true)
    if [ -n "$context" ]; then
      echo "$context"
    else
      tail -n 60 "$work/gotest.log"
    fi
  fi
}

run_scenario() {
  case "$1" in
  go-test) go_tests ;;
  msi) msi_test ;;
  mcafee-ma5)
    plant mcafee-ma5
    scenario mcafee-ma5
    hang_test
    rm -rf "$drive_c/Program Files/McAfee" "$drive_c/ProgramData/McAfee"
    ;;
  mcafee-ma4-ja)
    plant mcafee-ma4-ja
    scenario mcafee-ma4-ja
    rm -rf "$drive_c/Program Files (x86)/McAfee" "$drive_c/ProgramData/McAfee"
    ;;
  mcafee-av-ens)
    plant mcafee-av-ens
    service mfetp 'C:\Program Files\McAfee\Endpoint Security\Threat Prevention\mfetp.exe'
    scenario mcafee-av-ens
    ;;
  cisco)
    plant cisco
    service CiscoAMP 'C:\Program Files\Cisco\AMP\8.4.2.30302\sfc.exe'
    scenario cisco
    ;;
  qualys)
    plant qualys
    service QualysAgent 'C:\Program Files\Qualys\QualysAgent\QualysAgent.exe'
    scenario qualys
    ;;
  bad-input) bad_input_test ;;
  *)
    echo "unknown scenario $1"
    exit 2
    ;;
  esac
}

if [ $# -eq 0 ]; then
  # msi last: it reads the Cisco and Qualys agents the scenarios left planted.
  set -- bad-input mcafee-ma5 mcafee-ma4-ja mcafee-av-ens cisco qualys msi go-test
  check_goldens
fi
for s in "$@"; do
  echo "== $s"
  run_scenario "$s"
done

echo "wine lane took $(($(date +%s) - start)) s"
if [ "$failures" -ne 0 ]; then
  echo "$failures Wine check(s) failed"
  exit 1
fi
echo "all Wine checks passed"
