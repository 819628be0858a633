package qualys

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseProxyEnv(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want ProxyConfig
	}{
		{
			name: "vendor doc template has no usable URL",
			in:   readTestdata(t, "proxy/multi-proxy-doc.env"),
			want: ProxyConfig{Invalid: 2},
		},
		{
			name: "typographic quotes and credentials",
			in:   readTestdata(t, "proxy/typographic.env"),
			want: ProxyConfig{
				Proxies: []Proxy{
					{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "proxy.corp.example:3128"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "proxy1.corp.example:8080"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "proxy2.corp.example:8080"},
				},
				AuthConfigured: true,
			},
		},
		{
			name: "five-proxy limit, export, IPv6, comment, upper-case ignored",
			in:   readTestdata(t, "proxy/five-plus.env"),
			want: ProxyConfig{
				Proxies: []Proxy{
					{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "[2001:db8::10]:3128"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "p1.example:1"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "p2.example:2"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "p3.example:3"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "p4.example:4"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "p5.example:5"},
				},
				Excess: 1,
			},
		},
		{
			name: "password with ; @ / # stays out",
			in:   []byte(`qualys_https_proxy="https://SECRETUSER:SECRET;pa/ss#w@rd@proxy.example:3128;proxy2.example:3129"` + "\n"),
			want: ProxyConfig{
				Proxies: []Proxy{
					{Kind: ProxyKindQualysHTTPS, Scheme: "https", HostPort: "proxy.example:3128"},
					{Kind: ProxyKindQualysHTTPS, Scheme: "", HostPort: "proxy2.example:3129"},
				},
				AuthConfigured: true,
			},
		},
		{
			name: "later assignment wins; empty value clears",
			in:   []byte("https_proxy=http://a.example:1\nhttps_proxy=\n"),
			want: ProxyConfig{},
		},
		{
			name: "no port written",
			in:   []byte("https_proxy=http://proxy.example\n"),
			want: ProxyConfig{Proxies: []Proxy{{Kind: ProxyKindHTTPS, Scheme: "http", HostPort: "proxy.example"}}},
		},
		{
			name: "bad port and scheme",
			in:   []byte("https_proxy=http://p.example:99999;ht tp://x:1;http://p.example:0\n"),
			want: ProxyConfig{Invalid: 3},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseProxyEnv(tc.in)
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

func TestProxyCount(t *testing.T) {
	pc, _ := ParseProxyEnv(readTestdata(t, "proxy/typographic.env"))
	if pc.Count(ProxyKindHTTPS) != 1 || pc.Count(ProxyKindQualysHTTPS) != 2 {
		t.Fatalf("counts %d/%d", pc.Count(ProxyKindHTTPS), pc.Count(ProxyKindQualysHTTPS))
	}
}

func FuzzParseProxyEnv(f *testing.F) {
	f.Add(readTestdata(f, "proxy/multi-proxy-doc.env"))
	f.Add(readTestdata(f, "proxy/typographic.env"))
	f.Add(readTestdata(f, "proxy/five-plus.env"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pc, err := ParseProxyEnv(b)
		if err != nil {
			return
		}
		for _, kind := range ProxyKinds {
			if pc.Count(kind) > MaxProxiesPerKind {
				t.Fatalf("%d proxies of kind %s", pc.Count(kind), kind)
			}
		}
		for _, p := range pc.Proxies {
			if p.Kind != ProxyKindHTTPS && p.Kind != ProxyKindQualysHTTPS {
				t.Fatalf("kind %q outside the closed set", p.Kind)
			}
			if p.HostPort == "" || strings.ContainsAny(p.HostPort, "@/ \"'\n;") {
				t.Fatalf("HostPort %q is not host:port", p.HostPort)
			}
		}
	})
}
