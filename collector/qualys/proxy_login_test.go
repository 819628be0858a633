package qualys

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseProxyLogins(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want []ProxyLogin
	}{
		{
			name: "typographic quotes: credentials on the first qualys proxy only",
			in:   readTestdata(t, "proxy/typographic.env"),
			want: []ProxyLogin{
				{Proxy: Proxy{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "proxy.corp.example:3128"}},
				{
					Proxy:    Proxy{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "proxy1.corp.example:8080"},
					Username: "SECRETPROXYUSER", Password: "SECRET-PROXY-PASSWORD-7c1e",
				},
				{Proxy: Proxy{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "proxy2.corp.example:8080"}},
			},
		},
		{
			name: "password with ; @ / # is kept whole",
			in:   []byte(`qualys_https_proxy="https://SECRETUSER:SECRET;pa/ss#w@rd@proxy.example:3128;proxy2.example:3129"` + "\n"),
			want: []ProxyLogin{
				{
					Proxy:    Proxy{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "proxy.example:3128"},
					Username: "SECRETUSER", Password: "SECRET;pa/ss#w@rd",
				},
				{Proxy: Proxy{Kind: ProxyKindQualysHTTPS, HostPort: "proxy2.example:3129"}},
			},
		},
		{
			name: "percent-escapes decoded, malformed kept",
			in:   []byte("https_proxy=http://SECRET%40corp:pa%2Fss@p.example:8080;http://u:100%@q.example:1\n"),
			want: []ProxyLogin{
				{Proxy: Proxy{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "p.example:8080"}, Username: "SECRET@corp", Password: "pa/ss"},
				{Proxy: Proxy{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "q.example:1"}, Username: "u", Password: "100%"},
			},
		},
		{
			name: "user without password",
			in:   []byte("https_proxy=http://SECRETUSER@p.example:8080\n"),
			want: []ProxyLogin{{Proxy: Proxy{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "p.example:8080"}, Username: "SECRETUSER"}},
		},
		{
			name: "vendor doc template has no usable URL",
			in:   readTestdata(t, "proxy/multi-proxy-doc.env"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseProxyLogins(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
				for i := range got {
					if i < len(tc.want) && (got[i].Username != tc.want[i].Username || got[i].Password != tc.want[i].Password) {
						t.Errorf("entry %d credentials differ", i)
					}
				}
			}
			assertNoSecret(t, got)
		})
	}
}

// The logins and the exported proxy list must describe the same proxies, or the probe
// would test a different path from the one the qualys collector reports.
func TestParseProxyLoginsMatchesParseProxyEnv(t *testing.T) {
	for _, name := range []string{"proxy/typographic.env", "proxy/five-plus.env", "proxy/multi-proxy-doc.env"} {
		b := readTestdata(t, name)
		pc, _ := ParseProxyEnv(b)
		logins, _ := ParseProxyLogins(b)
		if len(logins) != len(pc.Proxies) {
			t.Fatalf("%s: %d logins, %d proxies", name, len(logins), len(pc.Proxies))
		}
		for i := range logins {
			if logins[i].Proxy != pc.Proxies[i] {
				t.Errorf("%s: login %d is %v, proxy %v", name, i, logins[i], pc.Proxies[i])
			}
		}
	}
}

func FuzzParseProxyLogins(f *testing.F) {
	f.Add(readTestdata(f, "proxy/multi-proxy-doc.env"))
	f.Add(readTestdata(f, "proxy/typographic.env"))
	f.Add(readTestdata(f, "proxy/five-plus.env"))
	f.Fuzz(func(t *testing.T, b []byte) {
		logins, err := ParseProxyLogins(b)
		pc, perr := ParseProxyEnv(b)
		if (err == nil) != (perr == nil) {
			t.Fatalf("errors differ: %v / %v", err, perr)
		}
		if len(logins) != len(pc.Proxies) {
			t.Fatalf("%d logins, %d proxies", len(logins), len(pc.Proxies))
		}
		for i, l := range logins {
			if l.Proxy != pc.Proxies[i] {
				t.Fatalf("login %d differs from proxy", i)
			}
			// A long password cannot occur in the kind or host:port by chance.
			if len(l.Password) >= 8 && !strings.Contains(l.Kind+" "+l.HostPort, l.Password) &&
				strings.Contains(l.String()+l.GoString(), l.Password) {
				t.Fatalf("String leaks the password")
			}
		}
	})
}
