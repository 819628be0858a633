package cisco

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// LocalXML is what the exporter reads from the connector's local.xml
// (C:\Program Files\Cisco\AMP\local.xml, /opt/cisco/amp/etc/local.xml).
type LocalXML struct {
	// AgentUUID is /config/agent/uuid (sources.md S6).
	AgentUUID string
	// BusinessUUID is /config/janus/business/uuid.
	BusinessUUID string
	// Definitions lists every engine definition version found, from either layout.
	Definitions []LocalDefinition
	// TetraLastError is //tetra/lasterror as a signed int32 (0 = none);
	// HasTetraLastError is false when the element is absent or empty.
	TetraLastError    int32
	HasTetraLastError bool
	// TetraLastErrorRaw is the element text as stored, for logs only.
	TetraLastErrorRaw string
	// SkipTetra is install/switches/skiptetra = 1: TETRA was deliberately not
	// installed, so stale-TETRA alerts do not apply (sources.md S6).
	SkipTetra bool
}

// Layouts of the definition version in local.xml (sources.md S6).
const (
	// LayoutDefversions is /config/agent/engine/tetra/defversions = "1,dv:85626" (7.4.x).
	LayoutDefversions = "defversions"
	// LayoutStatsDefinitions is /config/agent/engine/stats/definitions holding JSON
	// {"engineDefinitions":[{"defVersion":"…:NNNNN", …}]} (connectors from 2025).
	LayoutStatsDefinitions = "stats_definitions"
)

// LocalDefinition is one engine's installed definition version.
type LocalDefinition struct {
	// Engine is the engine name when the layout carries one ("tetra" for the
	// defversions layout); "" when the JSON entry names no engine.
	Engine  string
	Version int64
	Layout  string
}

// TetraVersion returns the installed TETRA definition version. In the 2025 JSON
// layout an entry naming TETRA wins; without engine names the first entry is taken,
// as the vendor's health checker does (sources.md S6: which engine is first is UNVERIFIED).
func (l LocalXML) TetraVersion() (int64, bool) {
	for _, d := range l.Definitions {
		if strings.Contains(strings.ToLower(d.Engine), "tetra") {
			return d.Version, true
		}
	}
	for _, d := range l.Definitions {
		if d.Engine == "" {
			return d.Version, true
		}
	}
	return 0, false
}

// ParseLocalXML parses local.xml. The root must be an element (it is `config` on every
// host seen); all children are optional. A lasterror that cannot be normalised is
// reported as absent rather than failing the file.
func ParseLocalXML(b []byte) (LocalXML, error) {
	root, err := parseXMLTree(b)
	if err != nil {
		return LocalXML{}, fmt.Errorf("local.xml: %w", err)
	}
	var l LocalXML
	l.AgentUUID, _ = root.textAt("agent", "uuid")
	l.BusinessUUID, _ = root.textAt("janus", "business", "uuid")
	if s, ok := root.textAt("agent", "engine", "tetra", "defversions"); ok {
		if v, ok := definitionVersion(s); ok {
			l.Definitions = append(l.Definitions, LocalDefinition{Engine: "tetra", Version: v, Layout: LayoutDefversions})
		}
	}
	if s, ok := root.textAt("agent", "engine", "stats", "definitions"); ok {
		l.Definitions = append(l.Definitions, parseStatsDefinitions(s)...)
	}
	if e := root.find("tetra", "lasterror"); e != nil {
		l.TetraLastErrorRaw = strings.TrimSpace(e.text.String())
		if code, err := ParseTetraLastError(l.TetraLastErrorRaw); err == nil {
			l.TetraLastError, l.HasTetraLastError = code, true
		}
	}
	if s, ok := root.textAt("install", "switches", "skiptetra"); ok {
		l.SkipTetra = s == "1" || strings.EqualFold(s, "true")
	}
	return l, nil
}

// engineNameKeys are the JSON keys that could name the engine of a definitions entry;
// the real key is UNVERIFIED (sources.md S6), so any of these is accepted.
var engineNameKeys = []string{"engine", "engineName", "name", "type", "engineType"}

func parseStatsDefinitions(text string) []LocalDefinition {
	var doc struct {
		EngineDefinitions []map[string]json.RawMessage `json:"engineDefinitions"`
	}
	if json.Unmarshal([]byte(text), &doc) != nil {
		return nil
	}
	var defs []LocalDefinition
	for _, entry := range doc.EngineDefinitions {
		var version int64
		found := false
		for key, raw := range entry {
			if strings.EqualFold(key, "defVersion") {
				version, found = definitionVersion(flexString(raw))
			}
		}
		if !found {
			continue
		}
		d := LocalDefinition{Version: version, Layout: LayoutStatsDefinitions}
		for _, nameKey := range engineNameKeys {
			for key, raw := range entry {
				if d.Engine == "" && strings.EqualFold(key, nameKey) {
					d.Engine = flexString(raw)
				}
			}
		}
		defs = append(defs, d)
	}
	return defs
}

// ErrLastErrorSyntax is returned by ParseTetraLastError for text that is no integer.
var ErrLastErrorSyntax = errors.New("lasterror is not a decimal, negative or 0x-hex 32-bit integer")

// ParseTetraLastError normalises a //tetra/lasterror text to int32. The KB quotes the
// codes unsigned (4294965193), sources.md S3 also expects signed (-2103) and hex
// (0xFFFFF7C9) renderings; all three map to the same int32. Empty text is an error.
func ParseTetraLastError(s string) (int32, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrLastErrorSyntax
	}
	if hex, ok := cutHexPrefix(s); ok {
		u, err := strconv.ParseUint(hex, 16, 32)
		if err != nil {
			return 0, fmt.Errorf("%w: %q", ErrLastErrorSyntax, s)
		}
		return int32(uint32(u)), nil
	}
	if strings.HasPrefix(s, "-") {
		v, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%w: %q", ErrLastErrorSyntax, s)
		}
		return int32(v), nil
	}
	u, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrLastErrorSyntax, s)
	}
	return int32(uint32(u)), nil
}

func cutHexPrefix(s string) (string, bool) {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return s[2:], true
	}
	return "", false
}
