// Package diagnose turns one collection of the exporter's metrics into a list of problems,
// each with the vendor's remedy, in English or Japanese. It is what `secagent_exporter
// diagnose` prints on a troubled host. A problem that an alert also reports names that
// alert's runbook and prints the remedy and the citations (vendor KB ids, docs/sources.md
// rows) of its row in internal/knowledge, the table docs/runbooks.md and docs/runbooks.ja.md
// are generated from.
//
// It reads only the metrics, never the agents directly, so what it says is exactly what
// Prometheus would see and alert on.
package diagnose

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/secagent-exporter/secagent_exporter/internal/knowledge"
)

// Severity orders findings; anything at Warning or above makes diagnose exit non-zero.
type Severity int

const (
	Info Severity = iota
	Warning
	Critical
)

func (s Severity) label(lang string) string {
	ja := lang == "ja"
	switch s {
	case Critical:
		return pick(ja, "CRITICAL", "重大")
	case Warning:
		return pick(ja, "WARNING", "警告")
	default:
		return pick(ja, "INFO", "情報")
	}
}

// Text is one message in both languages the product supports.
type Text struct{ EN, JA string }

func (t Text) In(lang string) string {
	if lang == "ja" && t.JA != "" {
		return t.JA
	}
	return t.EN
}

// Finding is one problem found on the host.
type Finding struct {
	Severity Severity
	// Runbook is the alert whose runbook section explains the finding (docs/runbooks.md and
	// docs/runbooks.ja.md, anchor = the alert name in lower case); empty when no alert does.
	Runbook string
	Problem Text
	// Remedy is the remedy of the Runbook's knowledge row, or the finding's own text when it
	// has no runbook.
	Remedy Text
	// References are the row's vendor KB ids and docs/sources.md rows.
	References []string
}

// Thresholds are the staleness limits, the same defaults as the alert rules.
type Thresholds struct {
	ASCIStale        time.Duration
	TetraWarning     time.Duration
	TetraCritical    time.Duration
	QualysStale      time.Duration
	CertExpiryWindow time.Duration
}

// DefaultThresholds match alerts/rules.
var DefaultThresholds = Thresholds{
	ASCIStale:        24 * time.Hour,
	TetraWarning:     24 * time.Hour,
	TetraCritical:    72 * time.Hour,
	QualysStale:      24 * time.Hour,
	CertExpiryWindow: 14 * 24 * time.Hour,
}

// sample is one series of a gathered family.
type sample struct {
	labels map[string]string
	value  float64
}

// metrics indexes a gather by metric name.
type metrics map[string][]sample

func index(families []*dto.MetricFamily) metrics {
	idx := metrics{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			s := sample{labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Untyped != nil:
				s.value = m.GetUntyped().GetValue()
			default:
				continue
			}
			idx[mf.GetName()] = append(idx[mf.GetName()], s)
		}
	}
	return idx
}

// value returns the first series of name whose labels include want.
func (m metrics) value(name string, want ...string) (float64, bool) {
	for _, s := range m[name] {
		if matches(s.labels, want) {
			return s.value, true
		}
	}
	return 0, false
}

func (m metrics) is(name string, v float64, want ...string) bool {
	got, ok := m.value(name, want...)
	return ok && got == v
}

func matches(labels map[string]string, want []string) bool {
	for i := 0; i+1 < len(want); i += 2 {
		if labels[want[i]] != want[i+1] {
			return false
		}
	}
	return true
}

// check is one row of the diagnosis table.
type check func(m metrics, now time.Time, th Thresholds) []Finding

// Evaluate runs every check over one gather.
func Evaluate(families []*dto.MetricFamily, now time.Time, th Thresholds) []Finding {
	m := index(families)
	var out []Finding
	for _, c := range checks {
		out = append(out, c(m, now, th)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// Failing reports whether any finding should make diagnose exit non-zero.
func Failing(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity >= Warning {
			return true
		}
	}
	return false
}

// RunbookURL is the runbook page of lang next to the English page runbookBase (a path or
// URL ending in docs/runbooks.md): docs/runbooks.ja.md for Japanese.
func RunbookURL(runbookBase, lang string) string {
	if dir, ok := strings.CutSuffix(runbookBase, knowledge.RunbookFile("en")); ok {
		return dir + knowledge.RunbookFile(lang)
	}
	return runbookBase
}

// Render prints the findings for a person at the console. runbookBase is the English runbook
// page; Japanese output links the Japanese page with the same anchors.
func Render(w io.Writer, findings []Finding, lang, runbookBase string) {
	ja := lang == "ja"
	if len(findings) == 0 {
		fmt.Fprintln(w, pick(ja, "No problem found: every enabled collector read its sources and no agent shows a known failure.",
			"問題は見つかりませんでした。有効なすべてのコレクタがソースを読み取り、既知の障害を示すエージェントはありません。"))
		return
	}
	problems := 0
	for _, f := range findings {
		if f.Severity >= Warning {
			problems++
		}
	}
	fmt.Fprintf(w, pick(ja, "%d problem(s) found:\n\n", "%d 件の問題が見つかりました:\n\n"), problems)
	for _, f := range findings {
		fmt.Fprintf(w, "[%s] %s\n", f.Severity.label(lang), f.Problem.In(lang))
		if r := f.Remedy.In(lang); r != "" {
			for _, line := range strings.Split(r, "\n") {
				fmt.Fprintf(w, "    %s %s\n", pick(ja, "->", "→"), line)
			}
		}
		if f.Runbook != "" {
			fmt.Fprintf(w, "    %s %s#%s\n", pick(ja, "runbook:", "ランブック:"), RunbookURL(runbookBase, lang), strings.ToLower(f.Runbook))
		}
		if len(f.References) > 0 {
			fmt.Fprintf(w, "    %s %s\n", pick(ja, "sources:", "参照:"), strings.Join(f.References, ", "))
		}
		fmt.Fprintln(w)
	}
}

func pick(ja bool, en, jaText string) string {
	if ja {
		return jaText
	}
	return en
}

func age(now time.Time, ts float64) time.Duration {
	if ts <= 0 {
		return 0
	}
	return now.Sub(time.Unix(int64(ts), 0))
}

func hours(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}

func hoursJA(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%.1f 日", d.Hours()/24)
	}
	return fmt.Sprintf("%.1f 時間", d.Hours())
}
