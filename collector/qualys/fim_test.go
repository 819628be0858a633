package qualys

import (
	"slices"
	"testing"
)

func TestFIMAuditConflict(t *testing.T) {
	on, off := boolp(true), boolp(false)
	cases := []struct {
		name                             string
		dispatcher                       *bool
		auditd, plugin, immutable, wantC bool
		reason                           string
	}{
		// sources.md S10: UseAuditDispatcher=1 needs auditd with edr-plugin as its child.
		{"dispatcher, healthy", on, true, true, false, false, FIMAuditOK},
		{"dispatcher, auditd stopped", on, false, false, false, true, FIMAuditAuditdStopped},
		{"dispatcher, plugin not registered", on, true, false, false, true, FIMAuditPluginMissing},
		// sources.md S10 / sources.md S4: UseAuditDispatcher=0 needs auditd stopped (netlink owner).
		{"netlink, healthy", off, false, false, false, false, FIMAuditOK},
		{"netlink, auditd running", off, true, false, false, true, FIMAuditAuditdRunning},
		{"netlink, stray plugin is harmless", off, false, true, false, false, FIMAuditOK},
		// enabled 2 blocks rule changes whatever the mode.
		{"dispatcher, immutable", on, true, true, true, true, FIMAuditImmutable},
		{"netlink, immutable", off, false, false, true, true, FIMAuditImmutable},
		{"mismatch beats immutable", off, true, false, true, true, FIMAuditAuditdRunning},
		// Unknown setting: only immutability can be judged.
		{"unknown, auditd running", nil, true, false, false, false, FIMAuditOK},
		{"unknown, immutable", nil, false, false, true, true, FIMAuditImmutable},
	}
	for _, tc := range cases {
		c, r := FIMAuditConflict(tc.dispatcher, tc.auditd, tc.plugin, tc.immutable)
		if c != tc.wantC || r != tc.reason {
			t.Errorf("%s: got %v %q, want %v %q", tc.name, c, r, tc.wantC, tc.reason)
		}
		if !slices.Contains(FIMAuditReasons, r) || c != (r != FIMAuditOK) {
			t.Errorf("%s: reason %q inconsistent with conflict %v", tc.name, r, c)
		}
	}
}
