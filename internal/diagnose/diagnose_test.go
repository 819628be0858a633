package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var placeholders = strings.NewReplacer(" <duration>", " 0", "{<build labels>}", "")

// goldenFamilies parses an end-to-end golden file: the exact /metrics a fixture host
// produces, so diagnose is tested on what the exporter really emits.
func goldenFamilies(t *testing.T, scenario string) ([]*dto.MetricFamily, time.Time) {
	t.Helper()
	base := filepath.Join("..", "..", "collector", "fixtures", "e2e", scenario)
	raw, err := os.ReadFile(base + ".metrics")
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	byName, err := parser.TextToMetricFamilies(strings.NewReader(placeholders.Replace(string(raw))))
	if err != nil {
		t.Fatalf("%s: %v", scenario, err)
	}
	var fams []*dto.MetricFamily
	for _, mf := range byName {
		fams = append(fams, mf)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	args, _ := os.ReadFile(base + ".args")
	if m := regexp.MustCompile(`--testing\.time=(\S+)`).FindSubmatch(args); m != nil {
		if now, err = time.Parse(time.RFC3339, string(m[1])); err != nil {
			t.Fatal(err)
		}
	}
	return fams, now
}

func runbooks(findings []Finding, min Severity) []string {
	var out []string
	for _, f := range findings {
		if f.Severity >= min {
			out = append(out, f.Runbook)
		}
	}
	sort.Strings(out)
	return out
}

func TestEvaluateOnFixtureHosts(t *testing.T) {
	cases := []struct {
		scenario string
		want     []string // runbook sections of Warning+ findings, sorted
	}{
		{"demo", []string{"CiscoConnectorFaultActive", "McAfeeAgentASCIStale"}},
		{"mcafee-healthy", nil},
		{"mcafee-sequence-rejected", []string{"McAfeeAgentSequenceRejected"}},
		{"cisco-win-healthy", nil},
		{"cisco-win-stale-proxy-auth", []string{"CiscoConnectorDisconnected", "CiscoTetraDefinitionsStale"}},
		{"cisco-linux-fault18", []string{"CiscoConnectorFaultActive"}},
		{"cisco-linux-selinux-bpf-missing", []string{"CiscoConnectorFaultActive"}},
		{"qualys-healthy", nil},
		{"qualys-fim-audit-conflict", []string{"QualysFIMAuditConflict"}},
		{"qualys-proxy-unreachable", []string{"QualysPlatformUnreachable"}},
		{"linux-broken-procfs", []string{"SecagentCollectorFailing"}},
		{"epo-server-sequence-errors", []string{"McAfeeServerSequenceErrors"}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			fams, now := goldenFamilies(t, tc.scenario)
			findings := Evaluate(fams, now, DefaultThresholds)
			got := runbooks(findings, Warning)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				var b bytes.Buffer
				Render(&b, findings, "en", "docs/runbooks.md")
				t.Errorf("findings %v, want %v\n%s", got, tc.want, b.String())
			}
			if Failing(findings) != (len(tc.want) > 0) {
				t.Errorf("Failing = %v with %v", Failing(findings), got)
			}
		})
	}
}

func TestRemediesNameTheVendorFix(t *testing.T) {
	fams, now := goldenFamilies(t, "cisco-win-stale-proxy-auth")
	var en, ja bytes.Buffer
	findings := Evaluate(fams, now, DefaultThresholds)
	Render(&en, findings, "en", "docs/runbooks.md")
	Render(&ja, findings, "ja", "docs/runbooks.md")
	for _, want := range []string{"proxy", "sfc.exe -forceupdate", "4294965196", "docs/runbooks.md#ciscotetradefinitionsstale"} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("English output lacks %q:\n%s", want, en.String())
		}
	}
	for _, want := range []string{"プロキシが認証を要求", "sfc.exe -forceupdate", "警告"} {
		if !strings.Contains(ja.String(), want) {
			t.Errorf("Japanese output lacks %q:\n%s", want, ja.String())
		}
	}
}

func TestKeyUpdatePendingSaysRunTheWakeUpTwice(t *testing.T) {
	fams := []*dto.MetricFamily{
		gauge("secagent_agent_installed", 1, "agent", "mcafee_agent"),
		gauge("epo_agent_key_update_pending", 1),
		gauge("epo_last_asci_success", 0),
		gauge("epo_agent_managed", 1),
	}
	findings := Evaluate(fams, time.Now(), DefaultThresholds)
	var b bytes.Buffer
	Render(&b, findings, "ja", "docs/runbooks.md")
	if !strings.Contains(b.String(), "もう一度実行") || !strings.Contains(b.String(), "2048bit") {
		t.Fatalf("sources.md S1 remedy missing:\n%s", b.String())
	}
}

func TestEveryDocumentedFaultHasARemedy(t *testing.T) {
	for _, id := range []int{5, 6, 7, 8, 9, 11, 16, 18, 19} {
		if r, ok := faultRemedies[id]; !ok || r.EN == "" || r.JA == "" {
			t.Errorf("fault %d has no remedy in both languages", id)
		}
	}
}

func gauge(name string, v float64, labels ...string) *dto.MetricFamily {
	m := &dto.Metric{Gauge: &dto.Gauge{Value: &v}}
	for i := 0; i+1 < len(labels); i += 2 {
		n, val := labels[i], labels[i+1]
		m.Label = append(m.Label, &dto.LabelPair{Name: &n, Value: &val})
	}
	typ := dto.MetricType_GAUGE
	return &dto.MetricFamily{Name: &name, Type: &typ, Metric: []*dto.Metric{m}}
}

// Every runbook diagnose points at is a section of docs/runbooks.md.
func TestRunbookSectionsExist(t *testing.T) {
	src, err := os.ReadFile("checks.go")
	if err != nil {
		t.Fatal(err)
	}
	book, err := os.ReadFile(filepath.Join("..", "..", "docs", "runbooks.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`Runbook: "([A-Za-z]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(names) < 10 {
		t.Fatalf("found only %d runbook references", len(names))
	}
	for _, m := range names {
		if !strings.Contains(string(book), "\n### "+m[1]+"\n") {
			t.Errorf("docs/runbooks.md has no section %q", m[1])
		}
	}
}

func TestQualysPlatformRemedyFollowsTheOS(t *testing.T) {
	win, linux := qualysPlatformRemedy("windows"), qualysPlatformRemedy("linux")
	for _, r := range []Text{win} {
		if strings.Contains(r.EN+r.JA, "/etc/") {
			t.Errorf("Windows advice cites a Linux path: %q", r.EN)
		}
		if !strings.Contains(r.EN, "QualysProxy.exe") || !strings.Contains(r.JA, "QualysProxy.exe") {
			t.Errorf("Windows advice does not name QualysProxy.exe: %q / %q", r.EN, r.JA)
		}
	}
	if !strings.Contains(linux.EN, "/etc/sysconfig") {
		t.Errorf("Linux advice lost the environment file: %q", linux.EN)
	}
}
