package probe

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSplitName(t *testing.T) {
	cases := []struct {
		in       string
		host     string
		port     int
		rejected bool
	}{
		{in: "tetra-defs.amp.cisco.com:443", host: "tetra-defs.amp.cisco.com", port: 443},
		{in: "qagpublic.qg3.apps.qualys.com:443", host: "qagpublic.qg3.apps.qualys.com", port: 443},
		{in: "[2001:db8::1]:8443", host: "2001:db8::1", port: 8443},
		{in: "10.0.0.5:443", host: "10.0.0.5", port: 443},
		{in: "https://epo.example:443", rejected: true},
		{in: "epo.example", rejected: true},
		{in: "epo.example:0", rejected: true},
		{in: "epo.example:65536", rejected: true},
		{in: "epo.example:0443", rejected: true},
		{in: "user@epo.example:443", rejected: true},
		{in: "epo.example/path:443", rejected: true},
		{in: ":443", rejected: true},
	}
	for _, tc := range cases {
		host, port, err := SplitName(tc.in)
		if tc.rejected {
			if !errors.Is(err, ErrBadName) {
				t.Errorf("SplitName(%q) = %q %d %v, want ErrBadName", tc.in, host, port, err)
			}
			continue
		}
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("SplitName(%q) = %q %d %v", tc.in, host, port, err)
		}
	}
	if got := JoinName("EPO01.Example.COM.", 443); got != "epo01.example.com:443" {
		t.Errorf("JoinName = %q", got)
	}
}

func TestParseProxyURL(t *testing.T) {
	cases := []struct {
		in   string
		want ProxySpec
		bad  bool
	}{
		// The Qualys documentation's form (sources.md S9), unescaped password with '/' and '@'.
		{in: "https://SECRETUSER:pa/ss@w0rd@proxy.corp.example:8080", want: ProxySpec{Address: "proxy.corp.example:8080", Username: "SECRETUSER", Password: "pa/ss@w0rd"}},
		{in: "http://proxy.example:3128/", want: ProxySpec{Address: "proxy.example:3128"}},
		{in: "proxy.example:3128", want: ProxySpec{Address: "proxy.example:3128"}},
		{in: "http://u%40corp:p%3Aw@[2001:db8::10]:3128", want: ProxySpec{Address: "[2001:db8::10]:3128", Username: "u@corp", Password: "p:w"}},
		{in: "http://proxy.example", bad: true},
		{in: "http://SECRETUSER:SECRETPASS@", bad: true},
		{in: "", bad: true},
	}
	for _, tc := range cases {
		got, err := ParseProxyURL(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseProxyURL(%q) = %v, want an error", tc.in, got)
			} else if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q repeats the credentials", err)
			}
			continue
		}
		if err != nil || *got != tc.want {
			t.Errorf("ParseProxyURL(%q) = %+v %v, want %+v", tc.in, got, err, tc.want)
		}
		for _, rendering := range []string{fmt.Sprint(got), fmt.Sprintf("%+v", got), fmt.Sprintf("%#v", got)} {
			if strings.Contains(rendering, "SECRET") || (got.Password != "" && strings.Contains(rendering, got.Password)) {
				t.Errorf("rendering %q shows the credentials", rendering)
			}
		}
	}
}

func TestProxyFromEnvironment(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name   string
		getenv func(string) string
		host   string
		want   string // ProxySpec.Address, "" for direct
		err    bool
	}{
		{name: "none", getenv: env(), host: "tetra-defs.amp.cisco.com"},
		{name: "upper case", getenv: env("HTTPS_PROXY", "http://p.example:3128"), host: "a.example", want: "p.example:3128"},
		{name: "lower case", getenv: env("https_proxy", "http://q.example:8080"), host: "a.example", want: "q.example:8080"},
		{name: "no_proxy suffix", getenv: env("HTTPS_PROXY", "http://p.example:3128", "NO_PROXY", "localhost,.corp.example"), host: "epo.corp.example"},
		{name: "no_proxy exact without dot", getenv: env("HTTPS_PROXY", "http://p.example:3128", "no_proxy", "corp.example"), host: "epo.corp.example"},
		{name: "no_proxy does not match a longer name", getenv: env("HTTPS_PROXY", "http://p.example:3128", "NO_PROXY", "corp.example"), host: "notcorp.example", want: "p.example:3128"},
		{name: "no_proxy port", getenv: env("HTTPS_PROXY", "http://p.example:3128", "NO_PROXY", "epo.example:8443"), host: "epo.example", want: "p.example:3128"},
		{name: "no_proxy CIDR", getenv: env("HTTPS_PROXY", "http://p.example:3128", "NO_PROXY", "10.0.0.0/8"), host: "10.1.2.3"},
		{name: "no_proxy star", getenv: env("HTTPS_PROXY", "http://p.example:3128", "NO_PROXY", "*"), host: "a.example"},
		{name: "malformed", getenv: env("HTTPS_PROXY", "http://SECRET@"), host: "a.example", err: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ProxyFromEnvironment(tc.getenv, tc.host, 443)
			if tc.err {
				if err == nil || strings.Contains(err.Error(), "SECRET") {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			addr := ""
			if got != nil {
				addr = got.Address
			}
			if addr != tc.want {
				t.Errorf("proxy %q, want %q", addr, tc.want)
			}
		})
	}
}

func FuzzParseProxyURL(f *testing.F) {
	for _, s := range []string{
		"https://SECRETUSER:pa/ss@w0rd@proxy.corp.example:8080",
		`https://<username>:<password>@<host1>:<port>`,
		"http://[2001:db8::10]:3128",
		"proxy.example:3128",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := ParseProxyURL(raw)
		if err != nil {
			if strings.Contains(err.Error(), raw) && raw != "" && len(raw) > 8 {
				t.Fatalf("error repeats the input")
			}
			return
		}
		host, port, err := SplitName(p.Address)
		if err != nil || JoinName(host, port) != p.Address {
			t.Fatalf("address %q is not canonical host:port", p.Address)
		}
	})
}

func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"tetra-defs.amp.cisco.com:443", "[2001:db8::1]:8443", "https://x:1", "a:0443"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		host, port, err := SplitName(name)
		if err != nil {
			return
		}
		if port < 1 || port > 65535 || strings.ContainsAny(host, "/@ ?#") {
			t.Fatalf("accepted %q as %q %d", name, host, port)
		}
		if h2, p2, err := SplitName(JoinName(host, port)); err != nil || p2 != port || !strings.EqualFold(strings.TrimSuffix(h2, "."), strings.TrimSuffix(host, ".")) {
			t.Fatalf("JoinName(%q,%d) does not split back: %q %d %v", host, port, h2, p2, err)
		}
	})
}
