package cisco

import "testing"

// Severity words come from `ampcli status` lines ("ID 18 - Major: ..."): any text maps
// into the closed range the connector_fault_severity gauge documents.
func FuzzParseSeverity(f *testing.F) {
	for _, word := range []string{"Major", "Critical", "Minor", "None", " major ", "MAJOR", "重大", ""} {
		f.Add(word)
	}
	f.Fuzz(func(t *testing.T, word string) {
		if got := ParseSeverity(word); got < SeverityUnknown || got > SeverityCritical {
			t.Fatalf("ParseSeverity(%q) = %d, outside %d..%d", word, got, SeverityUnknown, SeverityCritical)
		}
	})
}
