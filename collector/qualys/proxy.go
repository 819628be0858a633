package qualys

import (
	"bytes"
	"strings"
)

// ProxyEnvPaths are the env files the service unit reads: RHEL family first, then
// Debian family (sources.md S9).
var ProxyEnvPaths = []string{
	"/etc/sysconfig/qualys-cloud-agent",
	"/etc/default/qualys-cloud-agent",
}

// Proxy kinds, the closed set used as the `kind` label. https_proxy applies to every agent
// command; qualys_https_proxy only to Qualys platform traffic (Qualys multi-proxy doc).
const (
	ProxyKindHTTPS       = "https_proxy"
	ProxyKindQualysHTTPS = "qualys_https_proxy"
)

// ProxyKinds lists the kinds in a stable order.
var ProxyKinds = []string{ProxyKindHTTPS, ProxyKindQualysHTTPS}

// MaxProxiesPerKind is the vendor limit: "up to five proxies" per variable.
const MaxProxiesPerKind = 5

// Proxy is one proxy URL reduced to what may be exported.
type Proxy struct {
	Kind   string // ProxyKindHTTPS or ProxyKindQualysHTTPS
	Scheme string // lower case; empty when the URL has none
	// HostPort is host:port as written; just the host when no port is written (the
	// agent's default for that case is undocumented, so none is guessed).
	HostPort string
}

// ProxyConfig is the proxy env file reduced to endpoints and flags. User names and
// passwords are dropped while parsing; only AuthConfigured records that one was there.
type ProxyConfig struct {
	// Proxies in file order, at most MaxProxiesPerKind per kind.
	Proxies []Proxy
	// AuthConfigured is true when any proxy URL carries user info.
	AuthConfigured bool
	// Excess counts entries past the vendor's five-per-variable limit (ignored by the agent).
	Excess int
	// Invalid counts entries that are not a proxy URL.
	Invalid int
}

// Count returns how many proxies of kind are configured.
func (p ProxyConfig) Count(kind string) int {
	n := 0
	for _, x := range p.Proxies {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

// typographicQuotes maps the curly quotes that Qualys documentation pages render (and
// that operators paste into the env file) to the ASCII quotes the shell expects.
var typographicQuotes = strings.NewReplacer(
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`,
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'",
)

// ParseProxyEnv parses the KEY=value env file: optional `export`, '#' comments,
// single/double (also typographic) quotes, up to five ';'-separated URLs per variable.
// Only https_proxy and qualys_https_proxy are read; a later assignment of the same
// variable replaces the earlier one, as in a shell. The only error is ErrBinary.
func ParseProxyEnv(b []byte) (ProxyConfig, error) {
	var pc ProxyConfig
	err := walkProxyEnv(b, func(kind, _ string, e endpoint, ok bool) {
		if !ok {
			pc.Invalid++
			return
		}
		if pc.Count(kind) == MaxProxiesPerKind {
			pc.Excess++
			return
		}
		pc.AuthConfigured = pc.AuthConfigured || e.userinfo
		pc.Proxies = append(pc.Proxies, Proxy{Kind: kind, Scheme: e.scheme, HostPort: e.hostPort()})
	})
	if err != nil {
		return ProxyConfig{}, err
	}
	return pc, nil
}

// walkProxyEnv calls visit for every non-empty proxy URL of the env file, kind by kind in
// ProxyKinds order and in file order within a kind, with the raw URL and its parse.
func walkProxyEnv(b []byte, visit func(kind, raw string, e endpoint, ok bool)) error {
	if bytes.IndexByte(b, 0) >= 0 {
		return ErrBinary
	}
	values := map[string]string{}
	for _, line := range textLines(b) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			continue
		}
		key := strings.TrimSpace(line[:eq])
		if key != ProxyKindHTTPS && key != ProxyKindQualysHTTPS {
			continue
		}
		values[key] = unquote(typographicQuotes.Replace(strings.TrimSpace(line[eq+1:])))
	}
	for _, kind := range ProxyKinds {
		value, ok := values[kind]
		if !ok {
			continue
		}
		for _, raw := range splitProxyList(value) {
			if raw == "" {
				continue
			}
			e, ok := parseEndpoint(raw)
			visit(kind, raw, e, ok)
		}
	}
	return nil
}

// splitProxyList splits on ';' but re-joins a fragment that can only be the rest of the
// previous URL's user info (a password containing ';'): otherwise "https://user:12;34@h:1"
// would yield a bogus proxy "user:12", i.e. part of a credential as a host.
func splitProxyList(value string) []string {
	var out []string
	for _, f := range strings.Split(value, ";") {
		n := len(out)
		if n > 0 && !strings.Contains(f, "://") && strings.Contains(f, "@") &&
			strings.Contains(out[n-1], "://") && !strings.Contains(out[n-1], "@") {
			out[n-1] += ";" + f
			continue
		}
		out = append(out, f)
	}
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// unquote strips one pair of matching quotes, or a trailing " # comment" from an
// unquoted value, the way a shell-sourced env file would read.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			return v[1 : 1+end]
		}
		return v[1:]
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
