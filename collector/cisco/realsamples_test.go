package cisco

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock/wallclocktest"
)

// The install-root listing of a real 7.4.1.20439 host, as the vendor health checker logged it
// (CiscoSecurity/amp-05-health-checker-windows amp_health_checker_log.log, sources.md S6): the
// 7.3.15 directory left by the upgrade must lose to 7.4.1.20439. The public 8.2.3.30119 path
// (`C:\Program Files\Cisco\AMP\8.2.3.30119\AmpCLI.exe posture`) must win over both.
func TestRealInstallRootListing(t *testing.T) {
	listing := []string{"7.3.15", "7.4.1.20439", "apde", "cache.db", "clamav", "config", "credo", "elam",
		"endpointisolation", "event.db", "exprev", "filetypes.xml", "heuristic", "history.db", "historyex.db",
		"ioc", "jobs.db", "local.old", "local.xml", "nfm_cache.db", "nfm_url_file_map.db", "policy.xml",
		"Quarantine", "tetra", "tmp", "update", "URLScanner",
		"cache.db-shm", "cache.db-wal", "installed_app.csv", "running_process.csv", "systeminfo.txt",
		"ApplicationEvtLog.evtx", "SystemEvtLog.evtx"}
	for _, tc := range []struct {
		name  string
		names []string
		want  string
	}{
		{"7.4.1 host with the 7.3.15 leftover", listing, "7.4.1.20439"},
		{"8.2.3 upgrade", append([]string{"8.2.3.30119"}, listing...), "8.2.3.30119"},
	} {
		got, ok := NewestVersionDir(tc.names, nil)
		if !ok || got != tc.want {
			t.Errorf("%s: NewestVersionDir = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}

// `ampcli status` of Cisco doc 220575 (sources.md S8), in the other shapes a collector meets:
// run as `ampcli status` (no prompt echo), with CRLF line ends, and after the interactive banner
// of Cisco doc 215256 (sources.md S7) with the command on the prompt line.
func TestRealAmpcliStatusShapes(t *testing.T) {
	raw, err := os.ReadFile("testdata/ampcli_status_fault18_major.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	noPrompt := strings.Replace(doc, "ampcli> status\n", "", 1)
	banner := "ampcli - Cisco Secure Endpoint Connector Command Line Interface\n" +
		"Interactive mode\n" +
		"Enter 'q' or Ctrl+c to Exit\n" +
		"[logger] Set minimum reported log level to notice\n" +
		"Trying to connect...\n" +
		"Connected.\n"
	tokyo := time.FixedZone("JST", 9*3600)
	for name, out := range map[string]string{
		"as printed":        doc,
		"no prompt echo":    noPrompt,
		"CRLF":              strings.ReplaceAll(doc, "\n", "\r\n"),
		"behind the banner": banner + doc + "ampcli> \n",
	} {
		st, err := ParseAmpcliStatus([]byte(out), tokyo)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !st.Connected || !st.Degraded || st.Scan != "Ready for scan" ||
			!st.LastScan.Equal(time.Date(2023, 6, 19, 14, 2, 3, 0, tokyo)) ||
			st.PolicyName != "Audit Policy for FireAMP Linux" || st.PolicySerial == nil || *st.PolicySerial != 1 ||
			st.Fields["Command-line"] != "Enabled" || st.Fields["Orbital"] != "Disabled" ||
			st.Fields["Behavioural Protection"] != "Protect" ||
			len(st.FaultCounts) != 1 || st.FaultCounts[SeverityMajor] != 1 {
			t.Errorf("%s: %+v", name, st)
		}
		if len(st.Faults) != 1 || st.Faults[0].ID != 18 || st.Faults[0].Severity != SeverityMajor || !st.Faults[0].Known ||
			!strings.HasPrefix(st.Faults[0].Message, "Connector event monitoring is overloaded.") || strings.HasSuffix(st.Faults[0].Message, "\r") {
			t.Errorf("%s: faults %+v", name, st.Faults)
		}
	}
}

// local.xml of the 7.4.x layout with the real uuid and `1,dv:85626` (sources.md S6), as a Windows
// editor or the connector could leave it: UTF-8 BOM and CRLF line ends.
func TestRealLocalXMLBOMCRLF(t *testing.T) {
	raw, err := os.ReadFile("testdata/local_defversions.xml")
	if err != nil {
		t.Fatal(err)
	}
	b := append([]byte("\xEF\xBB\xBF"), strings.ReplaceAll(string(raw), "\n", "\r\n")...)
	l, err := ParseLocalXML(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := l.TetraVersion(); !ok || v != 85626 || l.AgentUUID != "e1bff43d-9395-438a-ad02-e6d094ca31d7" || !l.SkipTetra {
		t.Errorf("local.xml with BOM and CRLF: %+v", l)
	}
}

// policy.xml of the "Protect Policy" host (sources.md S6 real values) with a UTF-8 BOM and
// CRLF line ends.
func TestRealPolicyXMLBOMCRLF(t *testing.T) {
	raw, err := os.ReadFile("testdata/policy_xmldsig.xml")
	if err != nil {
		t.Fatal(err)
	}
	b := append([]byte("\xEF\xBB\xBF"), strings.ReplaceAll(string(raw), "\n", "\r\n")...)
	p, err := ParsePolicyXML(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Serial == nil || *p.Serial != 871 || p.UUID != "ef391d36-b6ee-4832-ba61-0bda3d655236" || p.Name != "Protect Policy" ||
		p.TetraEnabled == nil || !*p.TetraEnabled || p.TetraUpdateEnabled == nil || !*p.TetraUpdateEnabled ||
		p.TetraUpdateServer != "tetra-defs.amp.cisco.com" || p.TetraUpdateInterval != time.Hour ||
		p.HeartbeatInterval != 900*time.Second || p.LogLevel == nil || *p.LogLevel != 0 || p.DebugLogging {
		t.Errorf("policy.xml with BOM and CRLF: %+v", p)
	}
}

// "Last Scan" is local time, 12-hour clock, no zone (Cisco doc 220575, sources.md S8): a scan
// in the repeated or skipped DST hour is read as the other vendor parsers read such times.
func TestRealLastScanAtDSTEdges(t *testing.T) {
	newYork := wallclocktest.Zone(t, "America/New_York")
	berlin := wallclocktest.Zone(t, "Europe/Berlin")
	for _, tc := range []struct {
		loc  *time.Location
		scan string
		want string
	}{
		{newYork, "2023-03-12 02:30:00 AM", "2023-03-12T07:30:00Z"},
		{newYork, "2023-11-05 01:30:00 AM", "2023-11-05T05:30:00Z"},
		{berlin, "2023-10-29 02:30:00 AM", "2023-10-29T00:30:00Z"},
		{berlin, "2023-03-26 02:30:00 AM", "2023-03-26T01:30:00Z"},
		{berlin, "2023-06-19 02:02:03 PM", "2023-06-19T12:02:03Z"},
	} {
		st, err := ParseAmpcliStatus([]byte("Status: Connected\nLast Scan: "+tc.scan+"\n"), tc.loc)
		if err != nil || st.LastScan.UTC().Format(time.RFC3339) != tc.want {
			t.Errorf("Last Scan %q in %v = %v, %v; want %s", tc.scan, tc.loc, st.LastScan.UTC(), err, tc.want)
		}
	}
}
