#!/bin/sh
# Checks the packages `make package` built: the deb is unpacked into a throwaway root
# (dpkg-deb -x) and its files, conffiles, scripts and systemd units are checked, and the
# unpacked binary validates the shipped config; the rpm's file list, config files and
# scripts are read with rpm -qp; the MSI's tables are read with msiinfo and its files
# extracted with msiextract.
# Usage: packaging/test-packages.sh DIST_DIR VERSION ARCH
set -eu
dist=$1 version=$2 arch=$3
deb="$dist/secagent-exporter_${version}_${arch}.deb"
case "$arch" in amd64) rpmarch=x86_64 ;; arm64) rpmarch=aarch64 ;; *) rpmarch=$arch ;; esac
rpm="$dist/secagent-exporter-${version}-1.${rpmarch}.rpm"
msi="$dist/secagent_exporter-${version}-amd64.msi"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }
has() { # has FILE PATTERN DESCRIPTION
  if grep -q -- "$2" "$1"; then ok "$3"; else fail "$3 (no '$2' in $(basename "$1"))"; fi
}

echo "== deb: $deb"
root="$work/root"
mkdir -p "$root"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$work/DEBIAN"
for f in usr/bin/secagent_exporter usr/lib/systemd/system/secagent_exporter.service \
         usr/lib/systemd/system/secagent_exporter.socket etc/secagent_exporter/config.yml \
         etc/default/secagent_exporter usr/share/doc/secagent-exporter/operations.md \
         usr/share/doc/secagent-exporter/examples/socket-activation.conf; do
  [ -f "$root/$f" ] && ok "deb ships /$f" || fail "deb lacks /$f"
done
[ -x "$root/usr/bin/secagent_exporter" ] && ok "binary is executable" || fail "binary not executable"
[ "$(stat -c %a "$root/usr/lib/systemd/system/secagent_exporter.service")" = 644 ] && ok "unit mode 0644" || fail "unit mode"
has "$work/DEBIAN/conffiles" '^/etc/secagent_exporter/config.yml$' "config.yml is a conffile"
has "$work/DEBIAN/conffiles" '^/etc/default/secagent_exporter$' "environment file is a conffile"
has "$work/DEBIAN/control" "^Version: ${version}\$" "control version"
has "$work/DEBIAN/control" "^Architecture: ${arch}\$" "control architecture"
has "$work/DEBIAN/postinst" 'useradd --system' "postinst creates the system user"
unit="$root/usr/lib/systemd/system/secagent_exporter.service"
has "$unit" '^User=secagent_exporter$' "unit runs unprivileged"
has "$unit" '^StateDirectory=secagent_exporter$' "unit StateDirectory"
has "$unit" '--state.dir=/var/lib/secagent_exporter' "unit passes --state.dir"
has "$unit" '--config.file=/etc/secagent_exporter/config.yml' "unit passes --config.file"
has "$unit" '^NoNewPrivileges=yes$' "unit NoNewPrivileges"
has "$unit" '^ProtectSystem=strict$' "unit ProtectSystem"
has "$unit" '^CapabilityBoundingSet=CAP_DAC_READ_SEARCH$' "unit capability bounding set"
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify resolves ExecStart, so the units are checked pointing at the unpacked binary.
  mkdir -p "$work/units"
  for u in secagent_exporter.service secagent_exporter.socket; do
    sed "s|/usr/bin/secagent_exporter|$root/usr/bin/secagent_exporter|" \
      "$root/usr/lib/systemd/system/$u" > "$work/units/$u"
  done
  if out=$(systemd-analyze verify "$work/units/secagent_exporter.service" "$work/units/secagent_exporter.socket" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify: units clean"
  else
    fail "systemd-analyze verify: $out"
  fi
else
  echo "skip: systemd-analyze not installed"
fi
# The unpacked binary can only run when it is built for this machine's CPU.
if [ "$arch" = "$(go env GOHOSTARCH 2>/dev/null || dpkg --print-architecture)" ]; then
  if "$root/usr/bin/secagent_exporter" --version 2>&1 | grep -q "version ${version}"; then
    ok "unpacked binary reports version ${version}"
  else
    fail "unpacked binary --version: $("$root/usr/bin/secagent_exporter" --version 2>&1 | head -1)"
  fi
  if "$root/usr/bin/secagent_exporter" --config.file="$root/etc/secagent_exporter/config.yml" \
      --collector.disable-defaults --state.dir="$work/state" --config.check >/dev/null 2>&1; then
    ok "shipped config.yml passes --config.check"
  else
    fail "shipped config.yml fails --config.check"
  fi
else
  echo "skip: $arch binary not run on this $(uname -m) machine"
fi

echo "== rpm: $rpm"
if command -v rpm >/dev/null 2>&1; then
  rpm -qlp "$rpm" 2>/dev/null > "$work/rpm-files"
  rpm -qcp "$rpm" 2>/dev/null > "$work/rpm-config"
  rpm -qp --scripts "$rpm" 2>/dev/null > "$work/rpm-scripts"
  rpm -qp --queryformat '%{VERSION} %{ARCH}\n' "$rpm" 2>/dev/null > "$work/rpm-info"
  has "$work/rpm-files" '^/usr/bin/secagent_exporter$' "rpm ships the binary"
  has "$work/rpm-files" '^/usr/lib/systemd/system/secagent_exporter.service$' "rpm ships the unit"
  has "$work/rpm-config" '^/etc/secagent_exporter/config.yml$' "rpm config.yml is %config"
  has "$work/rpm-config" '^/etc/sysconfig/secagent_exporter$' "rpm environment file under /etc/sysconfig"
  has "$work/rpm-scripts" 'useradd --system' "rpm postinstall creates the system user"
  has "$work/rpm-info" "^${version} ${rpmarch}\$" "rpm version and architecture"
else
  fail "rpm not installed (make package-test installs Debian's rpm package)"
fi

echo "== msi: $msi"
msiinfo export "$msi" ServiceInstall > "$work/ServiceInstall"
msiinfo export "$msi" ServiceControl > "$work/ServiceControl"
msiinfo export "$msi" CustomAction > "$work/CustomAction"
msiinfo export "$msi" InstallExecuteSequence > "$work/Sequence"
msiinfo export "$msi" Registry > "$work/Registry"
msiinfo export "$msi" File > "$work/File"
msiinfo export "$msi" Directory > "$work/Directory"
msiinfo export "$msi" Property > "$work/Property"
# ServiceInstall: own process (16), auto start (2), LocalSystem, flags from the install parameters.
has "$work/ServiceInstall" "$(printf 'secagent_exporter\tsecagent_exporter\t16\t2\t1\t\t\tLocalSystem')" "service: own process, automatic start, LocalSystem"
has "$work/ServiceInstall" '--config.file="\[CONFIG_FILE\]"' "service passes --config.file (CONFIG_FILE)"
has "$work/CustomAction" "$(printf 'SetConfigFileDefault\t[0-9]*\tCONFIG_FILE\t\\[CONFIGDIR\\]config.yml')" "CONFIG_FILE defaults to the installed config.yml"
has "$work/ServiceInstall" '--state.dir="\[CONFIGDIR\]state"' "service passes --state.dir under ProgramData"
has "$work/ServiceInstall" '--web.listen-address=\[LISTEN_ADDR\]:\[LISTEN_PORT\]' "service passes LISTEN_ADDR/LISTEN_PORT"
has "$work/ServiceInstall" '--collectors.enabled=\[ENABLED_COLLECTORS\]' "service passes ENABLED_COLLECTORS"
# 163 = start on install (1) + stop on install (2) + stop on uninstall (32) + delete on uninstall (128)
has "$work/ServiceControl" "$(printf 'secagent_exporter\t163')" "service control: start, stop, delete"
has "$work/CustomAction" 'config secagent_exporter start= delayed-auto' "delayed automatic start"
has "$work/CustomAction" 'failure secagent_exporter reset= 86400 actions= restart/60000/restart/60000/restart/60000' "restart on failure"
has "$work/CustomAction" 'failureflag secagent_exporter 1' "restart on non-zero exit"
has "$work/CustomAction" 'advfirewall firewall add rule name="secagent_exporter" dir=in action=allow protocol=TCP localport=\[LISTEN_PORT\] remoteip=\[REMOTE_ADDR\]' "optional firewall rule"
has "$work/Registry" 'EventLog\\Application\\secagent_exporter' "Event Log source registered"
has "$work/File" 'secagent_exporter.exe' "MSI ships the exe"
has "$work/File" 'config.yml' "MSI ships config.yml"
has "$work/Directory" "$(printf 'CONFIGDIR\tCommonAppDataFolder')" "config.yml goes under ProgramData"
has "$work/Property" "$(printf 'LISTEN_PORT\t9847')" "LISTEN_PORT defaults to 9847"
has "$work/Property" "$(printf 'ProductVersion\t')" "ProductVersion set"
# CWE-428 (unquoted service path): the service comes from the ServiceInstall table, whose
# path Windows Installer quotes itself; nothing else creates or re-points it, and every
# install path the package writes itself (service arguments, custom action command lines)
# is quoted.
if grep -qi -e 'binPath' -e '[[:space:]]create[[:space:]]' "$work/CustomAction"; then
  fail "a custom action creates or re-points a service: $(grep -i -e binPath -e create "$work/CustomAction")"
else
  ok "service created only from ServiceInstall"
fi
if grep -qi 'CurrentControlSet\\Services\\secagent_exporter' "$work/Registry"; then
  fail "Registry table writes the service key (ImagePath must come from ServiceInstall)"
else
  ok "no Registry row under the service key"
fi
cut -f 11 "$work/ServiceInstall" | tail -n +4 > "$work/paths"
# Command lines of the custom actions that run a program (not the ones setting a property).
awk -F'\t' 'NR > 3 && $3 ~ /EXE$/ { print $4 }' "$work/CustomAction" >> "$work/paths"
unquoted=$(tr ' ' '\n' < "$work/paths" | grep -E '\[(APPLICATIONFOLDER|CONFIGDIR|CONFIG_FILE|ProgramFiles64Folder|CommonAppDataFolder)\]' |
  grep -v -E '"\[(APPLICATIONFOLDER|CONFIGDIR|CONFIG_FILE|ProgramFiles64Folder|CommonAppDataFolder)\][^" ]*"' || true)
[ -z "$unquoted" ] && ok "every install path in service arguments and custom actions is quoted" || fail "unquoted install paths: $unquoted"
# Deferred actions must sit between InstallServices and StartServices; the old version
# is removed after InstallFinalize so shared components (config.yml) survive upgrades.
seq() { awk -F'\t' -v a="$1" '$1 == a { print $3 }' "$work/Sequence"; }
for a in ServiceDelayedAutoStart ServiceRestartOnFailure ServiceRestartOnNonZeroExit FirewallRuleAdd; do
  if [ "$(seq "$a")" -gt "$(seq InstallServices)" ] && [ "$(seq "$a")" -lt "$(seq StartServices)" ]; then
    ok "$a runs between InstallServices and StartServices"
  else
    fail "$a sequenced at $(seq "$a")"
  fi
done
if [ "$(seq RemoveStateDir)" -gt "$(seq StopServices)" ] && [ "$(seq RemoveStateDir)" -lt "$(seq RemoveFiles)" ]; then
  ok "state folder removed after StopServices, before RemoveFiles"
else
  fail "RemoveStateDir sequenced at $(seq RemoveStateDir)"
fi
has "$work/CustomAction" 'rd /s /q "\[CONFIGDIR\]state"' "uninstall removes the state folder (quoted)"
[ "$(seq RemoveExistingProducts)" -gt "$(seq InstallFinalize)" ] && ok "previous version removed after InstallFinalize" || fail "RemoveExistingProducts at $(seq RemoveExistingProducts)"
mkdir -p "$work/msi"
msiextract -C "$work/msi" "$msi" >/dev/null
exe=$(find "$work/msi" -name secagent_exporter.exe | head -1)
cfg=$(find "$work/msi" -name config.yml | head -1)
[ -n "$exe" ] && [ "$(head -c 2 "$exe")" = MZ ] && ok "extracted exe is a PE image" || fail "exe missing from the cabinet"
[ -n "$cfg" ] && cmp -s "$cfg" packaging/windows/config.yml && ok "extracted config.yml matches the source" || fail "config.yml missing or different"

if [ "$failures" -ne 0 ]; then
  echo "$failures packaging check(s) failed"
  exit 1
fi
echo "all packaging checks passed"
