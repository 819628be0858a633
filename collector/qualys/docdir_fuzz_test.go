package qualys

import "testing"

// The documentation directory name becomes a label value: whatever a package manager
// (or a stray directory) names it, only a version of the label shape comes out.
func FuzzParseDocDirVersion(f *testing.F) {
	// The package documentation directories of sources.md S9 and the names around them.
	for _, name := range []string{"qualys-cloud-agent-6.1.0.28", "qualys-cloud-agent-5.0.0.17", "qualys-cloud-agent",
		"qualys-cloud-agent-6.1.0.28-1.x86_64", "qualys-cloud-agent-", "bash-5.1.8"} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		v, ok := ParseDocDirVersion(name)
		if ok != (v != "") {
			t.Fatalf("ok %v with version %q", ok, v)
		}
		if ok && (!versionShape.MatchString(v) || NewerVersion(v, v) || !NewerVersion(v, "")) {
			t.Fatalf("version %q from %q breaks the version invariants", v, name)
		}
	})
}
