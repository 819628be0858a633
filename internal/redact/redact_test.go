package redact

import (
	"strings"
	"testing"
)

func TestStringMasksEverySecretShape(t *testing.T) {
	cases := []struct {
		in       string
		secret   string
		keepText string
	}{
		{"ActivationId=1d2c3b4a-SECRET-ACT\nLogLevel=3", "SECRET-ACT", "LogLevel=3"},
		{"CustomerId = 9a8b-SECRET-CUST", "SECRET-CUST", "CustomerId"},
		{`https_proxy="http://svc_user:SECRET-PW@proxy.corp:3128"`, "SECRET-PW", "proxy.corp:3128"},
		{`qualys_https_proxy=https://u:SECRET-PW2@p1:8080;https://p2:8080`, "SECRET-PW2", "p2:8080"},
		{`<client_keypair>MIIEvQIBADANBgkqSECRETKEY</client_keypair><uuid>abc</uuid>`, "SECRETKEY", "<uuid>abc</uuid>"},
		{`<install_token type="x">SECRET-TOKEN</install_token>`, "SECRET-TOKEN", `<install_token type="x">`},
		{`<ns:proxy_password>SECRET-XMLPW</ns:proxy_password>`, "SECRET-XMLPW", "proxy_password"},
		{`{"unlock_code": "SECRET-UNLOCK", "connected": true}`, "SECRET-UNLOCK", `"connected": true`},
		{`"password":"SECRET-\"ESC"`, "SECRET-", `"password"`},
		{"-----BEGIN RSA PRIVATE KEY-----\nSECRET-PEM\n-----END RSA PRIVATE KEY-----", "SECRET-PEM", ""},
		{"HKLM\\SOFTWARE\\Immunet Protect client_keypair: SECRET-REG", "SECRET-REG", "Immunet Protect"},
		{"Authorization: Basic SECRET-BASIC", "SECRET-BASIC", ""},
		{"UserProperty3: rack 4 SECRET-PROP free text\nLastASCTime: 20261116100001", "SECRET-PROP", "LastASCTime: 20261116100001"},
		{"Using proxy for ActivationId SECRET-FREE-TEXT now", "SECRET-FREE-TEXT", "now"},
		{"<install_token>SECRET-CUT-FILE", "SECRET-CUT-FILE", "<install_token>"},
		{"<proxy><username>SECRET-USER</username></proxy>", "SECRET-USER", "<proxy>"},
	}
	for _, tc := range cases {
		got := String(tc.in)
		if strings.Contains(got, tc.secret) {
			t.Errorf("String(%q) = %q still holds %q", tc.in, got, tc.secret)
		}
		if !strings.Contains(got, tc.keepText) {
			t.Errorf("String(%q) = %q lost %q", tc.in, got, tc.keepText)
		}
	}
}

func TestStringKeepsOrdinaryText(t *testing.T) {
	for _, s := range []string{
		"2026-11-16 09:00:01.123 masvc(2101.2102) Agent.Info: Agent started performing ASCI",
		"AgentGUID: {3F2504E0-4F89-41D3-9A0C-0305E82C3301}",
		"ServerUri=https://qagpublic.qg2.apps.qualys.com/CloudAgent/",
		`<tetra><defversions>1,dv:85626</defversions></tetra>`,
		"Faults: 1 Major",
		// Long paths mix case and digits like base64 but are not key material.
		"source mcafee_agent_log: /tmp/TestFaultInjection1234/001/C/ProgramData/McAfee/Agent/logs/masvc_web01.log: not a regular file",
		`open C:/ProgramData/McAfee/Common Framework/DB/Agent_WEB01.log: permission denied`,
		"/var/lib/secagent_exporter/State2026/Logtail/Mcafee/AgentLogs/Masvc01.json",
	} {
		if got := String(s); got != s {
			t.Errorf("String(%q) = %q: ordinary text changed", s, got)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("ActivationId=abc password=x http://u:p@h/")
	f.Add(`<install_token>t</install_token>{"token":"v"}`)
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if String(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, String(out))
		}
	})
}
