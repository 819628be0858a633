#!/bin/sh
# Stops the service on removal. An upgrade (deb "upgrade", rpm "$1 = 1") keeps it running
# until postinstall restarts it with the new binary.
set -e
case "$1" in
  upgrade|1) exit 0 ;;
esac
if [ -d /run/systemd/system ]; then
  systemctl disable --now secagent_exporter.socket >/dev/null 2>&1 || true
  systemctl disable --now secagent_exporter.service >/dev/null 2>&1 || true
fi
exit 0
