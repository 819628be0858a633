#!/bin/sh
# The user and /var/lib/secagent_exporter (log offsets) are kept, like most Debian and
# RPM packages do, so a reinstall resumes where it left off. deb "purge" removes the state.
set -e
if [ "$1" = purge ]; then
  rm -rf /var/lib/secagent_exporter
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
