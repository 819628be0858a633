package cisco

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParsePolicyXML(t *testing.T) {
	b, err := os.ReadFile("testdata/policy_xmldsig.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePolicyXML(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Serial == nil || *p.Serial != 871 {
		t.Errorf("serial = %v", p.Serial)
	}
	if p.UUID != "ef391d36-b6ee-4832-ba61-0bda3d655236" || p.Name != "Protect Policy" {
		t.Errorf("uuid/name = %q/%q", p.UUID, p.Name)
	}
	if p.TetraEnabled == nil || !*p.TetraEnabled || p.TetraUpdateEnabled == nil || !*p.TetraUpdateEnabled {
		t.Errorf("TETRA enable = %v / %v", p.TetraEnabled, p.TetraUpdateEnabled)
	}
	if p.TetraUpdateServer != "tetra-defs.amp.cisco.com" || p.TetraUpdateInterval != time.Hour {
		t.Errorf("TETRA updater = %q every %v", p.TetraUpdateServer, p.TetraUpdateInterval)
	}
	if p.HeartbeatInterval != 15*time.Minute {
		t.Errorf("heartbeat = %v", p.HeartbeatInterval)
	}
	if p.LogLevel == nil || *p.LogLevel != 0 || p.DebugLogging {
		t.Errorf("log level = %v debug=%v", p.LogLevel, p.DebugLogging)
	}
	if p.Proxy != (PolicyProxy{}) {
		t.Errorf("proxy = %+v, want none", p.Proxy)
	}
}

func TestParsePolicyXMLProxyNeverLeaksCredentials(t *testing.T) {
	b, err := os.ReadFile("testdata/policy_xmldsig_proxy_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePolicyXML(b)
	if err != nil {
		t.Fatal(err)
	}
	want := PolicyProxy{Configured: true, HostPort: "proxy.example.internal:8080", Type: "1", AuthConfigured: true}
	if p.Proxy != want {
		t.Errorf("proxy = %+v, want %+v", p.Proxy, want)
	}
	if !p.DebugLogging {
		t.Error("debug log level not recognised")
	}
	dump := fmt.Sprintf("%+v %#v", p, p)
	for _, secret := range []string{"S3cr3t-Pr0xy", "svc-amp"} {
		if strings.Contains(dump, secret) {
			t.Errorf("parsed policy carries %q: %s", secret, dump)
		}
	}
}

func TestProxyHostPort(t *testing.T) {
	for _, tc := range []struct{ server, port, want string }{
		{"proxy.example", "8080", "proxy.example:8080"},
		{"proxy.example:3128", "", "proxy.example:3128"},
		{"proxy.example:3128", "8080", "proxy.example:8080"},
		{"http://u:p@proxy.example:3128/path", "", "proxy.example:3128"},
		{"u:p@proxy.example", "80", "proxy.example:80"},
		{"2001:db8::1", "8080", "[2001:db8::1]:8080"},
		{"[2001:db8::1]:3128", "", "[2001:db8::1]:3128"},
		{"proxy.example", "99999", "proxy.example"},
		{"", "8080", ""},
		{"http://", "", ""},
	} {
		if got := proxyHostPort(tc.server, tc.port); got != tc.want {
			t.Errorf("proxyHostPort(%q, %q) = %q, want %q", tc.server, tc.port, got, tc.want)
		}
	}
}

func TestParsePolicyXMLShapes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		serial   int64
		wantErr  bool
	}{
		{"unsigned config root", `<config><janus><policy><serial_number>12</serial_number></policy></janus></config>`, 12, false},
		{"prefixed namespace", `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Object><ds:config><ds:janus><ds:policy><ds:serial_number>7</ds:serial_number></ds:policy></ds:janus></ds:config></ds:Object></ds:Signature>`, 7, false},
		{"no config", `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>`, 0, true},
		{"empty", ``, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePolicyXML([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tc.wantErr {
				return
			}
			if p.Serial == nil || *p.Serial != tc.serial {
				t.Errorf("serial = %v, want %d", p.Serial, tc.serial)
			}
		})
	}
}

func FuzzParsePolicyXML(f *testing.F) {
	for _, name := range []string{"policy_xmldsig.xml", "policy_xmldsig_proxy_auth.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePolicyXML(b)
		if err != nil {
			return
		}
		if p.TetraUpdateInterval < 0 || p.HeartbeatInterval < 0 {
			t.Fatalf("negative interval %v / %v", p.TetraUpdateInterval, p.HeartbeatInterval)
		}
		if strings.Contains(p.Proxy.HostPort, "@") {
			t.Fatalf("proxy host:port keeps userinfo: %q", p.Proxy.HostPort)
		}
	})
}
