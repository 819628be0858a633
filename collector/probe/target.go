// Package probe checks that this host can reach an agent's back end the way the agent
// does: resolve the name, open TCP, tunnel through the agent's proxy with HTTP CONNECT
// (authenticating like the agent), and complete a TLS handshake, verifying the server
// certificate. Each step is timed and the first failing one is named, so "the TETRA
// definitions stopped updating" (sources.md S3) or "the Qualys agent never reported"
// (sources.md S4) comes with where the path breaks.
//
// The package knows nothing about Prometheus or about the agents' files: the probe
// collector derives Targets from the agents' configuration and maps Results onto metrics.
// Resolver, dialer and clock are injectable so tests run against loopback servers only.
package probe

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/secagent-exporter/secagent_exporter/internal/textutil"
)

// Target is one back-end endpoint of one agent.
type Target struct {
	// Agent is the agent the endpoint belongs to (a label value, e.g. mcafee_agent).
	Agent string
	// Name is host:port; it is a label value, so never a URL.
	Name string
	// Proxy is the HTTP proxy the agent goes through; nil means a direct connection.
	Proxy *ProxySpec
	// SkipChainVerify checks only the certificate's validity period, not who signed it
	// nor the host name. For endpoints whose agent pins a private CA the host does not
	// trust (the ePO server's agent-handler certificate is signed by ePO's own CA, which
	// lives in the agent's keystore), a chain check would fail on every healthy host.
	SkipChainVerify bool
}

// ProxySpec is an HTTP proxy reached with CONNECT. The credentials are used for the
// Proxy-Authorization header and nothing else: String, GoString and error texts never
// contain them.
type ProxySpec struct {
	// Address is host:port of the proxy.
	Address  string
	Username string
	Password string
}

// HasCredentials reports whether a user name or password is set.
func (p *ProxySpec) HasCredentials() bool {
	return p != nil && (p.Username != "" || p.Password != "")
}

func (p *ProxySpec) String() string {
	if p == nil {
		return "direct"
	}
	if p.HasCredentials() {
		return "proxy " + p.Address + " (with credentials)"
	}
	return "proxy " + p.Address
}

// GoString keeps %#v as safe as %v.
func (p *ProxySpec) GoString() string { return "probe.ProxySpec{" + p.String() + "}" }

// ErrBadName is returned by SplitName for anything that is not host:port.
var ErrBadName = errors.New("not host:port")

// SplitName checks that name is host:port with a port in 1..65535 and a host made of
// DNS name characters or an IP literal (IPv6 in brackets), and returns both parts.
// A URL, a path or user info is rejected: target names become label values.
func SplitName(name string) (host string, port int, err error) {
	h, p, err := net.SplitHostPort(name)
	if err != nil {
		return "", 0, fmt.Errorf("%q: %w", name, ErrBadName)
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || p[0] == '0' || p[0] == '+' {
		return "", 0, fmt.Errorf("%q: bad port: %w", name, ErrBadName)
	}
	if ip := net.ParseIP(h); ip != nil {
		return h, n, nil
	}
	if !textutil.ValidHostName(h) {
		return "", 0, fmt.Errorf("%q: bad host: %w", name, ErrBadName)
	}
	return h, n, nil
}

// JoinName is the inverse of SplitName, bracketing IPv6 literals and lower-casing names
// so one endpoint always yields one label value.
func JoinName(host string, port int) string {
	if net.ParseIP(host) == nil {
		host = strings.ToLower(strings.TrimSuffix(host, "."))
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
