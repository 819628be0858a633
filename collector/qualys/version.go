package qualys

import (
	"regexp"
	"strconv"
	"strings"
)

// DocDirGlob matches the package's documentation directory, whose name carries the
// installed version (sources.md S9, Qualys "Anti-Virus and HIPS Exclusion" for Linux:
// /usr/share/doc/qualys-cloud-agent-<version>).
const DocDirGlob = "usr/share/doc/qualys-cloud-agent-*"

const docDirPrefix = "qualys-cloud-agent-"

// versionShape is what may become the version label: 2 to 4 dotted numbers. Anything
// else (a build tag, a path) is rejected so the label stays one short value per host.
var versionShape = regexp.MustCompile(`^\d{1,9}(?:\.\d{1,9}){1,3}$`)

// VersionPattern is one place a log record states the agent version.
type VersionPattern struct {
	// InPayload selects the record's continuation lines (the CAPI JSON) instead of the
	// message; Require must then also occur in the payload.
	InPayload bool
	Require   string
	// Reject lists lower-case words that disqualify a message: other versions the agent
	// logs next to the word "agent".
	Reject []string
	// Regexp's first group is the version.
	Regexp *regexp.Regexp
	Source string
}

// VersionPatterns is the table AgentVersion consults, first match wins. All rows are
// UNVERIFIED (no real log is public, sources.md S9): the first follows the start-up line of
// the synthetic fixtures, the second the CAPI payload the Qualys docs describe ("host name,
// OS, agent UUID, version"). The message row demands the word "agent" so that
// "vulnsigs version 2.6.241-3" is never taken for the agent's version.
var VersionPatterns = []VersionPattern{
	{
		Regexp: regexp.MustCompile(`(?i)\bagent\b.*\bversion\b[\s:=]*v?(\d+(?:\.\d+){1,3})(?:$|[^\w.-])`),
		Reject: []string{"vulnsigs", "manifest", "signature"},
		Source: "sources.md S9 (UNVERIFIED start-up line wording); sources.md S4 (vulnsigs versions are logged too)",
	},
	{
		InPayload: true,
		Require:   `"agentUuid"`,
		Regexp:    regexp.MustCompile(`"version"\s*:\s*"(\d+(?:\.\d+){1,3})"`),
		Source:    "sources.md S9 (THIRD-PARTY log viewer: CAPI payloads carry agent UUID and version)",
	},
}

// AgentVersion returns the agent version a record states, or "" when it states none.
func AgentVersion(l LogLine) string {
	for _, p := range VersionPatterns {
		text := l.Message
		if p.InPayload {
			if l.Payload == "" || !strings.Contains(l.Payload, p.Require) {
				continue
			}
			text = l.Payload
		} else if !acceptsMessage(p, text) {
			continue
		}
		if m := p.Regexp.FindStringSubmatch(text); m != nil && versionShape.MatchString(m[1]) {
			return m[1]
		}
	}
	return ""
}

func acceptsMessage(p VersionPattern, msg string) bool {
	lower := strings.ToLower(msg)
	if !strings.Contains(lower, "version") {
		return false
	}
	for _, w := range p.Reject {
		if strings.Contains(lower, w) {
			return false
		}
	}
	return true
}

// ParseDocDirVersion reads the version from a documentation directory's base name
// ("qualys-cloud-agent-6.1.0.28"); false for any other name.
func ParseDocDirVersion(name string) (string, bool) {
	v, ok := strings.CutPrefix(name, docDirPrefix)
	if !ok || !versionShape.MatchString(v) {
		return "", false
	}
	return v, true
}

// NewerVersion reports whether dotted version a is newer than b, comparing numerically
// part by part ("6.10.0" > "6.9.1"); a missing part counts as 0. Both must have the
// shape ParseDocDirVersion and AgentVersion return; an empty b is older than anything.
func NewerVersion(a, b string) bool {
	if b == "" {
		return a != ""
	}
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x > y
		}
	}
	return false
}
