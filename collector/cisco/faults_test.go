package cisco

import (
	"regexp"
	"testing"
)

func TestLinuxFaultTable(t *testing.T) {
	label := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	wantVerified := map[int]bool{5: true, 6: true, 18: true}
	seenID, seenName := map[int]bool{}, map[string]bool{}
	for _, f := range LinuxFaults {
		if seenID[f.ID] || seenName[f.Name] {
			t.Errorf("fault %d %q duplicated", f.ID, f.Name)
		}
		seenID[f.ID], seenName[f.Name] = true, true
		if !label.MatchString(f.Name) || len(f.Name) > 40 {
			t.Errorf("fault %d name %q is not a short snake_case label", f.ID, f.Name)
		}
		if f.Title == "" || f.TitleJa == "" || f.Source == "" {
			t.Errorf("fault %d lacks title, Japanese title or source", f.ID)
		}
		if f.Verified != wantVerified[f.ID] {
			t.Errorf("fault %d verified = %v", f.ID, f.Verified)
		}
		if f.Severity < SeverityMinor || f.Severity > SeverityCritical {
			t.Errorf("fault %d default severity %d", f.ID, f.Severity)
		}
	}
	for _, id := range []int{5, 6, 7, 8, 9, 11, 16, 18, 19} {
		if !seenID[id] {
			t.Errorf("fault %d from sources.md S5 missing", id)
		}
	}
	if f, ok := FaultByID(19); !ok || f.Name != "bpf_selinux_policy_missing" {
		t.Errorf("FaultByID(19) = %+v, %v", f, ok)
	}
	if f, ok := FaultByID(5); !ok || f.Name != "scan_user_missing" {
		t.Errorf("FaultByID(5) = %+v, %v", f, ok)
	}
	if _, ok := FaultByID(1); ok {
		t.Error("FaultByID(1) found an undocumented fault")
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]int{
		"None": SeverityNone, "minor": SeverityMinor, "Major": SeverityMajor, " CRITICAL ": SeverityCritical,
		"": SeverityUnknown, "Warning": SeverityUnknown,
	} {
		if got := ParseSeverity(in); got != want {
			t.Errorf("ParseSeverity(%q) = %d, want %d", in, got, want)
		}
	}
}
