package qualys

// FIM/audit conflict reasons, the closed set FIMAuditConflict returns (sources.md S10,
// Qualys "Issues for FIM on Linux"; sources.md S4 for the netlink consequence).
const (
	// FIMAuditOK: the audit set-up matches UseAuditDispatcher (or cannot be judged).
	FIMAuditOK = "none"
	// FIMAuditAuditdStopped: UseAuditDispatcher=1 but auditd is not running, so no
	// dispatcher feeds edr-plugin and FIM receives nothing.
	FIMAuditAuditdStopped = "auditd_stopped"
	// FIMAuditPluginMissing: UseAuditDispatcher=1, auditd runs, but edr-plugin is not
	// its dispatcher child (dispatcher line commented out in auditd.conf, plugin not
	// registered).
	FIMAuditPluginMissing = "edr_plugin_missing"
	// FIMAuditAuditdRunning: UseAuditDispatcher=0 makes the agent own the audit netlink
	// socket, which has a single owner; a running auditd holds it and FIM events are lost.
	FIMAuditAuditdRunning = "auditd_running"
	// FIMAuditImmutable: `auditctl -s` shows "enabled 2": the audit configuration is
	// locked until reboot and FIM cannot load its rules.
	FIMAuditImmutable = "audit_immutable"
)

// FIMAuditReasons lists the closed set in a stable order.
var FIMAuditReasons = []string{FIMAuditOK, FIMAuditAuditdStopped, FIMAuditPluginMissing,
	FIMAuditAuditdRunning, FIMAuditImmutable}

// FIMAuditConflict judges whether the host's audit set-up contradicts the agent's
// UseAuditDispatcher setting.
//
// useAuditDispatcher nil means the setting is unknown (conf unreadable or key absent; the
// agent's built-in default is not documented — the puppet module's 1 is a template
// default), so only immutability can be judged. edrPluginChild is whether an edr-plugin
// process descends from auditd (directly with auditd 3.x, through audispd before).
// A mode mismatch is reported ahead of immutability: it loses every event and is fixed
// without a reboot.
func FIMAuditConflict(useAuditDispatcher *bool, auditdRunning, edrPluginChild, auditImmutable bool) (conflict bool, reason string) {
	if useAuditDispatcher != nil {
		switch {
		case *useAuditDispatcher && !auditdRunning:
			return true, FIMAuditAuditdStopped
		case *useAuditDispatcher && !edrPluginChild:
			return true, FIMAuditPluginMissing
		case !*useAuditDispatcher && auditdRunning:
			return true, FIMAuditAuditdRunning
		}
	}
	if auditImmutable {
		return true, FIMAuditImmutable
	}
	return false, FIMAuditOK
}
