package collector

import "testing"

func TestServerHostLabelIsHostOnly(t *testing.T) {
	for in, want := range map[string]string{
		"epo.corp.example:8443":                 "epo.corp.example",
		"https://admin:p@ss@epo.corp:8443/path": "epo.corp",
		"svc:secret@epo01":                      "epo01",
		"epo01":                                 "epo01",
		"bad host<x>":                           "",
		string(make([]byte, 200)):               "",
	} {
		if got := serverHostLabel(in); got != want {
			t.Errorf("serverHostLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormaliseUUIDByFormat(t *testing.T) {
	for in, want := range map[string]string{
		"{3F2504E0-4F89-41D3-9A0C-0305E82C3301}":    "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
		"<x>not a uuid</x>":                         "",
		"3f2504e0-4f89-41d3-9a0c-0305e82c3301 junk": "",
	} {
		if got := normaliseUUID(in); got != want {
			t.Errorf("normaliseUUID(%q) = %q, want %q", in, got, want)
		}
	}
}
