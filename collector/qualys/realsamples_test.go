package qualys

import (
	"fmt"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock/wallclocktest"
)

// Log lines in the shapes the public material documents (no real agent line is public, so the
// messages are placeholders; the headers are what is checked):
//   - the Poco template of qagent-log.conf as broadinstitute/puppet-qualys_agent ships it,
//     "%Y-%m-%d %H:%M:%S.%i [%s][%P]:[%p]:%t" with "times: local" (sources.md S9), once per
//     Poco priority name;
//   - the newer "YYYY-MM-DD HH:MM:SS.mmm +0000 [process][PID]:[Level]:[ThreadID]:Message"
//     variant a third-party log viewer's README documents (sources.md S9), with a non-UTC
//     offset and without the thread id, which the documented grammar makes optional.
func TestRealLogLineShapes(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	local := time.Date(2026, 11, 20, 8, 0, 0, 15e6, tokyo)
	for _, tc := range []struct {
		line   string
		time   time.Time
		zoned  bool
		proc   string
		pid    int
		level  string
		sev    string
		thread string
		msg    string
	}{
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Fatal]:m", local, false, "qualys-cloud-agent", 2101, "Fatal", SeverityFatal, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Critical]:m", local, false, "qualys-cloud-agent", 2101, "Critical", SeverityCritical, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Error]:m", local, false, "qualys-cloud-agent", 2101, "Error", SeverityError, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Warning]:m", local, false, "qualys-cloud-agent", 2101, "Warning", SeverityWarning, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Notice]:m", local, false, "qualys-cloud-agent", 2101, "Notice", SeverityNotice, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Information]:m", local, false, "qualys-cloud-agent", 2101, "Information", SeverityInfo, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Debug]:m", local, false, "qualys-cloud-agent", 2101, "Debug", SeverityDebug, "", "m"},
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Trace]:m", local, false, "qualys-cloud-agent", 2101, "Trace", SeverityTrace, "", "m"},
		// Messages with colons and brackets stay whole.
		{"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Error]:[ERROR] Http request failed: url: https://x/", local, false,
			"qualys-cloud-agent", 2101, "Error", SeverityError, "", "[ERROR] Http request failed: url: https://x/"},
		{"2026-11-20 09:00:00.001 +0000 [qualys-cloud-agent][3141]:[Info]:[3150]:CAPI event successfully completed",
			time.Date(2026, 11, 20, 9, 0, 0, 1e6, time.UTC), true, "qualys-cloud-agent", 3141, "Info", SeverityInfo, "3150", "CAPI event successfully completed"},
		{"2026-11-20 04:00:00.001 -0500 [qualys-cep][3142]:[Warning]:[3160]:m",
			time.Date(2026, 11, 20, 9, 0, 0, 1e6, time.UTC), true, "qualys-cep", 3142, "Warning", SeverityWarning, "3160", "m"},
		{"2026-11-20 09:00:00.001 +0000 [qualys-cloud-agent][3141]:[Info]:no thread id",
			time.Date(2026, 11, 20, 9, 0, 0, 1e6, time.UTC), true, "qualys-cloud-agent", 3141, "Info", SeverityInfo, "", "no thread id"},
	} {
		l, ok := ParseLogLine(tc.line, tokyo)
		if !ok {
			t.Errorf("ParseLogLine(%q) rejected", tc.line)
			continue
		}
		if !documentedLogRegexp.MatchString(tc.line) {
			t.Errorf("%q does not match the documented grammar", tc.line)
		}
		if !l.Time.Equal(tc.time) || l.ZoneWritten != tc.zoned || l.Process != tc.proc || l.PID != tc.pid ||
			l.Level != tc.level || l.Severity != tc.sev || l.Thread != tc.thread || l.Message != tc.msg {
			t.Errorf("ParseLogLine(%q) = %+v", tc.line, l)
		}
	}
}

// qualys-cloud-agent.conf with the trailing whitespace the documentation mentions and the
// puppet template's vendor comment block (sources.md S9).
func TestRealAgentConfTrailingWhitespace(t *testing.T) {
	conf := "#Config File\n" +
		"#LogLevel: Higher value means more verbose. 0=fatal, 1=error, 2=warning, 3=info, 4=debug, 5=tracing\n" +
		"LogLevel=3 \n" +
		"UseAuditDispatcher=0\t\n" +
		"RequestTimeOut=600  \n" +
		"ServerUri=https://qagpublic.qg3.apps.qualys.com/CloudAgent/ \n"
	c, err := ParseAgentConf([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	if c.LogLevel == nil || *c.LogLevel != 3 || c.UseAuditDispatcher == nil || *c.UseAuditDispatcher ||
		c.RequestTimeOut == nil || *c.RequestTimeOut != 600 || c.ServerURI != "qagpublic.qg3.apps.qualys.com:443" ||
		len(c.InvalidKeys) != 0 || len(c.UnknownKeys) != 0 || c.MalformedLines != 0 {
		t.Errorf("got %+v", c)
	}
}

// qagent-log.conf writes "times: local" without a zone (sources.md S9): a line in the
// repeated or skipped DST hour is read as every vendor parser reads it, the earlier instant
// of a repeated hour and the pre-gap offset in a skipped one. The syslog copy (RFC 3164
// timestamp, sources.md S17) agrees.
func TestRealLogTimesAtDSTEdges(t *testing.T) {
	berlin := wallclocktest.Zone(t, "Europe/Berlin")
	newYork := wallclocktest.Zone(t, "America/New_York")
	months := map[time.Month]string{time.March: "Mar", time.October: "Oct", time.November: "Nov"}
	for _, tc := range []struct {
		loc     *time.Location
		y, d, h int
		m       time.Month
		want    string
	}{
		{berlin, 2023, 29, 2, time.October, "2023-10-29T00:30:00Z"},
		{berlin, 2023, 26, 2, time.March, "2023-03-26T01:30:00Z"},
		{newYork, 2023, 5, 1, time.November, "2023-11-05T05:30:00Z"},
		{newYork, 2023, 12, 2, time.March, "2023-03-12T07:30:00Z"},
	} {
		line := fmt.Sprintf("%04d-%02d-%02d %02d:30:00.000 [qualys-cloud-agent][2101]:[Information]:m", tc.y, tc.m, tc.d, tc.h)
		l, ok := ParseLogLine(line, tc.loc)
		if !ok || l.Time.UTC().Format(time.RFC3339) != tc.want {
			t.Errorf("ParseLogLine(%q) in %v = %v, %v; want %s", line, tc.loc, l.Time.UTC(), ok, tc.want)
		}
		sys := fmt.Sprintf("%s %2d %02d:30:00 web01 qualys-cloud-agent: [2101]:[Information]:m", months[tc.m], tc.d, tc.h)
		now := time.Date(tc.y, 12, 31, 0, 0, 0, 0, time.UTC)
		sl, ours, ok := ParseSyslogLine(sys, tc.loc, now)
		if !ok || !ours || sl.Time.UTC().Format(time.RFC3339) != tc.want {
			t.Errorf("ParseSyslogLine(%q) in %v = %v, %v %v; want %s", sys, tc.loc, sl.Time.UTC(), ours, ok, tc.want)
		}
	}
}
