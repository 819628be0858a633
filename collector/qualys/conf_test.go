package qualys

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertNoSecret fails when any rendering of v contains a fake secret marker.
func assertNoSecret(t testing.TB, v any) {
	t.Helper()
	s := fmt.Sprintf("%+v %#v", v, v)
	for _, marker := range []string{"SECRET", "<password>", "<username>"} {
		if strings.Contains(s, marker) {
			t.Fatalf("secret marker %q leaked into %s", marker, s)
		}
	}
}

func TestParseAgentConf(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want AgentConf
	}{
		{
			name: "puppet template",
			in:   readTestdata(t, "conf/puppet-template.conf"),
			want: AgentConf{
				ActivationIDPresent: true, CustomerIDPresent: true,
				ServerURI: "qagpublic.qg3.apps.qualys.com:443", ServerURIPresent: true,
				LogLevel: intp(3), CmdMaxTimeOut: intp(1800), CmdStdOutSize: intp(1024),
				RequestTimeOut: intp(600), ProcessPriority: intp(0),
				UseAuditDispatcher: boolp(true), UseSudo: boolp(false),
				LogFileDir: "/var/log/qualys", HostIDSearchDir: "/etc/qualys",
			},
		},
		{
			name: "FHS layout with BOM, CRLF and junk",
			in:   readTestdata(t, "conf/fhs-crlf.conf"),
			want: AgentConf{
				ActivationIDPresent: true, CustomerIDPresent: false,
				ServerURI: "qagpublic.qg2.apps.qualys.eu:8443", ServerURIPresent: true,
				LogLevel: intp(5), UseAuditDispatcher: boolp(false), ProxyFailOpen: boolp(true),
				UnknownKeys: []string{"FutureKey"}, InvalidKeys: []string{"RequestTimeOut"},
				MalformedLines: 1,
			},
		},
		{
			name: "empty",
			in:   nil,
			want: AgentConf{},
		},
		{
			name: "tri-state and bad values",
			in:   []byte("UseAuditDispatcher=yes\nLogLevel=9\nServerUri=\nServerUri=not a url\n=orphan\n"),
			want: AgentConf{ServerURIPresent: true, InvalidKeys: []string{"UseAuditDispatcher", "LogLevel", "ServerUri"}, MalformedLines: 1},
		},
		{
			name: "later duplicate wins, http default port, user info dropped",
			in:   []byte("UseAuditDispatcher=1\nUseAuditDispatcher=0\nServerUri=http://u:SECRET@10.0.0.5/x\nActivationId=\n"),
			want: AgentConf{UseAuditDispatcher: boolp(false), ServerURI: "10.0.0.5:80", ServerURIPresent: true},
		},
		{
			name: "keys are case-sensitive",
			in:   []byte("useauditdispatcher=1\n"),
			want: AgentConf{UnknownKeys: []string{"useauditdispatcher"}},
		},
		{
			name: "log destination and host id directory",
			in:   []byte("LogDestType=syslog\nHostIdSearchDir=/opt/site\n"),
			want: AgentConf{LogDest: LogDestSyslog, HostIDSearchDir: "/opt/site"},
		},
		{
			name: "unknown log destination",
			in:   []byte("LogDestType=journald\n"),
			want: AgentConf{LogDest: LogDestOther, InvalidKeys: []string{"LogDestType"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAgentConf(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			assertNoSecret(t, got)
		})
	}
}

func TestParseAgentConfBinary(t *testing.T) {
	if _, err := ParseAgentConf([]byte("LogLevel=3\x00\x01")); err != ErrBinary {
		t.Fatalf("err = %v, want ErrBinary", err)
	}
}

func FuzzParseAgentConf(f *testing.F) {
	f.Add(readTestdata(f, "conf/puppet-template.conf"))
	f.Add(readTestdata(f, "conf/fhs-crlf.conf"))
	f.Add([]byte("ServerUri=https://[::1]:443/\nActivationId=SECRET-x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseAgentConf(b)
		if err != nil {
			return
		}
		if c.ServerURI != "" && !c.ServerURIPresent {
			t.Fatalf("ServerURI %q without ServerURIPresent", c.ServerURI)
		}
		if strings.ContainsAny(c.ServerURI, "@/ \n") {
			t.Fatalf("ServerURI %q is not host:port", c.ServerURI)
		}
		if c.LogLevel != nil && (*c.LogLevel < 0 || *c.LogLevel > 5) {
			t.Fatalf("LogLevel %d out of range", *c.LogLevel)
		}
		// Secret values must not influence the result beyond presence: replacing every
		// non-empty ActivationId/CustomerId value gives the same struct.
		masked, err := ParseAgentConf(maskSecrets(b))
		if err != nil || !reflect.DeepEqual(c, masked) {
			t.Fatalf("secret values changed the result:\n%+v\n%+v", c, masked)
		}
	})
}

func maskSecrets(b []byte) []byte {
	lines := textLines(b)
	for i, line := range lines {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		key = strings.TrimSpace(key)
		if ok && (key == "ActivationId" || key == "CustomerId") && strings.TrimSpace(value) != "" {
			lines[i] = key + "=masked"
		}
	}
	return []byte(strings.Join(lines, "\n"))
}
