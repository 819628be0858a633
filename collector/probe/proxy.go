package probe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ErrBadProxy is returned by ParseProxyURL for a value that names no proxy.
var ErrBadProxy = errors.New("not a proxy URL")

// ParseProxyURL reads "[scheme://][user[:password]@]host[:port][/...]" the lenient way
// agents' env files are written: user info runs to the last '@' and is not required to
// be escaped (well-formed percent-escapes are decoded). A port is required: agents
// disagree on the default, so guessing one would probe a path the agent does not use.
// The scheme is not used to pick TLS to the proxy: the agents' documentation writes
// https:// for ordinary CONNECT proxies (Qualys, sources.md S9).
func ParseProxyURL(raw string) (*ProxySpec, error) {
	rest := strings.TrimSpace(raw)
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	var user, password string
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		user, password, _ = strings.Cut(rest[:at], ":")
		user, password = unescape(user), unescape(password)
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	host, port, err := SplitName(rest)
	if err != nil {
		// The error must not repeat raw: it may hold the password.
		return nil, fmt.Errorf("proxy %w", ErrBadProxy)
	}
	return &ProxySpec{Address: JoinName(host, port), Username: user, Password: password}, nil
}

func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// ProxyFromEnvironment returns the proxy the environment names for an HTTPS connection
// to host: HTTPS_PROXY (or https_proxy) unless NO_PROXY (or no_proxy) exempts the host,
// the convention curl, Go and most agents follow. nil means direct. A malformed
// HTTPS_PROXY is an error rather than a silent direct connection.
func ProxyFromEnvironment(getenv func(string) string, host string, port int) (*ProxySpec, error) {
	raw := firstEnv(getenv, "HTTPS_PROXY", "https_proxy")
	if raw == "" {
		return nil, nil
	}
	if noProxy(firstEnv(getenv, "NO_PROXY", "no_proxy"), host, port) {
		return nil, nil
	}
	p, err := ParseProxyURL(raw)
	if err != nil {
		return nil, fmt.Errorf("HTTPS_PROXY: %w", err)
	}
	return p, nil
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// noProxy applies a NO_PROXY list: "*" exempts everything; an entry matches the host
// itself or any sub-domain (a leading '.' is optional); an entry with a port matches
// only that port; IP entries may be CIDR blocks.
func noProxy(list, host string, port int) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	ip := net.ParseIP(host)
	for _, entry := range strings.Split(list, ",") {
		entry = strings.ToLower(strings.TrimSpace(entry))
		if entry == "" {
			continue
		}
		if entry == "*" {
			return true
		}
		if ip != nil {
			if _, block, err := net.ParseCIDR(entry); err == nil {
				if block.Contains(ip) {
					return true
				}
				continue
			}
		}
		entryHost, entryPort := entry, ""
		if h, p, err := net.SplitHostPort(entry); err == nil {
			entryHost, entryPort = h, p
		}
		if entryPort != "" && entryPort != strconv.Itoa(port) {
			continue
		}
		entryHost = strings.TrimPrefix(entryHost, "*")
		entryHost = strings.TrimPrefix(entryHost, ".")
		if entryHost == "" {
			continue
		}
		if host == entryHost || strings.HasSuffix(host, "."+entryHost) {
			return true
		}
	}
	return false
}
