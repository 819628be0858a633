package qualys

import (
	"strconv"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/internal/textutil"
)

// endpoint is a URL reduced to what may be exported: no user info, path or query.
type endpoint struct {
	scheme   string
	host     string
	port     string
	userinfo bool
}

// hostPort joins host and port, bracketing IPv6 literals; without a port it is the host.
func (e endpoint) hostPort() string {
	h := e.host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if e.port == "" {
		return h
	}
	return h + ":" + e.port
}

// parseEndpoint reads "scheme://user:pass@host:port/path" leniently, without net/url:
// proxy passwords in the Qualys env file are written unescaped (docs show
// https://<username>:<password>@host:port), so a password holding '/', '#' or '?' would
// make url.Parse fail or split it in the wrong place. The last '@' before the host ends
// the user info, since host names cannot contain '@'.
func parseEndpoint(raw string) (endpoint, bool) {
	var e endpoint
	rest := strings.TrimSpace(raw)
	if i := strings.Index(rest, "://"); i >= 0 {
		e.scheme = strings.ToLower(rest[:i])
		if !validScheme(e.scheme) {
			return endpoint{}, false
		}
		rest = rest[i+3:]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		e.userinfo = true
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" {
		return endpoint{}, false
	}
	if rest[0] == '[' {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return endpoint{}, false
		}
		e.host = rest[1:end]
		tail := rest[end+1:]
		switch {
		case tail == "":
		case tail[0] == ':':
			e.port = tail[1:]
		default:
			return endpoint{}, false
		}
		if !validIPv6(e.host) {
			return endpoint{}, false
		}
	} else {
		e.host = rest
		if i := strings.LastIndexByte(rest, ':'); i >= 0 {
			e.host, e.port = rest[:i], rest[i+1:]
		}
		if !textutil.ValidHostName(e.host) {
			return endpoint{}, false
		}
	}
	if e.port != "" {
		n, err := strconv.Atoi(e.port)
		if err != nil || n < 1 || n > 65535 || e.port[0] == '0' || e.port[0] == '+' {
			return endpoint{}, false
		}
	}
	return e, true
}

func validScheme(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func validIPv6(h string) bool {
	if h == "" || !strings.Contains(h, ":") {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// defaultPort is the port a client uses when a URL names none.
func defaultPort(scheme string) string {
	switch scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
