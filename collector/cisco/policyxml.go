package cisco

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Policy is what the exporter reads from policy.xml (sources.md S6). Since connector
// 7.5.7 / 8.1.3 the file is readable by SYSTEM and Administrators only (CSCwc05323),
// so the collector must treat a permission error as "policy unknown".
type Policy struct {
	Serial       *int64
	UUID         string
	Name         string
	BusinessUUID string
	TetraEnabled *bool
	// TetraUpdateEnabled is agent/scansettings/tetra/updater/enable.
	TetraUpdateEnabled *bool
	// TetraUpdateServer is a host name (tetra-defs.amp.cisco.com in sources.md S6).
	TetraUpdateServer string
	// TetraUpdateInterval is 0 when not configured (the connector default is 1 h).
	TetraUpdateInterval time.Duration
	HeartbeatInterval   time.Duration
	// LogLevel is agent/log/level; DebugLogging is true for the debug mask.
	LogLevel     *uint64
	DebugLogging bool
	Proxy        PolicyProxy
}

// PolicyProxy keeps only what is safe to export or probe. User name and password are
// never copied out of the document, and a server given as a URL loses its userinfo.
type PolicyProxy struct {
	Configured bool
	// HostPort is "host:port" (or "host" when no port is known).
	HostPort string
	// Type is proxy/type as written (numeric code; meaning UNVERIFIED).
	Type string
	// AuthConfigured is true when a user name, password or non-zero authtype is set.
	AuthConfigured bool
	// PACConfigured is true when proxy/pacloc names a PAC file.
	PACConfigured bool
}

// debugLogLevel is the agent/log/level value the console sets for debug logging
// (sources.md S6: default 0, debug 549755813887).
const debugLogLevel = 549755813887

// ParsePolicyXML parses policy.xml: an XML-DSig document whose payload sits at
// Signature/Object/config with every element in the xmldsig namespace (sources.md S6).
// Elements are matched by local name, so an unsigned `<config>` root works too.
func ParsePolicyXML(b []byte) (Policy, error) {
	root, err := parseXMLTree(b)
	if err != nil {
		return Policy{}, fmt.Errorf("policy.xml: %w", err)
	}
	cfg := root
	if !strings.EqualFold(root.name, "config") {
		cfg = root.path("Object", "config")
		if cfg == nil {
			cfg = root.find("", "config")
		}
		if cfg == nil {
			return Policy{}, fmt.Errorf("policy.xml: no config element under <%s>", root.name)
		}
	}
	var p Policy
	if s, ok := cfg.textAt("janus", "policy", "serial_number"); ok {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil && v >= 0 {
			p.Serial = &v
		}
	}
	p.UUID, _ = cfg.textAt("janus", "policy", "uuid")
	p.Name, _ = cfg.textAt("janus", "policy", "name")
	p.BusinessUUID, _ = cfg.textAt("janus", "business", "uuid")
	p.TetraEnabled = xmlBool(cfg, "agent", "scansettings", "tetra", "enable")
	p.TetraUpdateEnabled = xmlBool(cfg, "agent", "scansettings", "tetra", "updater", "enable")
	p.TetraUpdateServer, _ = cfg.textAt("agent", "scansettings", "tetra", "updater", "server")
	p.TetraUpdateInterval = xmlSeconds(cfg, "agent", "scansettings", "tetra", "updater", "interval")
	p.HeartbeatInterval = xmlSeconds(cfg, "agent", "hb", "interval")
	if s, ok := cfg.textAt("agent", "log", "level"); ok {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			p.LogLevel = &v
			p.DebugLogging = v == debugLogLevel
		}
	}
	p.Proxy = policyProxy(cfg.child("proxy"))
	return p, nil
}

func xmlBool(n *xmlNode, path ...string) *bool {
	s, ok := n.textAt(path...)
	if !ok {
		return nil
	}
	var v bool
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		v = true
	case "0", "false", "no", "off":
		v = false
	default:
		return nil
	}
	return &v
}

func xmlSeconds(n *xmlNode, path ...string) time.Duration {
	s, ok := n.textAt(path...)
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v > int64(365*24*time.Hour/time.Second) {
		return 0
	}
	return time.Duration(v) * time.Second
}

func policyProxy(proxy *xmlNode) PolicyProxy {
	if proxy == nil {
		return PolicyProxy{}
	}
	server, _ := proxy.textAt("server")
	port, _ := proxy.textAt("port")
	typ, _ := proxy.textAt("type")
	authType, _ := proxy.textAt("authtype")
	user, _ := proxy.textAt("username")
	password, _ := proxy.textAt("password")
	pac, _ := proxy.textAt("pacloc")
	pp := PolicyProxy{
		Type:           typ,
		AuthConfigured: user != "" || password != "" || (authType != "" && authType != "0"),
		PACConfigured:  pac != "",
	}
	pp.HostPort = proxyHostPort(server, port)
	pp.Configured = pp.HostPort != "" || pp.PACConfigured
	return pp
}

// proxyHostPort reduces a proxy server setting to host[:port]. The console takes a
// host name, but a pasted URL ("http://user:pw@proxy:8080/") must not carry its
// credentials into a metric or log.
func proxyHostPort(server, port string) string {
	server = strings.TrimSpace(server)
	if server == "" {
		return ""
	}
	if strings.Contains(server, "://") {
		u, err := url.Parse(server)
		if err != nil || u.Host == "" {
			return ""
		}
		server = u.Host
	} else {
		if i := strings.LastIndexByte(server, '@'); i >= 0 {
			server = server[i+1:]
		}
		if i := strings.IndexAny(server, "/?#"); i >= 0 {
			server = server[:i]
		}
	}
	host, hostPort, err := net.SplitHostPort(server)
	if err != nil {
		host, hostPort = strings.Trim(server, "[]"), ""
	}
	if host == "" {
		return ""
	}
	if p, err := strconv.ParseUint(strings.TrimSpace(port), 10, 16); err == nil && p > 0 {
		hostPort = strconv.FormatUint(p, 10)
	}
	if hostPort == "" {
		return host
	}
	return net.JoinHostPort(host, hostPort)
}
