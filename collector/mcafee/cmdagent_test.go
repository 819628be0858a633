package mcafee

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCmdAgentInfo(t *testing.T) {
	cases := []struct {
		file string
		want CmdAgentInfo
	}{
		{
			// sources.md S12, verbatim, including the prompt echo and the custom-props block.
			file: "cmdagent_ma551_unmanaged.txt",
			want: CmdAgentInfo{
				Component: "McAfee Agent", Version: "5.5.1.301", Mode: AgentMode{Value: 0},
				LogLocation: `C:\ProgramData\McAfee\Agent\logs`, InstallLocation: `C:\Program Files\McAfee\Agent\`,
				DataLocation: `C:\ProgramData\McAfee\Agent\`, CryptoMode: "0",
				CustomProperties: map[string]string{"UserProperty1": "FooMonkey"},
				Missing:          []string{"EpoServerLastUsed"},
			},
		},
		{
			file: "cmdagent_x.txt",
			want: CmdAgentInfo{
				Component: "McAfee Agent", Mode: AgentMode{Value: -1},
				CustomProperties: map[string]string{"UserProperty1": "FooMonkey"},
			},
		},
		{
			file: "cmdagent_linux_managed.txt",
			want: CmdAgentInfo{
				Component: "McAfee Agent", Version: "5.7.9.139", Mode: AgentMode{Value: 1, Managed: true},
				GUID:              "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
				EPOServers:        []EPOServer{{"epo01.example.com", 443}, {"epo-ah01.example.com", 8443}},
				EPOServerLastUsed: "epo01.example.com", EPOVersion: "5.10.0",
				LastASCTime:          time.Date(2026, 11, 16, 9, 30, 12, 0, tokyo),
				LastPolicyUpdateTime: time.Date(2026, 11, 16, 9, 30, 15, 0, tokyo),
				LogLocation:          "/var/McAfee/agent/logs", InstallLocation: "/opt/McAfee/agent/",
				DataLocation: "/var/McAfee/agent/", CryptoMode: "0",
			},
		},
		{
			file: "cmdagent_failed_values.txt",
			want: CmdAgentInfo{
				Component: "McAfee Agent", Version: "5.7.9.139", Mode: AgentMode{Value: 1, Managed: true},
				EPOServers:      []EPOServer{{"EPO01.corp.example", 443}},
				InstallLocation: `C:\Program Files\McAfee\Agent\`, DataLocation: `C:\ProgramData\McAfee\Agent\`, CryptoMode: "0",
				Missing: []string{"GUID", "LogLocation", "EpoServerLastUsed", "LastASCTime"},
				Invalid: []string{"LastPolicyUpdateTime"},
			},
		},
		{
			file: "cmdagent_empty_values.txt",
			want: CmdAgentInfo{Component: "McAfee Agent", Mode: AgentMode{Value: -1}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			raw := readFixture(t, tc.file)
			got, err := ParseCmdAgentInfo(raw, tokyo)
			if err != nil {
				t.Fatal(err)
			}
			// Windows prints CRLF; the result must not depend on it.
			crlf, err := ParseCmdAgentInfo(bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n")), tokyo)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, crlf) {
				t.Errorf("CRLF output parsed differently:\n%+v\n%+v", got, crlf)
			}
			if len(got.Sections) == 0 {
				t.Error("no sections kept")
			}
			got.Sections = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseCmdAgentInfoSections(t *testing.T) {
	info, err := ParseCmdAgentInfo(readFixture(t, "cmdagent_ma551_unmanaged.txt"), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Sections) != 2 || info.Sections[0].Component != "McAfee Agent" || info.Sections[1].Fields["UserProperty1"] != "FooMonkey" {
		t.Errorf("sections %+v", info.Sections)
	}
	if v, ok := info.Sections[0].Fields["EpoServerList"]; !ok || v != "" {
		t.Errorf("empty EpoServerList should be kept as an empty value, got %q, %v", v, ok)
	}
}

func TestParseCmdAgentInfoVariants(t *testing.T) {
	cases := []struct {
		name   string
		out    string
		check  func(CmdAgentInfo) bool
		expect string
	}{
		{"GUID with braces and lower case", "GUID: {d2e157f4-b917-4d31-bef0-32074badf081}\n",
			func(i CmdAgentInfo) bool { return i.GUID == "D2E157F4-B917-4D31-BEF0-32074BADF081" }, "normalised GUID"},
		{"first value of a repeated key wins", "Version: 5.7.9.139\nComponent: Other\nVersion: 1.0\n",
			func(i CmdAgentInfo) bool { return i.Version == "5.7.9.139" }, "first Version"},
		{"server list with ports, scheme and blanks", "EpoServerList: https://epo01:8443/x, epo02 [fd00::1]:443\nEpoPortList: 80\n",
			func(i CmdAgentInfo) bool {
				return reflect.DeepEqual(i.EPOServers, []EPOServer{{"epo01", 8443}, {"epo02", 80}, {"fd00::1", 443}})
			}, "three servers"},
		{"ePOServerList spelling, pipe alternates", "ePOServerList: EPO01|10.0.0.5|EPO01;EPO02\nePOPortList: 443;444\n",
			func(i CmdAgentInfo) bool {
				return reflect.DeepEqual(i.EPOServers, []EPOServer{{"EPO01", 443}, {"EPO02", 444}})
			}, "two servers"},
		{"unknown AgentMode kept raw", "AgentMode: 2\n",
			func(i CmdAgentInfo) bool { return i.Mode == AgentMode{Value: 2} }, "mode 2, not managed"},
		{"non-numeric AgentMode", "AgentMode: yes\n",
			func(i CmdAgentInfo) bool {
				return i.Mode.Value == -1 && reflect.DeepEqual(i.Invalid, []string{"AgentMode"})
			}, "invalid AgentMode"},
		{"dashed LastASCTime", "LastASCTime: 2026-11-16 09:30:12\n",
			func(i CmdAgentInfo) bool { return i.LastASCTime.Equal(time.Date(2026, 11, 16, 9, 30, 12, 0, tokyo)) }, "time read"},
		{"banner lines and language", "McAfee Agent Command Line Utility\nCopyright (C) McAfee\n\nLanguage: 0411\nVersion:5.7.9.139\n",
			func(i CmdAgentInfo) bool { return i.Language == "0411" && i.Version == "5.7.9.139" }, "language and version"},
		{"UTF-8 BOM", "\xEF\xBB\xBFComponent: Trellix Agent\nAgentMode: 1\n",
			func(i CmdAgentInfo) bool { return i.Component == "Trellix Agent" && i.Mode.Managed }, "Trellix component"},
	}
	for _, tc := range cases {
		info, err := ParseCmdAgentInfo([]byte(tc.out), tokyo)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !tc.check(info) {
			t.Errorf("%s: want %s, got %+v", tc.name, tc.expect, info)
		}
	}
}

func TestParseCmdAgentInfoRejectsNoise(t *testing.T) {
	for _, out := range []string{
		"",
		"\r\n\r\n",
		"cmdagent: error while loading shared libraries: libma.so: cannot open shared object file",
		"Failed to connect to the agent service.\n",
		`C:\Program Files\McAfee\Agent>cmdagent.exe -i` + "\n",
		"Failed to get value of\n",
		"Hostname: web01\nUptime: 3 days\n",
	} {
		if info, err := ParseCmdAgentInfo([]byte(out), time.UTC); !errors.Is(err, ErrNoAgentInfo) {
			t.Errorf("ParseCmdAgentInfo(%q) = %+v, %v; want ErrNoAgentInfo", out, info, err)
		}
	}
}

func FuzzParseCmdAgentInfo(f *testing.F) {
	for _, name := range []string{"cmdagent_ma551_unmanaged.txt", "cmdagent_x.txt", "cmdagent_linux_managed.txt",
		"cmdagent_failed_values.txt", "cmdagent_empty_values.txt"} {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		info, err := ParseCmdAgentInfo(out, tokyo)
		if err != nil {
			if !reflect.DeepEqual(info, CmdAgentInfo{}) {
				t.Fatalf("error %v with a non-empty result", err)
			}
			return
		}
		if info.GUID != strings.ToUpper(info.GUID) || strings.ContainsAny(info.GUID, "{}") {
			t.Fatalf("GUID not normalised: %q", info.GUID)
		}
		if info.Mode.Managed != (info.Mode.Value == 1) {
			t.Fatalf("mode %+v", info.Mode)
		}
		for _, s := range info.EPOServers {
			if s.Host == "" || s.Port < 0 || s.Port > 65535 {
				t.Fatalf("server %+v", s)
			}
		}
		for _, tm := range []time.Time{info.LastASCTime, info.LastPolicyUpdateTime} {
			if !tm.IsZero() && (tm.Year() < 0 || tm.Year() > 9999) {
				t.Fatalf("time %v", tm)
			}
		}
	})
}
