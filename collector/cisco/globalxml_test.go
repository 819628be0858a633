package cisco

import (
	"os"
	"testing"
)

func TestParseGlobalXML(t *testing.T) {
	b, err := os.ReadFile("testdata/global.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"fixture", string(b), "1.24.1.1047", false},
		{"agent_version element", `<config><agent><agent_version>1.22.0.985</agent_version></agent></config>`, "1.22.0.985", false},
		{"deep version element", `<config><package><product><meta><version>1.25.0.1100</version></meta></product></package></config>`, "1.25.0.1100", false},
		{"non-version text skipped", `<config><agent><version>unknown</version></agent><version>1.24.1</version></config>`, "1.24.1", false},
		{"no version", `<config><agent/></config>`, "", false},
		{"broken", `<config><agent>`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ParseGlobalXML([]byte(tc.in))
			if (err != nil) != tc.wantErr || g.Version != tc.want {
				t.Errorf("got %+v, %v; want %q (error %v)", g, err, tc.want, tc.wantErr)
			}
		})
	}
}

func FuzzParseGlobalXML(f *testing.F) {
	b, err := os.ReadFile("testdata/global.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`<config><x><version>1.2.3</version></x></config>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseGlobalXML(b)
		if err == nil && g.Version != "" && !connectorVersionText.MatchString(g.Version) {
			t.Fatalf("version %q is not version-shaped", g.Version)
		}
	})
}
