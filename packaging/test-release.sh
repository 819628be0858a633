#!/bin/sh
# Checks what scripts/release.sh wrote: for each target the archive's layout (one top
# directory; the binary, executable, for the right OS and CPU; LICENSE, README, CHANGELOG,
# SECURITY, docs, every rule file, the Alertmanager and site examples, every dashboard;
# fixed owner and time), the SBOM (CycloneDX, the release version, the target's modules),
# and SHA256SUMS (covers every file and verifies).
# Usage: packaging/test-release.sh RELEASE_DIR VERSION TARGET... (TARGET: os/arch)
set -eu
dir=$1 version=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

# machine BINARY: the CPU an ELF or PE image is built for (amd64, arm64 or unknown).
machine() {
  magic=$(od -An -tx1 -N4 "$1" | tr -d ' \n')
  case "$magic" in
    7f454c46) m=$(od -An -tx1 -j18 -N2 "$1" | tr -d ' \n') ;;                  # ELF e_machine
    4d5a*) pe=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' \n')                         # PE: e_lfanew
           m=$(od -An -tx1 -j$((pe + 4)) -N2 "$1" | tr -d ' \n') ;;
    *) m=none ;;
  esac
  case "$m" in 3e00|6486) echo amd64 ;; b700|64aa) echo arm64 ;; *) echo "unknown($m)" ;; esac
}

for target in "$@"; do
  os=${target%/*} arch=${target#*/}
  base="secagent_exporter-$version.$os-$arch"
  exe=secagent_exporter
  echo "== $target"
  if [ "$os" = windows ]; then
    archive="$dir/$base.zip" exe=secagent_exporter.exe
    [ -f "$archive" ] || { fail "$archive missing"; continue; }
    unzip -Z1 "$archive" | sort > "$work/list"
    unzip -q -d "$work/x-$os-$arch" "$archive"
  else
    archive="$dir/$base.tar.gz"
    [ -f "$archive" ] || { fail "$archive missing"; continue; }
    tar -tzf "$archive" | sed 's|/$||' | sort > "$work/list"
    tar -tvzf "$archive" > "$work/verbose"
    mkdir -p "$work/x-$os-$arch" && tar -C "$work/x-$os-$arch" -xzf "$archive"
    if awk '{ print $2 }' "$work/verbose" | grep -qv '^root/root$\|^0/0$'; then
      fail "$base.tar.gz: an entry not owned by 0/0"
    else ok "$base.tar.gz: every entry owned by 0/0"; fi
    if [ "$(awk '{ print $4, $5 }' "$work/verbose" | sort -u | wc -l)" -eq 1 ]; then
      ok "$base.tar.gz: one timestamp (the commit's)"
    else fail "$base.tar.gz: entries carry different times"; fi
    grep -q "^-rwxr-xr-x .* $base/$exe\$" "$work/verbose" && ok "binary mode 0755" || fail "binary not mode 0755"
  fi
  if grep -qv "^$base\(/\|\$\)" "$work/list"; then
    fail "$archive has entries outside $base/: $(grep -v "^$base\(/\|\$\)" "$work/list" | head -3)"
  fi
  want="$exe LICENSE README.md CHANGELOG.md SECURITY.md docs/operations.md docs/runbooks.md docs/metrics.md alerts/alertmanager.example.yml"
  for f in alerts/rules/*.yml dashboards/*.json docs/runbooks.ja.md alerts/site.example.yml; do [ -f "$f" ] && want="$want $f"; done
  missing=""
  for f in $want; do grep -qx "$base/$f" "$work/list" || missing="$missing $f"; done
  [ -z "$missing" ] && ok "$(basename "$archive") holds the binary, LICENSE, README, docs, rules and dashboards" || fail "$(basename "$archive") lacks:$missing"
  bin="$work/x-$os-$arch/$base/$exe"
  if [ -f "$bin" ]; then
    got=$(machine "$bin")
    [ "$got" = "$arch" ] && ok "$exe is a $os/$arch image" || fail "$exe is built for $got, not $arch"
    if [ "$os" = linux ] && [ "$arch" = "$(go env GOHOSTARCH 2>/dev/null)" ]; then
      "$bin" --version 2>&1 | grep -q "version $version " && ok "$exe --version reports $version" || fail "$exe --version: $("$bin" --version 2>&1 | head -1)"
    fi
  fi
  sbom="$dir/$base.cdx.json"
  if [ -f "$sbom" ]; then
    grep -q '"bomFormat": "CycloneDX"' "$sbom" && ok "$base.cdx.json is CycloneDX" || fail "$base.cdx.json is not CycloneDX"
    grep -q "\"version\": \"v$version\"" "$sbom" && ok "SBOM names version v$version" || fail "SBOM lacks version v$version"
    grep -q "goarch=$arch&goos=$os" "$sbom" && ok "SBOM modules are for $os/$arch" || fail "SBOM has no $os/$arch purls"
    grep -q 'pkg:golang/github.com/prometheus/client_golang@' "$sbom" && ok "SBOM lists client_golang" || fail "SBOM lacks client_golang"
  else
    fail "$sbom missing"
  fi
done

echo "== SHA256SUMS"
if [ -f "$dir/SHA256SUMS" ]; then
  (cd "$dir" && sha256sum --quiet -c SHA256SUMS) && ok "SHA256SUMS verifies" || fail "SHA256SUMS does not verify"
  for f in "$dir"/*; do
    n=$(basename "$f")
    [ "$n" = SHA256SUMS ] || [ ! -f "$f" ] && continue
    grep -q "  $n\$" "$dir/SHA256SUMS" || fail "SHA256SUMS does not cover $n"
  done
else
  fail "SHA256SUMS missing"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures release check(s) failed"
  exit 1
fi
echo "all release checks passed"
