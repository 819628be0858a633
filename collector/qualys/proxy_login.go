package qualys

import (
	"net/url"
	"strings"
)

// ProxyLogin is one proxy of the env file together with the user name and password the
// agent sends to it. It exists for the connectivity probe, which must authenticate to the
// proxy the way the agent does (sources.md S4: "wrong proxy" is a top reason an agent never
// reports); nothing else may hold these values, and String never prints them.
type ProxyLogin struct {
	Proxy
	Username string
	Password string
}

// String names the proxy without its credentials, so a ProxyLogin that reaches a log
// line or an error through %v or %s leaks nothing.
func (l ProxyLogin) String() string {
	if l.Username != "" || l.Password != "" {
		return l.Kind + " " + l.HostPort + " (with credentials)"
	}
	return l.Kind + " " + l.HostPort
}

// GoString keeps %#v as safe as %v.
func (l ProxyLogin) GoString() string { return "qualys.ProxyLogin{" + l.String() + "}" }

// ParseProxyLogins reads the same env file as ParseProxyEnv and returns the same proxies,
// in the same order and within the same five-per-kind limit, each with its user info.
//
// The user info is everything between the scheme and the last '@' (the Qualys docs write
// https://<username>:<password>@host:port unescaped, sources.md S9); the first ':' splits
// user from password. Percent-escapes are decoded as libcurl does for proxy URLs when
// they are well formed (UNVERIFIED for the agent); a malformed one is kept literally.
// Credentials encrypted with the Qualys Proxy Configuration Encryption Utility are
// passed on as written: the probe then fails at proxy_auth, which is the honest answer.
func ParseProxyLogins(b []byte) ([]ProxyLogin, error) {
	var out []ProxyLogin
	perKind := map[string]int{}
	err := walkProxyEnv(b, func(kind, raw string, e endpoint, ok bool) {
		if !ok || perKind[kind] == MaxProxiesPerKind {
			return
		}
		perKind[kind]++
		login := ProxyLogin{Proxy: Proxy{Kind: kind, Scheme: e.scheme, HostPort: e.hostPort()}}
		if e.userinfo {
			login.Username, login.Password = splitUserinfo(raw)
		}
		out = append(out, login)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func splitUserinfo(raw string) (user, password string) {
	rest := strings.TrimSpace(raw)
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return "", ""
	}
	user, password, _ = strings.Cut(rest[:at], ":")
	return unescapeUserinfo(user), unescapeUserinfo(password)
}

func unescapeUserinfo(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
