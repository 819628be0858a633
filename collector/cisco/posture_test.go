package cisco

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParsePostureTetraKB(t *testing.T) {
	out, err := os.ReadFile("testdata/posture_tetra_kb.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePosture(out)
	if err != nil {
		t.Fatal(err)
	}
	if p.AgentUUID != "5c6e64fa-7738-4b39-b201-15451e33bfe6" || p.ConnectorVersion != "8.1.7" {
		t.Errorf("identity = %q %q", p.AgentUUID, p.ConnectorVersion)
	}
	if p.Connected == nil || !*p.Connected || p.Running == nil || !*p.Running {
		t.Errorf("connected/running = %v/%v", p.Connected, p.Running)
	}
	if got, want := p.LastScan, time.Unix(1684429124, 0).UTC(); !got.Equal(want) {
		t.Errorf("last scan = %v, want %v", got, want)
	}
	if p.LastScanStatus == nil || !*p.LastScanStatus {
		t.Errorf("last scan status = %v", p.LastScanStatus)
	}
	if !p.ProtectionModes["file"] || !p.ProtectionModes["process"] || len(p.ProtectionModes) != 2 {
		t.Errorf("protection modes = %v", p.ProtectionModes)
	}
	if len(p.Engines) != 5 {
		t.Fatalf("engines = %d, want 5", len(p.Engines))
	}
	tetra, ok := p.TetraDefinitions()
	if !ok {
		t.Fatal("no TETRA definitions")
	}
	if tetra.Version == nil || *tetra.Version != 90604 {
		t.Errorf("TETRA version = %v", tetra.Version)
	}
	if !tetra.Timestamp.Equal(time.Unix(1684387929, 0)) || !tetra.LastSuccessfulUpdate.Equal(time.Unix(1684423727, 0)) {
		t.Errorf("TETRA times = %v / %v", tetra.Timestamp, tetra.LastSuccessfulUpdate)
	}
	spero, ok := p.Engine("SPERO")
	if !ok || spero.Enabled == nil || *spero.Enabled || len(spero.Definitions) != 0 {
		t.Errorf("spero = %+v, %v", spero, ok)
	}
	bp, _ := p.Engine("bp")
	if len(bp.Definitions) != 1 || bp.Definitions[0].Version == nil || *bp.Definitions[0].Version != 8405 || !bp.Definitions[0].LastSuccessfulUpdate.IsZero() {
		t.Errorf("bp = %+v", bp)
	}
}

func TestParsePostureVariants(t *testing.T) {
	ts := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, in       string
		connected      *bool
		version        int64
		timestamp      time.Time
		noTetra        bool
		lastScanIsZero bool
	}{
		{
			name:      "strings everywhere",
			in:        `{"connected":"true","engines":[{"name":"Tetra","definitions":[{"name":"Tetra","version":"90604","timestamp":"1795154400"}]}],"last_scan":"0"}`,
			connected: ptr(true), version: 90604, timestamp: ts, lastScanIsZero: true,
		},
		{
			name:      "milliseconds and numeric bool",
			in:        `{"connected":0,"engines":[{"name":"TETRA","definitions":[{"version":90604,"timestamp":1795154400000}]}]}`,
			connected: ptr(false), version: 90604, timestamp: ts, lastScanIsZero: true,
		},
		{
			name:      "RFC 3339 and local.xml version style",
			in:        `{"Connected":true,"Engines":[{"Name":"tetra","Definitions":[{"Version":"1,dv:90604","Timestamp":"2026-11-20T15:00:00+09:00"}]}],"unknown":{"nested":[1,2]}}`,
			connected: ptr(true), version: 90604, timestamp: ts, lastScanIsZero: true,
		},
		{
			name:      "banner line before the JSON",
			in:        "AmpCLI 8.4.2\r\n{\"connected\":\"yes\",\"engines\":[{\"name\":\"Tetra\",\"definitions\":[{\"version\":1,\"timestamp\":\"2026-11-20 06:00:00\"}]}]}\r\n",
			connected: ptr(true), version: 1, timestamp: ts, lastScanIsZero: true,
		},
		{
			name:    "wrong types are dropped, not fatal",
			in:      `{"connected":{"x":1},"engines":"none","last_scan":[1]}`,
			noTetra: true, lastScanIsZero: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePosture([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if (tc.connected == nil) != (p.Connected == nil) || (tc.connected != nil && *tc.connected != *p.Connected) {
				t.Errorf("connected = %v, want %v", p.Connected, tc.connected)
			}
			if p.LastScan.IsZero() != tc.lastScanIsZero {
				t.Errorf("last scan = %v", p.LastScan)
			}
			d, ok := p.TetraDefinitions()
			if ok == tc.noTetra {
				t.Fatalf("TETRA found = %v", ok)
			}
			if tc.noTetra {
				return
			}
			if d.Version == nil || *d.Version != tc.version {
				t.Errorf("version = %v, want %d", d.Version, tc.version)
			}
			if !d.Timestamp.Equal(tc.timestamp) {
				t.Errorf("timestamp = %v, want %v", d.Timestamp, tc.timestamp)
			}
		})
	}
}

func TestParsePostureRejectsNonJSON(t *testing.T) {
	for _, in := range []string{
		"",
		"Access is denied.\r\n",
		"[1,2,3]",
		"{\"connected\":tru",
		strings.Repeat("\x1b[31mERROR ", 40),
	} {
		_, err := ParsePosture([]byte(in))
		if !errors.Is(err, ErrNotJSON) {
			t.Errorf("%q: err = %v, want ErrNotJSON", in, err)
			continue
		}
		if strings.ContainsRune(err.Error(), '\x1b') || len(err.Error()) > 160 {
			t.Errorf("%q: error not sanitised or too long: %q", in, err)
		}
	}
}

// A malformed posture is connector data and may carry anything (a token a later
// release adds): the error gives its size, not its content. Plain text is quoted, since
// "Access is denied." is what an operator needs to see.
func TestParsePostureErrorQuotesTextNotJSON(t *testing.T) {
	_, err := ParsePosture([]byte(`{"install_token":"tok-123456","connected":tr`))
	if !errors.Is(err, ErrNotJSON) || strings.Contains(err.Error(), "tok-123456") {
		t.Errorf("malformed JSON: err = %v", err)
	}
	_, err = ParsePosture([]byte("Access is denied.\r\n"))
	if err == nil || !strings.Contains(err.Error(), "Access is denied.") {
		t.Errorf("text output: err = %v, want the text quoted", err)
	}
}

func FuzzParsePosture(f *testing.F) {
	seed, err := os.ReadFile("testdata/posture_tetra_kb.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"engines":[{"definitions":[{"version":"1,dv:2","timestamp":"1e20"}]}]}`))
	f.Add([]byte("noise\n{\"connected\":\"1\"}"))
	f.Fuzz(func(t *testing.T, out []byte) {
		p, err := ParsePosture(out)
		if err != nil {
			if !errors.Is(err, ErrNotJSON) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, e := range p.Engines {
			for _, d := range e.Definitions {
				if d.Version != nil && *d.Version < 0 {
					t.Fatalf("negative version %d", *d.Version)
				}
				for _, ts := range []time.Time{d.Timestamp, d.LastSuccessfulUpdate} {
					if !ts.IsZero() && ts.Unix() < unixSecondsMin {
						t.Fatalf("pre-2000 timestamp %v", ts)
					}
				}
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
