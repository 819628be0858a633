package diagnose

import (
	"bytes"
	"fmt"
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

	"github.com/secagent-exporter/secagent_exporter/internal/knowledge"
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
		{"demo", []string{"CiscoConnectorEventMonitoringOverloaded", "McAfeeAgentASCIStale"}},
		{"mcafee-healthy", nil},
		{"mcafee-sequence-rejected", []string{"McAfeeAgentSequenceRejected"}},
		{"cisco-win-healthy", nil},
		{"cisco-win-stale-proxy-auth", []string{"CiscoConnectorDisconnected", "CiscoTetraDefinitionsStale", "CiscoTetraUpdateProxyError"}},
		{"cisco-linux-fault18", []string{"CiscoConnectorEventMonitoringOverloaded"}},
		{"cisco-linux-selinux-bpf-missing", []string{"CiscoConnectorSELinuxPolicyMissing"}},
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
	for _, want := range []string{"proxy requires authentication", "sfc.exe -forceupdate", "4294965196", "Proxy tab",
		"docs/runbooks.md#ciscotetradefinitionsstale", "docs/runbooks.md#ciscotetraupdateproxyerror", "sources: sources.md S3"} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("English output lacks %q:\n%s", want, en.String())
		}
	}
	for _, want := range []string{"プロキシが認証を要求", "sfc.exe -forceupdate", "警告",
		"docs/runbooks.ja.md#ciscotetraupdateproxyerror", "参照: sources.md S3"} {
		if !strings.Contains(ja.String(), want) {
			t.Errorf("Japanese output lacks %q:\n%s", want, ja.String())
		}
	}
	if strings.Contains(ja.String(), "docs/runbooks.md#") {
		t.Errorf("Japanese output links the English runbook:\n%s", ja.String())
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
	Render(&b, findings, "ja", "https://example.org/docs/runbooks.md")
	for _, want := range []string{"2 回実行", "2048bit", "cmdagent /c", "https://example.org/docs/runbooks.ja.md#mcafeeagentkeyupdatepending", "参照: KB74194, sources.md S1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("sources.md S1 remedy lacks %q:\n%s", want, b.String())
		}
	}
}

// An active fault is explained by the alert dedicated to its id, as in alerts/rules, and
// an id without one by CiscoConnectorFaultActive.
func TestFaultsUseTheirDedicatedRunbook(t *testing.T) {
	for _, id := range []int{5, 6, 7, 8, 9, 11, 16, 18, 19} {
		row, ok := knowledge.Default.ByFault(id)
		if !ok {
			t.Errorf("fault %d has no row in internal/knowledge", id)
			continue
		}
		f := faultFinding(fmt.Sprint(id), "x")
		if f.Runbook != row.Alert || f.Remedy.EN == "" || f.Remedy.JA == "" {
			t.Errorf("fault %d: runbook %q, remedy %q / %q; want row %s", id, f.Runbook, f.Remedy.EN, f.Remedy.JA, row.Alert)
		}
	}
	if f := faultFinding("42", "New fault"); f.Runbook != "CiscoConnectorFaultActive" || !strings.Contains(f.Problem.EN, "New fault") {
		t.Errorf("unknown fault: %+v", f)
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

// allFindings evaluates every fixture host and a few hand-made hosts that reach the checks
// no fixture reaches.
func allFindings(t *testing.T) []Finding {
	var out []Finding
	for _, sc := range []string{"demo", "mcafee-sequence-rejected", "cisco-win-stale-proxy-auth", "cisco-linux-fault18",
		"cisco-linux-selinux-bpf-missing", "qualys-fim-audit-conflict", "qualys-proxy-unreachable", "linux-broken-procfs",
		"epo-server-sequence-errors"} {
		fams, now := goldenFamilies(t, sc)
		out = append(out, Evaluate(fams, now, DefaultThresholds)...)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	hosts := [][]*dto.MetricFamily{
		{gauge("secagent_agent_installed", 1, "agent", "mcafee_agent"), gauge("epo_agent_key_update_pending", 1),
			gauge("epo_last_asci_success", 0), gauge("epo_agent_managed", 1), gauge("epo_last_asci_success_timestamp_seconds", 1)},
		{gauge("secagent_agent_installed", 1, "agent", "cisco_secure_endpoint"), gauge("connector_running", 0),
			gauge("connector_isolated", 1), gauge("selinux_enforcing", 1), gauge("selinux_bpf_module_loaded", 0),
			gauge("kernel_btf_available", 0), gauge("kernel_headers_installed", 0), gauge("connector_scan_user_present", 0)},
		{gauge("secagent_agent_installed", 1, "agent", "cisco_secure_endpoint"), gauge("connector_running", 1), gauge("connector_connected", 0)},
		{gauge("secagent_agent_installed", 1, "agent", "qualys_cloud_agent"), gauge("qualys_agent_running", 0)},
		{gauge("secagent_probe_success", 0, "agent", "mcafee_agent", "target", "epo:443"),
			gauge("secagent_probe_tls_cert_not_after_timestamp_seconds", float64(now.Add(time.Hour).Unix()), "agent", "qualys_cloud_agent", "target", "qagpublic:443")},
	}
	for _, h := range hosts {
		out = append(out, Evaluate(h, now, DefaultThresholds)...)
	}
	return out
}

// A finding that names a runbook prints exactly the remedy and citations of that alert's
// row in internal/knowledge, in both languages.
func TestRemedyIsTheTableRow(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range allFindings(t) {
		if f.Runbook == "" {
			continue
		}
		row, ok := knowledge.Lookup(f.Runbook)
		if !ok {
			t.Errorf("finding names runbook %s, which has no row", f.Runbook)
			continue
		}
		seen[f.Runbook] = true
		if f.Remedy.EN != row.RemedyText("en") || f.Remedy.JA != row.RemedyText("ja") {
			t.Errorf("%s: remedy %q / %q is not the row's %q / %q", f.Runbook, f.Remedy.EN, f.Remedy.JA, row.RemedyText("en"), row.RemedyText("ja"))
		}
		if strings.Join(f.References, ",") != strings.Join(row.References(), ",") {
			t.Errorf("%s: references %v, row %v", f.Runbook, f.References, row.References())
		}
	}
	// Every runbook a check can name was reached above.
	src, err := os.ReadFile("checks.go")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`runbook\((?:Warning|Critical|Info|sev), "([A-Za-z]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(names) < 15 {
		t.Fatalf("found only %d runbook references in checks.go", len(names))
	}
	for _, m := range names {
		if _, ok := knowledge.Lookup(m[1]); !ok {
			t.Errorf("checks.go names runbook %s, which has no row in internal/knowledge", m[1])
		}
		if !seen[m[1]] {
			t.Errorf("no test host reaches the %s finding", m[1])
		}
	}
}

// Only findings without a runbook carry their own remedy text: a Finding literal that sets
// Runbook would bypass the table.
func TestNoInlineRemedyNextToARunbook(t *testing.T) {
	src, err := os.ReadFile("checks.go")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`Finding\{[^}]*Runbook: "`).Match(src) {
		t.Error("checks.go builds a Finding with a Runbook by hand; use runbook() so the remedy comes from internal/knowledge")
	}
}

func TestQualysPlatformRemedyNamesBothPlatforms(t *testing.T) {
	row, _ := knowledge.Lookup("QualysPlatformUnreachable")
	for _, lang := range knowledge.Languages {
		r := row.RemedyText(lang)
		for _, want := range []string{"QualysProxy.exe", "/etc/sysconfig/qualys-cloud-agent", "qualys_https_proxy"} {
			if !strings.Contains(r, want) {
				t.Errorf("%s remedy lacks %s: %q", lang, want, r)
			}
		}
	}
}
