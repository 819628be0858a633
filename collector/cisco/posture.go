package cisco

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Posture is what `AmpCLI.exe posture` reports (sources.md S3 shows the one public sample,
// from connector 8.1.7). The schema is UNVERIFIED beyond that sample (sources.md S6), so
// every field is optional: pointers and zero times mean "not reported".
type Posture struct {
	AgentUUID        string
	ConnectorVersion string
	Connected        *bool
	Running          *bool
	Engines          []PostureEngine
	// LastScan is the zero time when the posture has no usable last_scan.
	LastScan       time.Time
	LastScanStatus *bool
	// ProtectionModes holds every `protect_<what>_mode` flag keyed by <what>
	// ("file", "process" in sources.md S3), so a mode added by a later connector still shows.
	ProtectionModes map[string]bool
}

// PostureEngine is one entry of `engines` (Tetra, Spero, Ethos, BP, SCS in sources.md S3).
type PostureEngine struct {
	Name        string
	Enabled     *bool
	Definitions []PostureDefinition
}

// PostureDefinition is one definition set of an engine.
type PostureDefinition struct {
	Name    string
	Version *int64
	// Timestamp is when the installed definitions were built; zero if not reported.
	Timestamp time.Time
	// LastSuccessfulUpdate is when the connector last fetched definitions; zero if
	// not reported (sources.md S3 has it for Tetra only).
	LastSuccessfulUpdate time.Time
}

// Engine returns the engine with the given name, compared case-insensitively.
func (p Posture) Engine(name string) (PostureEngine, bool) {
	for _, e := range p.Engines {
		if strings.EqualFold(e.Name, name) {
			return e, true
		}
	}
	return PostureEngine{}, false
}

// TetraDefinitions returns the TETRA engine's definitions: the definition named Tetra
// in the engine named Tetra, else that engine's first definition.
func (p Posture) TetraDefinitions() (PostureDefinition, bool) {
	e, ok := p.Engine("tetra")
	if !ok || len(e.Definitions) == 0 {
		return PostureDefinition{}, false
	}
	for _, d := range e.Definitions {
		if strings.EqualFold(d.Name, "tetra") {
			return d, true
		}
	}
	return e.Definitions[0], true
}

// ErrNotJSON is wrapped by ParsePosture when the command printed something other than
// a JSON object (an error text, a usage message, an access-denied line).
var ErrNotJSON = errors.New("output is not a JSON object")

// ParsePosture parses the stdout of `AmpCLI.exe posture`. Keys are matched
// case-insensitively and unknown keys are ignored; booleans may be JSON booleans,
// numbers or strings; numbers may be strings; timestamps may be Unix seconds or
// milliseconds (number or string) or RFC 3339 text.
func ParsePosture(out []byte) (Posture, error) {
	body, err := decodeBOMText(out) // same BOM / UTF-16 sniffing as for the XML files
	if err != nil {
		return Posture{}, fmt.Errorf("posture: %w: %s", ErrNotJSON, snippet(out))
	}
	obj, ok := firstJSONObject(body)
	if !ok {
		if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
			// A truncated or malformed posture is connector data, which may hold
			// anything a later release adds: its size is quoted, never its content.
			return Posture{}, fmt.Errorf("posture: %w: malformed JSON object (%d bytes)", ErrNotJSON, len(body))
		}
		return Posture{}, fmt.Errorf("posture: %w: %s", ErrNotJSON, snippet(out))
	}
	var p Posture
	for key, raw := range obj {
		switch strings.ToLower(key) {
		case "agent_uuid":
			p.AgentUUID = flexString(raw)
		case "connector_version":
			p.ConnectorVersion = flexString(raw)
		case "connected":
			p.Connected = flexBool(raw)
		case "running":
			p.Running = flexBool(raw)
		case "last_scan":
			p.LastScan = flexTime(raw)
		case "last_scan_status":
			p.LastScanStatus = flexBool(raw)
		case "engines":
			p.Engines = parsePostureEngines(raw)
		default:
			lk := strings.ToLower(key)
			if what, ok := strings.CutPrefix(lk, "protect_"); ok {
				if what, ok = strings.CutSuffix(what, "_mode"); ok && what != "" {
					if b := flexBool(raw); b != nil {
						if p.ProtectionModes == nil {
							p.ProtectionModes = map[string]bool{}
						}
						p.ProtectionModes[what] = *b
					}
				}
			}
		}
	}
	return p, nil
}

// firstJSONObject decodes the first JSON object in out. AmpCLI is expected to print
// bare JSON (sources.md S3), but a console banner or warning line before it must not lose
// the posture, so a later line starting with '{' is tried too.
func firstJSONObject(out []byte) (map[string]json.RawMessage, bool) {
	rest := bytes.TrimSpace(out)
	for len(rest) > 0 {
		if rest[0] == '{' {
			var obj map[string]json.RawMessage
			if err := json.NewDecoder(bytes.NewReader(rest)).Decode(&obj); err == nil && obj != nil {
				return obj, true
			}
		}
		i := bytes.Index(rest, []byte("\n{"))
		if i < 0 {
			return nil, false
		}
		rest = rest[i+1:]
	}
	return nil, false
}

func parsePostureEngines(raw json.RawMessage) []PostureEngine {
	var items []map[string]json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	engines := make([]PostureEngine, 0, len(items))
	for _, item := range items {
		var e PostureEngine
		for key, v := range item {
			switch strings.ToLower(key) {
			case "name":
				e.Name = flexString(v)
			case "enabled":
				e.Enabled = flexBool(v)
			case "definitions":
				e.Definitions = parsePostureDefinitions(v)
			}
		}
		engines = append(engines, e)
	}
	return engines
}

func parsePostureDefinitions(raw json.RawMessage) []PostureDefinition {
	var items []map[string]json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	defs := make([]PostureDefinition, 0, len(items))
	for _, item := range items {
		var d PostureDefinition
		for key, v := range item {
			switch strings.ToLower(key) {
			case "name":
				d.Name = flexString(v)
			case "version":
				d.Version = flexVersion(v)
			case "timestamp":
				d.Timestamp = flexTime(v)
			case "last_successful_update":
				d.LastSuccessfulUpdate = flexTime(v)
			}
		}
		defs = append(defs, d)
	}
	return defs
}

// flexString returns a JSON string, or the literal text of a number; "" otherwise.
func flexString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// flexBool accepts true/false, 0/1 and their string forms ("true", "1", "yes",
// "enabled"); nil when the value is absent or something else.
func flexBool(raw json.RawMessage) *bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return &b
	}
	s := strings.ToLower(flexString(raw))
	var v bool
	switch s {
	case "true", "1", "yes", "on", "enabled":
		v = true
	case "false", "0", "no", "off", "disabled":
		v = false
	default:
		return nil
	}
	return &v
}

// flexVersion reads a definition version given as a number, a numeric string, or the
// local.xml style "1,dv:85626" (sources.md S6: the integer after the last ':').
func flexVersion(raw json.RawMessage) *int64 {
	v, ok := definitionVersion(flexString(raw))
	if !ok {
		return nil
	}
	return &v
}

// definitionVersion extracts the integer after the last ':' (or the whole text when
// there is no ':'), as the vendor's health checker does for `defversions`.
func definitionVersion(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}

// Bounds for telling Unix seconds from milliseconds: a connector timestamp is after
// 2000 and seconds values pass 1e11 only in the year 5138.
const (
	unixMillisThreshold = 1e11
	unixSecondsMin      = 946684800 // 2000-01-01T00:00:00Z
)

// flexTime accepts Unix seconds or milliseconds (number or numeric string) and RFC 3339
// or "2006-01-02 15:04:05" text (UTC when no zone is given). Zero, negative and
// pre-2000 values are "not reported": the connector writes 0 before the first update.
func flexTime(raw json.RawMessage) time.Time {
	s := flexString(raw)
	if s == "" {
		return time.Time{}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return unixTime(f)
	}
	return parseTextTime(s)
}

func unixTime(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return time.Time{}
	}
	if f >= unixMillisThreshold {
		f /= 1000
	}
	if f < unixSecondsMin || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

var textTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	time.RFC1123Z,
	time.RFC1123,
}

func parseTextTime(s string) time.Time {
	for _, layout := range textTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Unix() < unixSecondsMin {
				return time.Time{}
			}
			return t.UTC()
		}
	}
	return time.Time{}
}
