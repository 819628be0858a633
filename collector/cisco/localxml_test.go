package cisco

import (
	"os"
	"strconv"
	"testing"
)

func TestParseLocalXML(t *testing.T) {
	for _, tc := range []struct {
		file          string
		uuid          string
		tetra         int64
		lastError     int32
		hasLastError  bool
		skipTetra     bool
		nDefinitions  int
		definitionsOf string
	}{
		{
			file: "local_defversions.xml", uuid: "e1bff43d-9395-438a-ad02-e6d094ca31d7",
			tetra: 85626, skipTetra: true, nDefinitions: 1, definitionsOf: LayoutDefversions,
		},
		{
			file: "local_stats_definitions.xml", uuid: "5c6e64fa-7738-4b39-b201-15451e33bfe6",
			tetra: 90604, lastError: -2100, hasLastError: true, nDefinitions: 2, definitionsOf: LayoutStatsDefinitions,
		},
		{
			file: "local_stats_definitions_utf16le_bom.xml", uuid: "5c6e64fa-7738-4b39-b201-15451e33bfe6",
			tetra: 90604, lastError: -2100, hasLastError: true, nDefinitions: 2, definitionsOf: LayoutStatsDefinitions,
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			l, err := ParseLocalXML(b)
			if err != nil {
				t.Fatal(err)
			}
			if l.AgentUUID != tc.uuid {
				t.Errorf("uuid = %q", l.AgentUUID)
			}
			if v, ok := l.TetraVersion(); !ok || v != tc.tetra {
				t.Errorf("TETRA version = %d, %v; want %d", v, ok, tc.tetra)
			}
			if l.TetraLastError != tc.lastError || l.HasTetraLastError != tc.hasLastError {
				t.Errorf("lasterror = %d (%v), want %d (%v)", l.TetraLastError, l.HasTetraLastError, tc.lastError, tc.hasLastError)
			}
			if l.SkipTetra != tc.skipTetra {
				t.Errorf("skiptetra = %v", l.SkipTetra)
			}
			if len(l.Definitions) != tc.nDefinitions || l.Definitions[0].Layout != tc.definitionsOf {
				t.Errorf("definitions = %+v", l.Definitions)
			}
		})
	}
}

func TestParseLocalXMLLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		tetra    int64
		ok       bool
	}{
		{"named TETRA entry is not first", `<config><agent><engine><stats><definitions>{"engineDefinitions":[{"engine":"ClamAV","defVersion":"27823"},{"engine":"TETRA","defVersion":"dv:90700"}]}</definitions></stats></engine></agent></config>`, 90700, true},
		{"named entries without TETRA", `<config><agent><engine><stats><definitions>{"engineDefinitions":[{"name":"BP","defVersion":"bp:8405"}]}</definitions></stats></engine></agent></config>`, 0, false},
		{"defversions wins over stats", `<config><agent><engine><tetra><defversions>1,dv:85626</defversions></tetra><stats><definitions>{"engineDefinitions":[{"defVersion":"1,dv:1"}]}</definitions></stats></engine></agent></config>`, 85626, true},
		{"stats text is not JSON", `<config><agent><engine><stats><definitions>n/a</definitions></stats></engine></agent></config>`, 0, false},
		{"UTF-8 BOM and CDATA", "\xef\xbb\xbf<config><agent><engine><stats><definitions><![CDATA[{\"engineDefinitions\":[{\"defVersion\":\"1,dv:90604\"}]}]]></definitions></stats></engine></agent></config>", 90604, true},
		{"no definitions", `<config><agent><uuid>x</uuid></agent></config>`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseLocalXML([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := l.TetraVersion(); v != tc.tetra || ok != tc.ok {
				t.Errorf("TETRA version = %d, %v; want %d, %v", v, ok, tc.tetra, tc.ok)
			}
		})
	}
}

func TestParseLocalXMLErrors(t *testing.T) {
	for _, in := range []string{"", "not xml", "<config><agent>", "\xff\xfe<\x00"} {
		if _, err := ParseLocalXML([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseTetraLastError(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"0", 0, true},
		{"4294965193", -2103, true},
		{"4294965196", -2100, true},
		{"4294965187", -2109, true},
		{"-2103", -2103, true},
		{" -2100\n", -2100, true},
		{"0xFFFFF7C9", -2103, true},
		{"0xfffff7cc", -2100, true},
		{"0XFFFFF7C3", -2109, true},
		{"+5", 5, true},
		{"2147483648", -2147483648, true},
		{"4294967296", 0, false},
		{"-2147483649", 0, false},
		{"0x1FFFFFFFF", 0, false},
		{"", 0, false},
		{"0x", 0, false},
		{"abc", 0, false},
	} {
		got, err := ParseTetraLastError(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseTetraLastError(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestTetraErrorReason(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want string
	}{
		{"0", TetraReasonNone},
		{"4294965193", TetraReasonProxyConnect},
		{"4294965196", TetraReasonProxyAuth},
		{"4294965187", TetraReasonProxyDownload},
		{"-1", TetraReasonOther},
		{"12007", TetraReasonOther},
	} {
		code, err := ParseTetraLastError(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := TetraErrorReason(code); got != tc.want {
			t.Errorf("%s: reason %q, want %q", tc.raw, got, tc.want)
		}
	}
	seen := map[string]bool{}
	for _, r := range TetraErrorReasons {
		seen[r] = true
	}
	for _, e := range TetraErrors {
		if !seen[e.Reason] || e.Source == "" || e.TitleJa == "" {
			t.Errorf("table row %+v: reason outside TetraErrorReasons or missing source/title", e)
		}
	}
}

func FuzzParseLocalXML(f *testing.F) {
	for _, name := range []string{"local_defversions.xml", "local_stats_definitions.xml", "local_stats_definitions_utf16le_bom.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLocalXML(b)
		if err != nil {
			return
		}
		for _, d := range l.Definitions {
			if d.Version < 0 {
				t.Fatalf("negative version %d", d.Version)
			}
		}
		if l.HasTetraLastError {
			again, err := ParseTetraLastError(l.TetraLastErrorRaw)
			if err != nil || again != l.TetraLastError {
				t.Fatalf("lasterror %q not stable: %d vs %d (%v)", l.TetraLastErrorRaw, l.TetraLastError, again, err)
			}
		}
	})
}

func FuzzParseTetraLastError(f *testing.F) {
	for _, s := range []string{"4294965193", "4294965196", "4294965187", "-2103", "0xFFFFF7C9", "0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ParseTetraLastError(s)
		if err != nil {
			if code != 0 {
				t.Fatalf("error with non-zero code %d", code)
			}
			return
		}
		// Every accepted rendering round-trips through the signed decimal form.
		again, err := ParseTetraLastError(fmtInt32(code))
		if err != nil || again != code {
			t.Fatalf("%q -> %d does not round-trip: %d, %v", s, code, again, err)
		}
		reason := TetraErrorReason(code)
		valid := false
		for _, r := range TetraErrorReasons {
			valid = valid || r == reason
		}
		if !valid {
			t.Fatalf("reason %q outside the closed set", reason)
		}
	})
}

func fmtInt32(v int32) string { return strconv.FormatInt(int64(v), 10) }
