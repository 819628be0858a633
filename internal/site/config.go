// Package site holds the site configuration of the bundled alert rules and dashboards
// (alerts/site.example.yml) and renders the rules from their source (alerts/source/),
// the monitoring-mixin way: one small YAML file instead of edits to generated files.
package site

import (
	"bytes"
	"fmt"
	"os"
	"regexp"

	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultRunbookBase is where the runbooks are published; the committed rules link here.
const DefaultRunbookBase = "https://github.com/secagent-exporter/secagent_exporter/blob/main/docs/"

// Config is the site configuration. The zero value of every field means its default.
type Config struct {
	// Selector is PromQL label matchers, e.g. `job="secagent"`, added to every metric
	// selector of the rules and every dashboard query.
	Selector string `yaml:"selector"`
	// RunbookBase is the URL the runbook documents are found under (runbooks.md,
	// runbooks.ja.md); an alert links to <base><document>#<alert name in lower case>.
	RunbookBase string `yaml:"runbook_url_base"`
	// Language of the summary and description annotations and the dashboard titles: en or ja.
	Language string `yaml:"language"`
	// GroupLabel is an extra label, e.g. site, the fleet rules aggregate by next to job,
	// and the dashboards offer as a variable.
	GroupLabel string `yaml:"group_label"`
	// Thresholds of the staleness alerts and fleet checks.
	Thresholds Thresholds `yaml:"thresholds"`
}

// Thresholds are Prometheus durations (4h, 3d).
type Thresholds struct {
	McAfeeASCIStaleWarning  Duration `yaml:"mcafee_asci_stale_warning"`
	McAfeeASCIStaleCritical Duration `yaml:"mcafee_asci_stale_critical"`
	CiscoTetraAgeWarning    Duration `yaml:"cisco_tetra_age_warning"`
	CiscoTetraAgeCritical   Duration `yaml:"cisco_tetra_age_critical"`
	QualysContactWarning    Duration `yaml:"qualys_contact_warning"`
	QualysContactCritical   Duration `yaml:"qualys_contact_critical"`
}

// Duration is a whole number of seconds written as a Prometheus duration.
type Duration time.Duration

// UnmarshalYAML accepts a Prometheus duration: 30m, 4h, 3d, 1w or a combination (1d12h).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

var durationPart = regexp.MustCompile(`^([0-9]+)(w|d|h|m|s)`)

// ParseDuration parses a positive Prometheus duration of whole seconds.
func ParseDuration(s string) (time.Duration, error) {
	unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}
	rest, total := s, time.Duration(0)
	if rest == "" {
		return 0, fmt.Errorf("empty duration")
	}
	for rest != "" {
		m := durationPart.FindStringSubmatch(rest)
		if m == nil {
			return 0, fmt.Errorf("duration %q: want a number and one of w, d, h, m, s (e.g. 4h, 3d)", s)
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > 1e6 {
			return 0, fmt.Errorf("duration %q is out of range", s)
		}
		total += time.Duration(n) * unit[m[2]]
		rest = rest[len(m[0]):]
	}
	if total <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", s)
	}
	return total, nil
}

// Default is the configuration the committed rules and dashboards are generated for.
func Default() Config {
	return Config{
		RunbookBase: DefaultRunbookBase,
		Language:    "en",
		Thresholds: Thresholds{
			McAfeeASCIStaleWarning:  Duration(4 * time.Hour),
			McAfeeASCIStaleCritical: Duration(72 * time.Hour),
			CiscoTetraAgeWarning:    Duration(24 * time.Hour),
			CiscoTetraAgeCritical:   Duration(72 * time.Hour),
			QualysContactWarning:    Duration(6 * time.Hour),
			QualysContactCritical:   Duration(72 * time.Hour),
		},
	}
}

// Load reads a site configuration; keys it leaves out keep their defaults.
func Load(path string) (Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return Parse(raw)
}

// Parse decodes a site configuration strictly (unknown keys are errors) and validates it.
func Parse(raw []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err.Error() != "EOF" {
		return Config{}, fmt.Errorf("site config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("site config: %w", err)
	}
	return c, nil
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Validate reports the first problem of c.
func (c Config) Validate() error {
	if c.Language != "en" && c.Language != "ja" {
		return fmt.Errorf("language %q: want en or ja", c.Language)
	}
	if c.GroupLabel != "" && (!labelName.MatchString(c.GroupLabel) || strings.HasPrefix(c.GroupLabel, "__") ||
		c.GroupLabel == "job" || c.GroupLabel == "instance") {
		return fmt.Errorf("group_label %q: want a label name other than job and instance", c.GroupLabel)
	}
	if c.RunbookBase == "" || strings.ContainsAny(c.RunbookBase, " \"'\n#") {
		return fmt.Errorf("runbook_url_base %q: want a URL without spaces, quotes or #", c.RunbookBase)
	}
	if _, err := ParseMatchers(c.Selector); err != nil {
		return fmt.Errorf("selector: %w", err)
	}
	for _, t := range c.thresholdList() {
		if t.v <= 0 || time.Duration(t.v)%time.Second != 0 {
			return fmt.Errorf("thresholds.%s: want a positive whole number of seconds", t.key)
		}
	}
	pairs := [][2]string{{"mcafee_asci_stale_warning", "mcafee_asci_stale_critical"},
		{"cisco_tetra_age_warning", "cisco_tetra_age_critical"}, {"qualys_contact_warning", "qualys_contact_critical"}}
	byKey := map[string]Duration{}
	for _, t := range c.thresholdList() {
		byKey[t.key] = t.v
	}
	for _, p := range pairs {
		if byKey[p[0]] >= byKey[p[1]] {
			return fmt.Errorf("thresholds.%s must be shorter than thresholds.%s", p[0], p[1])
		}
	}
	return nil
}

type threshold struct {
	key string
	v   Duration
}

func (c Config) thresholdList() []threshold {
	t := c.Thresholds
	return []threshold{
		{"mcafee_asci_stale_warning", t.McAfeeASCIStaleWarning}, {"mcafee_asci_stale_critical", t.McAfeeASCIStaleCritical},
		{"cisco_tetra_age_warning", t.CiscoTetraAgeWarning}, {"cisco_tetra_age_critical", t.CiscoTetraAgeCritical},
		{"qualys_contact_warning", t.QualysContactWarning}, {"qualys_contact_critical", t.QualysContactCritical},
	}
}

// RunbookURL is the runbook link of an alert in the configured language.
func (c Config) RunbookURL(alert string) string {
	doc := "runbooks.md"
	if c.Language == "ja" {
		doc = "runbooks.ja.md"
	}
	return c.RunbookBase + doc + "#" + strings.ToLower(alert)
}

// Seconds renders d as a PromQL number of seconds the way the rules write them: 4 * 3600,
// 3 * 86400, 1800.
func Seconds(d Duration) string {
	s := int64(time.Duration(d) / time.Second)
	switch {
	case s%86400 == 0 && s >= 2*86400:
		return fmt.Sprintf("%d * 86400", s/86400)
	case s%3600 == 0 && s > 3600:
		return fmt.Sprintf("%d * 3600", s/3600)
	}
	return strconv.FormatInt(s, 10)
}

// Human renders d for an annotation in the language: "24 hours", "3 days"; "24 時間", "3 日".
func Human(d Duration, lang string) string {
	s := int64(time.Duration(d) / time.Second)
	type unit struct {
		secs    int64
		one, ja string
		many    string
	}
	for _, u := range []unit{{86400 * 7, "1 week", "週間", "weeks"}, {86400, "1 day", "日", "days"}, {3600, "1 hour", "時間", "hours"}, {60, "1 minute", "分", "minutes"}} {
		if s%u.secs != 0 || s < u.secs {
			continue
		}
		n := s / u.secs
		if u.secs == 86400 && n < 3 {
			continue // 24 hours, 48 hours read better than 1 day, 2 days
		}
		if lang == "ja" {
			return fmt.Sprintf("%d %s", n, u.ja)
		}
		if n == 1 {
			return u.one
		}
		return fmt.Sprintf("%d %s", n, u.many)
	}
	if lang == "ja" {
		return fmt.Sprintf("%d 秒", s)
	}
	return fmt.Sprintf("%d seconds", s)
}

// templateData is what the [[ ]] placeholders of a rule source see: .S.<key> the
// threshold in PromQL seconds, .H.<key> in words, .G ", <group label>" or "".
func (c Config) templateData() map[string]any {
	s, h := map[string]string{}, map[string]string{}
	for _, t := range c.thresholdList() {
		s[t.key], h[t.key] = Seconds(t.v), Human(t.v, c.Language)
	}
	g := ""
	if c.GroupLabel != "" {
		g = ", " + c.GroupLabel
	}
	return map[string]any{"S": s, "H": h, "G": g, "Lang": c.Language}
}
