package mcafee

import (
	"bufio"
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrNoAgentInfo is returned when cmdagent output holds no key the agent prints.
var ErrNoAgentInfo = errors.New("mcafee: no recognisable cmdagent -i output")

// AgentMode is the cmdagent AgentMode value. 1 is managed by ePO and 0 unmanaged
// (Rkaine81 TrellixCompliance.ps1, sources.md S12); other values (SuperAgent?) are kept raw.
type AgentMode struct {
	// Value is the number printed; -1 when the line is missing or not a number.
	Value int
	// Managed is Value == 1.
	Managed bool
}

// EPOServer is one ePO server (or agent handler) the agent is configured to talk to.
type EPOServer struct {
	Host string
	// Port is 0 when cmdagent printed none.
	Port int
}

// CmdAgentSection is one "Component:" block of the output, in order.
type CmdAgentSection struct {
	Component string
	Fields    map[string]string
}

// CmdAgentInfo is the parsed output of `cmdagent -i`. Sentinels ("N/A", empty, "0" for
// times) become zero values so the collector reports "unknown" instead of a fake time.
type CmdAgentInfo struct {
	Component string
	Version   string
	// GUID is upper-case without braces, matching Server.log and EPOLeafNode.AgentGUID;
	// empty when the agent never registered (GUID: N/A).
	GUID     string
	TenantID string
	Mode     AgentMode
	// EPOServers lists EpoServerList (ePOServerList, ServerList), hosts only, with the
	// port from the entry or from EpoPortList at the same position.
	EPOServers        []EPOServer
	EPOServerLastUsed string
	EPOVersion        string
	// LastASCTime and LastPolicyUpdateTime are yyyyMMddHHmmss wall time read in the
	// caller's location (the zone is unverified, sources.md S12); zero when never.
	LastASCTime          time.Time
	LastPolicyUpdateTime time.Time
	LogLocation          string
	InstallLocation      string
	DataLocation         string
	CryptoMode           string
	Language             string
	// CustomProperties holds UserPropertyN / CustomPropsN values from any section.
	CustomProperties map[string]string
	// Missing lists the keys cmdagent reported as "Failed to get value of <Key>".
	Missing []string
	// Invalid lists keys whose value could not be read (a time that is neither a
	// sentinel nor yyyyMMddHHmmss, a non-numeric AgentMode).
	Invalid []string
	// Sections is every Component block with its raw fields, for keys not mapped above.
	Sections []CmdAgentSection
}

// Keys cmdagent prints; any of them makes the output recognisable.
var cmdAgentKeys = map[string]bool{
	"component": true, "agentmode": true, "version": true, "guid": true, "agentguid": true,
	"tenantid": true, "loglocation": true, "installlocation": true, "cryptomode": true,
	"datalocation": true, "eposerverlist": true, "serverlist": true, "epoportlist": true,
	"portlist": true, "eposerverlastused": true, "lastasctime": true,
	"lastpolicyupdatetime": true, "epoversion": true, "language": true,
}

const missingPrefix = "Failed to get value of "

// ParseCmdAgentInfo parses `cmdagent -i` by key, never by position: the 5.5.1 sample has a
// "Failed to get value of" line in place of a key, empty values, values with colons
// (C:\ProgramData\...) and a second "Component:" block with the custom properties. Times are
// wall time read in loc (nil means time.Local). It fails only when no known key is present.
func ParseCmdAgentInfo(out []byte, loc *time.Location) (CmdAgentInfo, error) {
	if loc == nil {
		loc = time.Local
	}
	info := CmdAgentInfo{Mode: AgentMode{Value: -1}}
	recognised := false
	cur := -1                        // index of the section being filled
	first := make(map[string]string) // lower-cased key -> first value across sections

	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF"))))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if name, ok := strings.CutPrefix(line, missingPrefix); ok {
			if name = strings.TrimSpace(name); isCmdAgentKey(name) {
				info.Missing = append(info.Missing, name)
				recognised = recognised || cmdAgentKeys[strings.ToLower(name)]
			}
			continue
		}
		key, value, ok := cutCmdAgentPair(line)
		if !ok {
			continue // banner, prompt echo ("C:\...>cmdagent.exe -i"), localized chatter
		}
		lower := strings.ToLower(key)
		if cmdAgentKeys[lower] {
			recognised = true
		}
		if lower == "component" {
			info.Sections = append(info.Sections, CmdAgentSection{Component: value, Fields: map[string]string{}})
			cur = len(info.Sections) - 1
			if info.Component == "" {
				info.Component = value
			}
			continue
		}
		if cur < 0 {
			info.Sections = append(info.Sections, CmdAgentSection{Fields: map[string]string{}})
			cur = len(info.Sections) - 1
		}
		if _, dup := info.Sections[cur].Fields[key]; !dup {
			info.Sections[cur].Fields[key] = value
		}
		if _, seen := first[lower]; !seen {
			first[lower] = value
		}
		if isCustomPropertyKey(lower) {
			if info.CustomProperties == nil {
				info.CustomProperties = make(map[string]string)
			}
			info.CustomProperties[key] = value
		}
	}
	if err := sc.Err(); err != nil {
		return CmdAgentInfo{}, err
	}
	if !recognised {
		return CmdAgentInfo{}, ErrNoAgentInfo
	}

	get := func(keys ...string) (string, bool) {
		for _, k := range keys {
			if v, ok := first[k]; ok {
				return v, true
			}
		}
		return "", false
	}
	str := func(keys ...string) string {
		v, _ := get(keys...)
		if isNotAvailable(v) {
			return ""
		}
		return v
	}
	info.Version = str("version")
	info.GUID = NormalizeGUID(str("guid", "agentguid"))
	info.TenantID = str("tenantid")
	info.EPOServerLastUsed = str("eposerverlastused")
	info.EPOVersion = str("epoversion")
	info.LogLocation = str("loglocation")
	info.InstallLocation = str("installlocation")
	info.DataLocation = str("datalocation")
	info.CryptoMode = str("cryptomode")
	info.Language = str("language")

	if v, ok := get("agentmode"); ok && !isNotAvailable(v) {
		if n, err := strconv.Atoi(v); err == nil {
			info.Mode = AgentMode{Value: n, Managed: n == 1}
		} else {
			info.Invalid = append(info.Invalid, "AgentMode")
		}
	}
	for _, tf := range []struct {
		key, name string
		dst       *time.Time
	}{
		{"lastasctime", "LastASCTime", &info.LastASCTime},
		{"lastpolicyupdatetime", "LastPolicyUpdateTime", &info.LastPolicyUpdateTime},
	} {
		v, ok := get(tf.key)
		if !ok {
			continue
		}
		t, ok := parseCmdAgentTime(v, loc)
		if !ok {
			info.Invalid = append(info.Invalid, tf.name)
		}
		*tf.dst = t
	}
	servers, _ := get("eposerverlist", "serverlist")
	ports, _ := get("epoportlist", "portlist")
	info.EPOServers = parseEPOServers(servers, ports)
	return info, nil
}

// cutCmdAgentPair splits "Key: value" on the first colon; the key must be one word so that
// prompt echoes like "C:\Program Files\McAfee\Agent>cmdagent.exe -i" are not pairs.
func cutCmdAgentPair(line string) (key, value string, ok bool) {
	i := strings.IndexByte(line, ':')
	if i <= 0 {
		return "", "", false
	}
	key = strings.TrimSpace(line[:i])
	if !isCmdAgentKey(key) {
		return "", "", false
	}
	rest := line[i+1:]
	if len(key) == 1 && rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", "", false // "C:\..." — a drive letter, not a key
	}
	return key, strings.TrimSpace(rest), true
}

func isCmdAgentKey(s string) bool {
	if s == "" || len(s) > 64 || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func isCustomPropertyKey(lower string) bool {
	return strings.HasPrefix(lower, "userproperty") || strings.HasPrefix(lower, "customprops")
}

func isNotAvailable(v string) bool {
	return v == "" || strings.EqualFold(v, "N/A") || strings.EqualFold(v, "(null)")
}

// parseCmdAgentTime reads yyyyMMddHHmmss (Rkaine81 and ORR_Checks both ParseExact that
// layout); "N/A", "0" and empty mean never and yield the zero time with ok true.
func parseCmdAgentTime(v string, loc *time.Location) (time.Time, bool) {
	if isNotAvailable(v) || v == "0" {
		return time.Time{}, true
	}
	if len(v) == 14 {
		if w, rest, ok := cutCompactTimestamp(v); ok && rest == "" {
			return w.in(loc), true
		}
	}
	// A dashed layout is accepted in case a build prints one [?].
	if w, rest, ok := cutDashedTimestamp(v); ok && rest == "" {
		return w.in(loc), true
	}
	return time.Time{}, false
}

// NormalizeGUID upper-cases an agent GUID and drops its braces, so the cmdagent form
// (D2E157F4-...), the Server.log form ({91EEA947-...}) and EPOLeafNode.AgentGUID compare equal.
// A GUID has no braces inside, so any brace is dropped, not only the enclosing pair.
// "N/A" and empty give "".
func NormalizeGUID(g string) string {
	g = strings.TrimSpace(g)
	if isNotAvailable(g) {
		return ""
	}
	g = guidBraces.Replace(g)
	return strings.ToUpper(strings.TrimSpace(g))
}

var guidBraces = strings.NewReplacer("{", "", "}", "")

// parseEPOServers reads the server list; its separator on a managed host is unverified
// (sources.md S12), the registry form is ";"-separated, so ";", "," and blanks all separate.
// Entries may carry ":port" or a scheme and path; only the host and port are kept.
func parseEPOServers(servers, ports string) []EPOServer {
	hosts := splitList(servers)
	if len(hosts) == 0 {
		return nil
	}
	portList := splitList(ports)
	out := make([]EPOServer, 0, len(hosts))
	for i, h := range hosts {
		srv := splitHostPort(h)
		if srv.Host == "" {
			continue
		}
		if srv.Port == 0 {
			switch {
			case i < len(portList):
				srv.Port = parsePort(portList[i])
			case len(portList) == 1:
				srv.Port = parsePort(portList[0])
			}
		}
		out = append(out, srv)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == ' ' || r == '\t'
	})
}

func splitHostPort(entry string) EPOServer {
	if _, after, ok := strings.Cut(entry, "://"); ok {
		entry = after
	}
	if i := strings.IndexAny(entry, "/?"); i >= 0 {
		entry = entry[:i]
	}
	// "name|ip|..." alternates: keep the first, the name [?].
	if i := strings.IndexByte(entry, '|'); i >= 0 {
		entry = entry[:i]
	}
	if strings.HasPrefix(entry, "[") {
		if end := strings.IndexByte(entry, ']'); end > 0 {
			host := entry[1:end]
			rest := entry[end+1:]
			if p, ok := strings.CutPrefix(rest, ":"); ok {
				return EPOServer{Host: host, Port: parsePort(p)}
			}
			return EPOServer{Host: host}
		}
	}
	if strings.Count(entry, ":") == 1 {
		host, p, _ := strings.Cut(entry, ":")
		return EPOServer{Host: host, Port: parsePort(p)}
	}
	return EPOServer{Host: entry}
}

func parsePort(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 65535 {
		return 0
	}
	return n
}
