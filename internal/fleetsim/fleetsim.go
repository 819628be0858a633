// Package fleetsim turns the exporter's end-to-end golden expositions
// (collector/fixtures/e2e/*.metrics) into the metrics of many synthetic endpoints, each
// with its own agent GUIDs and UUIDs, agent versions from a small set, and timestamps
// that move with the clock. cmd/fleetsim serves them for the fleet cost measurement of
// scripts/bench-fleetsim.sh.
package fleetsim

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Sample is one line of an exposition: name, labels in order, value as written.
type Sample struct {
	Name   string
	Labels []Label
	Value  string
}

// Label is one name="value" pair.
type Label struct{ Name, Value string }

// Family is the HELP/TYPE header of a metric and its samples.
type Family struct {
	Name, Help, Type string
	Samples          []Sample
}

// maxLine bounds one exposition line; the goldens' longest is far below.
const maxLine = 64 << 10

// Parse reads a Prometheus text exposition as the goldens write it: # HELP and # TYPE
// lines, then name{label="value",...} value. The goldens' placeholders (<duration> as a
// value, {<build labels>} as the label set) are kept as written for Host to fill in.
func Parse(r io.Reader) ([]Family, error) {
	var fams []Family
	byName := map[string]int{}
	family := func(name string) *Family {
		i, ok := byName[name]
		if !ok {
			i = len(fams)
			byName[name] = i
			fams = append(fams, Family{Name: name})
		}
		return &fams[i]
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE "):
			name, text, _ := strings.Cut(line[len("# HELP "):], " ")
			if !validName(name) {
				return nil, fmt.Errorf("line %d: bad metric name %q", n, name)
			}
			if line[2] == 'H' {
				family(name).Help = text
			} else {
				family(name).Type = text
			}
		case strings.HasPrefix(line, "#"):
			continue
		default:
			s, err := parseSample(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			f := family(familyName(s.Name, fams, byName))
			f.Samples = append(f.Samples, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return fams, nil
}

// familyName maps histogram and summary series to their family when it was declared.
func familyName(name string, fams []Family, byName map[string]int) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			if i, ok := byName[base]; ok && (fams[i].Type == "histogram" || fams[i].Type == "summary") {
				return base
			}
		}
	}
	return name
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

const BuildLabels = "<build labels>"

// BuildValues stand for the build labels in every simulated host.
const BuildValues = `branch="main",goarch="amd64",goos="windows",goversion="go1.26.8",revision="fleetsim",tags="unknown",version="0.1.0"`

func parseSample(line string) (Sample, error) {
	var s Sample
	end := strings.IndexAny(line, "{ ")
	if end < 0 {
		return s, fmt.Errorf("no value in %q", line)
	}
	s.Name = line[:end]
	if !validName(s.Name) {
		return s, fmt.Errorf("bad metric name %q", s.Name)
	}
	rest := line[end:]
	if strings.HasPrefix(rest, "{"+BuildLabels+"}") {
		s.Labels = []Label{{Name: BuildLabels}}
		rest = rest[len(BuildLabels)+2:]
	} else if strings.HasPrefix(rest, "{") {
		rest = rest[1:]
		for {
			rest = strings.TrimLeft(rest, ",")
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq < 0 || !validName(rest[:eq]) || strings.Contains(rest[:eq], ":") {
				return s, fmt.Errorf("bad label in %q", line)
			}
			name := rest[:eq]
			rest = rest[eq+2:]
			var val strings.Builder
			closed := false
			for i := 0; i < len(rest); i++ {
				c := rest[i]
				if c == '\\' && i+1 < len(rest) {
					i++
					switch rest[i] {
					case 'n':
						val.WriteByte('\n')
					default:
						val.WriteByte(rest[i])
					}
					continue
				}
				if c == '"' {
					rest = rest[i+1:]
					closed = true
					break
				}
				val.WriteByte(c)
			}
			if !closed {
				return s, fmt.Errorf("unterminated label value in %q", line)
			}
			s.Labels = append(s.Labels, Label{name, val.String()})
		}
	}
	value := strings.TrimSpace(rest)
	if value == "" || strings.ContainsAny(value, " \t") {
		return s, fmt.Errorf("want one value in %q", line)
	}
	if value != "<duration>" {
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return s, fmt.Errorf("bad value %q", value)
		}
	}
	s.Value = value
	return s, nil
}

// Merge combines the families of several scenarios into one host, as a host running
// every collector exposes them; a series present in several (build info) is kept once.
func Merge(scenarios ...[]Family) []Family {
	byName := map[string]*Family{}
	seen := map[string]bool{}
	for _, fams := range scenarios {
		for _, f := range fams {
			m := byName[f.Name]
			if m == nil {
				m = &Family{Name: f.Name, Help: f.Help, Type: f.Type}
				byName[f.Name] = m
			}
			for _, s := range f.Samples {
				key := s.Name + fmt.Sprint(s.Labels)
				if !seen[key] {
					seen[key] = true
					m.Samples = append(m.Samples, s)
				}
			}
		}
	}
	var out []Family
	for _, f := range byName {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Versions per agent: a fleet is mostly on one version with stragglers.
var Versions = map[string][]string{
	"epo_agent_info":    {"5.7.9.139", "5.7.9.139", "5.7.9.139", "5.7.8.262", "5.6.6.232"},
	"connector_info":    {"8.4.2.30302", "8.4.2.30302", "8.4.1.30293", "8.2.3.30119"},
	"qualys_agent_info": {"6.1.0.28", "6.1.0.28", "6.0.0.41", "5.9.0.15"},
}

// IDLabels are per-host identities: the agent GUID, the connector UUID, the Qualys host id.
var IDLabels = map[string]bool{"guid": true, "uuid": true, "host_id": true}

// GoldenTime is the clock the goldens were rendered at (--testing.time of the e2e tests).
const GoldenTime = 1795176000 // 2026-11-20T12:00:00Z

// Host writes the exposition of synthetic host i at time now. Identity labels get a
// GUID of the host's own, info versions one of a few, *_timestamp_seconds follow the
// clock (their distance to the goldens' clock kept) with a per-host lag, *_age_seconds the same lag, durations vary per scrape.
func Host(w io.Writer, fams []Family, i int, now time.Time) error {
	b := bufio.NewWriter(w)
	lag := float64(hash(i, "lag") % 1800) // seconds behind the clock, per host
	unix := float64(now.Unix())
	for _, f := range fams {
		if f.Help != "" {
			fmt.Fprintf(b, "# HELP %s %s\n", f.Name, f.Help)
		}
		if f.Type != "" {
			fmt.Fprintf(b, "# TYPE %s %s\n", f.Name, f.Type)
		}
		for _, s := range f.Samples {
			b.WriteString(s.Name)
			if len(s.Labels) > 0 {
				b.WriteByte('{')
				for j, l := range s.Labels {
					if j > 0 {
						b.WriteByte(',')
					}
					if l.Name == BuildLabels {
						b.WriteString(BuildValues)
						continue
					}
					v := l.Value
					switch {
					case IDLabels[l.Name] && v != "":
						v = guid(i, s.Name+l.Name)
					case l.Name == "version" && Versions[s.Name] != nil:
						vs := Versions[s.Name]
						v = vs[hash(i, s.Name)%uint32(len(vs))]
					}
					fmt.Fprintf(b, "%s=%s", l.Name, strconv.Quote(v))
				}
				b.WriteByte('}')
			}
			b.WriteByte(' ')
			b.WriteString(value(s, i, unix, lag, now))
			b.WriteByte('\n')
		}
	}
	return b.Flush()
}

func value(s Sample, i int, unix, lag float64, now time.Time) string {
	switch {
	case s.Value == "<duration>":
		return strconv.FormatFloat(0.001+float64(hash(i, strconv.FormatInt(now.UnixNano(), 10))%5000)/1e6, 'g', -1, 64)
	case strings.HasSuffix(s.Name, "_timestamp_seconds"):
		if s.Value == "0" {
			return s.Value // never happened stays never
		}
		v, _ := strconv.ParseFloat(s.Value, 64)
		return strconv.FormatFloat(math.Round(v+unix-GoldenTime-lag), 'g', -1, 64)
	case strings.HasSuffix(s.Name, "_age_seconds"):
		v, _ := strconv.ParseFloat(s.Value, 64)
		return strconv.FormatFloat(v+lag, 'g', -1, 64)
	}
	return s.Value
}

func hash(i int, salt string) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%s", i, salt)
	return h.Sum32()
}

// guid is a stable upper-case GUID for host i and one identity.
func guid(i int, salt string) string {
	var b bytes.Buffer
	for k := 0; k < 4; k++ {
		fmt.Fprintf(&b, "%08X", hash(i, fmt.Sprint(salt, k)))
	}
	g := b.String()
	return g[0:8] + "-" + g[8:12] + "-" + g[12:16] + "-" + g[16:20] + "-" + g[20:32]
}
