package qualys

import (
	"testing"
	"time"
)

func TestAgentVersion(t *testing.T) {
	healthy := splitRecords(string(readTestdata(t, "log/poco-template.log")))
	cases := []struct {
		name string
		line LogLine
		want string
	}{
		{"start-up line", LogLine{Message: "Qualys Cloud Agent service started, version 6.1.0.28"}, "6.1.0.28"},
		{"CAPI payload", LogLine{Message: "CAPI request: POST /CloudAgent/ca/provision",
			Payload: "{\n    \"agentUuid\": \"6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f\",\n    \"version\": \"6.1.0.28\"\n}"}, "6.1.0.28"},
		{"payload without agent uuid", LogLine{Message: "CAPI response:", Payload: `{"version": "3.2"}`}, ""},
		{"vulnsigs are not the agent", LogLine{Message: "VM manifest downloaded, vulnsigs version 2.6.241-3"}, ""},
		{"agent and vulnsigs", LogLine{Message: "Agent received vulnsigs version 2.6.241"}, ""},
		{"build suffix", LogLine{Message: "Agent version 6.1.0.28-beta"}, ""},
		{"too many parts", LogLine{Message: "Agent version 1.2.3.4.5"}, ""},
		{"no version", LogLine{Message: "CAPI event successfully completed"}, ""},
		{"agent version colon", LogLine{Message: "Agent Version: v5.9.0.12"}, "5.9.0.12"},
	}
	for _, tc := range cases {
		if got := AgentVersion(tc.line); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	// The verbatim testdata record carries the version in its payload.
	l, ok := ParseLogLine(healthy[1], time.UTC)
	if !ok || AgentVersion(l) != "6.1.0.28" {
		t.Errorf("testdata payload: %+v", l)
	}
}

func TestParseDocDirVersion(t *testing.T) {
	for name, want := range map[string]string{
		"qualys-cloud-agent-6.1.0.28": "6.1.0.28",
		"qualys-cloud-agent-4.8":      "4.8",
		"qualys-cloud-agent-6.1.0-28": "",
		"qualys-cloud-agent-":         "",
		"qualys-cloud-agent-x":        "",
		"cloud-agent-6.1":             "",
	} {
		got, ok := ParseDocDirVersion(name)
		if got != want || ok != (want != "") {
			t.Errorf("%q: %q %v", name, got, ok)
		}
	}
}

func TestNewerVersion(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"6.10.0", "6.9.1", true},
		{"6.9.1", "6.10.0", false},
		{"6.1.0.28", "6.1.0", true},
		{"6.1", "6.1.0", false},
		{"6.1.0", "", true},
		{"", "", false},
	}
	for _, tc := range cases {
		if got := NewerVersion(tc.a, tc.b); got != tc.want {
			t.Errorf("NewerVersion(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func FuzzAgentVersion(f *testing.F) {
	f.Add("Qualys Cloud Agent service started, version 6.1.0.28", "")
	f.Add("CAPI request: POST /CloudAgent/ca/provision", "{\"agentUuid\": \"x\", \"version\": \"6.1.0.28\"}")
	f.Add("VM manifest downloaded, vulnsigs version 2.6.241-3", "")
	f.Fuzz(func(t *testing.T, msg, payload string) {
		v := AgentVersion(LogLine{Message: msg, Payload: payload})
		if v != "" && !versionShape.MatchString(v) {
			t.Fatalf("version %q has not the label shape", v)
		}
		if v != "" && NewerVersion(v, v) {
			t.Fatalf("%q newer than itself", v)
		}
	})
}
