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
