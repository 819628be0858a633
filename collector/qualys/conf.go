package qualys

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Conf file locations (host paths). The first is the layout the
// package and the puppet module use; the second is the FHS layout a third-party
// troubleshooting script names for agent 6.4+ (sources.md S9).
var AgentConfPaths = []string{
	"/etc/qualys/cloud-agent/qualys-cloud-agent.conf",
	"/etc/opt/qualys/cloud-agent/qualys-cloud-agent.conf",
}

// AgentConf is qualys-cloud-agent.conf reduced to what may be exported. Pointer fields are
// nil when the key is absent, so "unset" (agent default) differs from an explicit value.
type AgentConf struct {
	// ActivationIDPresent and CustomerIDPresent say the key is set to a non-empty
	// value. The values are secrets (sources.md S9, docs/metrics.md) and are never kept.
	ActivationIDPresent bool
	CustomerIDPresent   bool

	// ServerURI is ServerUri reduced to host:port (scheme default port when none is
	// written); empty when absent or not a URL. ServerURIPresent is true whenever the key
	// has a value, parsable or not.
	ServerURI        string
	ServerURIPresent bool

	// LogLevel: 0=fatal 1=error 2=warning 3=info 4=debug 5=tracing (vendor comment block).
	LogLevel *int
	// CmdMaxTimeOut and RequestTimeOut are seconds; CmdStdOutSize is KB.
	CmdMaxTimeOut   *int
	CmdStdOutSize   *int
	RequestTimeOut  *int
	ProcessPriority *int

	// UseAuditDispatcher selects how FIM/EDR gets audit events: true = through auditd's
	// dispatcher (edr-plugin), false = the agent owns the audit netlink socket (sources.md S10).
	UseAuditDispatcher *bool
	UseSudo            *bool
	// ProxyFailOpen true = fall back to a direct connection when every proxy fails.
	ProxyFailOpen *bool

	LogFileDir      string
	HostIDSearchDir string
	// LogDest is LogDestType normalised (LogDest); "" when the key is absent, which the
	// agent treats as the file log.
	LogDest string

	// UnknownKeys lists keys this parser does not know (names only, never values), in
	// file order, so a new agent version's keys show up in debug output.
	UnknownKeys []string
	// InvalidKeys lists known keys whose value could not be understood.
	InvalidKeys []string
	// MalformedLines counts non-comment lines without '='.
	MalformedLines int
}

// ErrBinary is returned for input that cannot be a text file (it contains NUL bytes).
var ErrBinary = errors.New("qualys: input contains NUL bytes, not a text file")

// ParseAgentConf parses the flat Key=Value file. Keys are case-sensitive as the agent
// writes them; '#' starts a comment line; later duplicates win. Unknown keys are listed,
// not rejected, because every agent release may add some.
func ParseAgentConf(b []byte) (AgentConf, error) {
	var c AgentConf
	if bytes.IndexByte(b, 0) >= 0 {
		return AgentConf{}, ErrBinary
	}
	for _, line := range textLines(b) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			c.MalformedLines++
			continue
		}
		key := strings.TrimSpace(line[:eq])
		value := strings.TrimSpace(line[eq+1:])
		switch key {
		case "ActivationId":
			c.ActivationIDPresent = value != ""
		case "CustomerId":
			c.CustomerIDPresent = value != ""
		case "ServerUri":
			c.ServerURIPresent = value != ""
			c.ServerURI = ""
			if value == "" {
				break
			}
			if e, ok := parseEndpoint(value); ok {
				if e.port == "" {
					e.port = defaultPort(e.scheme)
				}
				c.ServerURI = e.hostPort()
			} else {
				c.InvalidKeys = append(c.InvalidKeys, key)
			}
		case "LogLevel":
			c.LogLevel = c.intValue(key, value, 0, 5)
		case "CmdMaxTimeOut":
			c.CmdMaxTimeOut = c.intValue(key, value, 0, 1<<31-1)
		case "CmdStdOutSize":
			c.CmdStdOutSize = c.intValue(key, value, 0, 1<<31-1)
		case "RequestTimeOut":
			c.RequestTimeOut = c.intValue(key, value, 0, 1<<31-1)
		case "ProcessPriority":
			// A nice value.
			c.ProcessPriority = c.intValue(key, value, -20, 19)
		case "UseAuditDispatcher":
			c.UseAuditDispatcher = c.flagValue(key, value)
		case "UseSudo":
			c.UseSudo = c.flagValue(key, value)
		case "ProxyFailOpen":
			c.ProxyFailOpen = c.flagValue(key, value)
		case "LogFileDir":
			c.LogFileDir = value
		case "HostIdSearchDir":
			c.HostIDSearchDir = value
		case "LogDestType":
			c.LogDest = LogDest(value)
			if c.LogDest == LogDestOther {
				c.InvalidKeys = append(c.InvalidKeys, key)
			}
		case "SudoCommand", "SudoUser", "User", "UserGroup":
			// Known, but nothing the exporter reports.
		default:
			c.UnknownKeys = append(c.UnknownKeys, key)
		}
	}
	return c, nil
}

func (c *AgentConf) intValue(key, value string, lo, hi int) *int {
	n, err := strconv.Atoi(value)
	if err != nil || n < lo || n > hi {
		c.InvalidKeys = append(c.InvalidKeys, key)
		return nil
	}
	return &n
}

// flagValue accepts only 0 and 1: the agent's own files and docs use nothing else, and
// guessing what it makes of "yes" would hide a misconfiguration.
func (c *AgentConf) flagValue(key, value string) *bool {
	switch value {
	case "0":
		f := false
		return &f
	case "1":
		t := true
		return &t
	}
	c.InvalidKeys = append(c.InvalidKeys, key)
	return nil
}

// textLines splits a small text file into lines, dropping a UTF-8 BOM and CRs.
func textLines(b []byte) []string {
	s := strings.TrimPrefix(string(b), "\ufeff")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
