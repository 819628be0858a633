#!/bin/sh
# Creates the unprivileged service user, then lets systemd pick up the unit. The service
# is enabled but not started on a fresh install, so the operator reviews the config first;
# an upgrade restarts a running service.
set -e
if ! getent group secagent_exporter >/dev/null 2>&1; then
  groupadd --system secagent_exporter 2>/dev/null || addgroup --system secagent_exporter
fi
if ! getent passwd secagent_exporter >/dev/null 2>&1; then
  useradd --system --gid secagent_exporter --no-create-home \
    --home-dir /var/lib/secagent_exporter --shell /usr/sbin/nologin \
    --comment "secagent_exporter" secagent_exporter 2>/dev/null ||
  adduser --system --ingroup secagent_exporter --no-create-home \
    --home /var/lib/secagent_exporter --shell /usr/sbin/nologin secagent_exporter
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  systemctl enable secagent_exporter.service >/dev/null 2>&1 || true
  systemctl try-restart secagent_exporter.service >/dev/null 2>&1 || true
fi
exit 0
