package qualys

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// documentedLogRegexp is the grammar of the Qualys Linux log (sources.md S9); ParseLogLine must agree with it.
var documentedLogRegexp = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})(?: ([+-]\d{4}))? \[([^\]]+)\]\[(\d+)\]:\[(\w+)\]:(?:\[(\d+)\]:)?(.*)$`)

// splitRecords groups lines into records the way the collector does: a line that is not a
// record start belongs to the record before it.
func splitRecords(text string) []string {
	var records []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if IsRecordStart(line) || len(records) == 0 {
			records = append(records, line)
			continue
		}
		records[len(records)-1] += "\n" + line
	}
	return records
}

func TestParseLogLineRecords(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	cases := []struct {
		file string
		want []LogLine
	}{
		{"log/poco-template.log", []LogLine{
			{Time: time.Date(2026, 11, 20, 8, 0, 0, 15e6, tokyo), Process: "qualys-cloud-agent", PID: 2101, Level: "Information", Severity: SeverityInfo,
				Message: "Qualys Cloud Agent service started, version 6.1.0.28"},
			{Time: time.Date(2026, 11, 20, 8, 0, 2, 480e6, tokyo), Process: "qualys-cloud-agent", PID: 2101, Level: "Information", Severity: SeverityInfo,
				Message: "CAPI request: POST /CloudAgent/ca/provision",
				Payload: "{\n    \"hostname\": \"web-01.corp.example\",\n    \"os\": \"Red Hat Enterprise Linux 9.4\",\n    \"agentUuid\": \"6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f\",\n    \"version\": \"6.1.0.28\",\n    \"ipv4\": \"192.0.2.10\"\n}"},
			{Time: time.Date(2026, 11, 20, 8, 0, 3, 112e6, tokyo), Process: "qualys-cloud-agent", PID: 2101, Level: "Information", Severity: SeverityInfo,
				Message: "CAPI event successfully completed"},
		}},
		{"log/zoned-variant.log", []LogLine{
			{Time: time.Date(2026, 11, 20, 9, 0, 0, 1e6, time.UTC), ZoneWritten: true, Process: "qualys-cloud-agent", PID: 3141, Level: "Info", Severity: SeverityInfo,
				Thread: "3141", Message: "Starting Qualys Cloud Agent"},
			{Time: time.Date(2026, 11, 20, 9, 0, 1, 250e6, time.UTC), ZoneWritten: true, Process: "qualys-cloud-agent", PID: 3141, Level: "Info", Severity: SeverityInfo,
				Thread: "3150", Message: "CAPI response:",
				Payload: `{"agentUuid":"6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f","fqdn":"web-01.corp.example","cloudProvider":"NONE"}`},
			{Time: time.Date(2026, 11, 20, 9, 0, 1, 300e6, time.UTC), ZoneWritten: true, Process: "qualys-cloud-agent", PID: 3141, Level: "Info", Severity: SeverityInfo,
				Thread: "3150", Message: "CAPI event successfully completed"},
			{Time: time.Date(2026, 11, 20, 0, 5, 0, 0, time.UTC), ZoneWritten: true, Process: "qualys-cloud-agent", PID: 3141, Level: "Error", Severity: SeverityError,
				Thread: "3150", Message: "CAPI request failed: Couldn't resolve host name"},
			{Time: time.Date(2026, 11, 20, 14, 36, 0, 0, time.UTC), ZoneWritten: true, Process: "qualys-cep", PID: 3142, Level: "Debug", Severity: SeverityDebug,
				Message: "heartbeat"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			records := splitRecords(string(readTestdata(t, tc.file)))
			for i, want := range tc.want {
				got, ok := ParseLogLine(records[i], tokyo)
				if !ok {
					t.Fatalf("record %d not parsed: %q", i, records[i])
				}
				if !got.Time.Equal(want.Time) {
					t.Errorf("record %d time %v, want %v", i, got.Time, want.Time)
				}
				got.Time, want.Time = time.Time{}, time.Time{}
				if got != want {
					t.Errorf("record %d\ngot  %+v\nwant %+v", i, got, want)
				}
			}
			for i, r := range records {
				if _, ok := ParseLogLine(r, tokyo); !ok {
					t.Errorf("record %d not parsed: %q", i, r)
				}
			}
		})
	}
}

func TestParseLogLineRejects(t *testing.T) {
	for _, line := range []string{
		"",
		"{",
		`    "hostname": "web-01",`,
		"2026-11-20 08:00:00.015 [qualys-cloud-agent][2101]:[Information] missing colon",
		"2026-11-20 08:00:00.015 [][2101]:[Information]:empty source",
		"2026-11-20 08:00:00.015 [src][]:[Information]:empty pid",
		"2026-11-20 08:00:00.015 [src][99999999999]:[Information]:pid overflow",
		"2026-11-20 08:00:00.015 [src][1]:[Info rmation]:level with space",
		"2026-02-30 08:00:00.015 [src][1]:[Info]:no such day",
		"2026-11-20 24:00:00.015 [src][1]:[Info]:hour 24",
		"2026-11-20 08:00:00.015 +2460 [src][1]:[Info]:bad zone",
		"2026-11-20 08:00:00,015 [src][1]:[Info]:comma fraction",
		"2026/11/20 08:00:00.015 [src][1]:[Info]:slashes (Windows Log.txt guess, not this grammar)",
	} {
		if l, ok := ParseLogLine(line, time.UTC); ok {
			t.Errorf("ParseLogLine(%q) accepted: %+v", line, l)
		}
	}
}

func TestParseLogLineEdges(t *testing.T) {
	// CRLF, a thread-like prefix that is not followed by ':' stays in the message, nil loc is UTC.
	l, ok := ParseLogLine("2024-02-29 23:59:59.999 [a[b][7]:[FATAL]:[12] not a thread\r", nil)
	if !ok || l.Process != "a[b" || l.Thread != "" || l.Message != "[12] not a thread" || l.Severity != SeverityFatal ||
		!l.Time.Equal(time.Date(2024, 2, 29, 23, 59, 59, 999e6, time.UTC)) {
		t.Fatalf("got %+v, %v", l, ok)
	}
	l, ok = ParseLogLine("2026-11-20 08:00:00.000 [x][1]:[Verbose]:", time.UTC)
	if !ok || l.Severity != SeverityOther || l.Message != "" {
		t.Fatalf("got %+v, %v", l, ok)
	}
}

func TestNormalizeSeverity(t *testing.T) {
	for in, want := range map[string]string{
		"Fatal": SeverityFatal, "Critical": SeverityCritical, "Error": SeverityError, "ERROR": SeverityError,
		"Warning": SeverityWarning, "warn": SeverityWarning, "Notice": SeverityNotice, "Information": SeverityInfo,
		"Info": SeverityInfo, "Debug": SeverityDebug, "Trace": SeverityTrace, "x": SeverityOther,
	} {
		if got := NormalizeSeverity(in); got != want {
			t.Errorf("NormalizeSeverity(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseLogLine(f *testing.F) {
	for _, file := range []string{"log/poco-template.log", "log/zoned-variant.log"} {
		for _, r := range splitRecords(string(readTestdata(f, file))) {
			f.Add(r)
		}
	}
	f.Add("2026-11-20 08:00:00.000 -0530 [p][1]:[Warn]:[2]:x")
	f.Fuzz(func(t *testing.T, line string) {
		l, ok := ParseLogLine(line, time.UTC)
		first, _, _ := strings.Cut(line, "\n")
		first = strings.TrimSuffix(first, "\r")
		if ok && !IsRecordStart(first) {
			t.Fatalf("parsed a line IsRecordStart rejects: %q", line)
		}
		m := documentedLogRegexp.FindStringSubmatch(first)
		if !ok {
			if m == nil {
				return
			}
			// The regexp does not check the calendar or the pid range; ParseLogLine does.
			_, terr := time.Parse("2006-01-02 15:04:05.000", m[1])
			_, perr := strconv.ParseInt(m[4], 10, 32)
			zoneBad := m[2] != "" && (m[2][1:3] > "23" || m[2][3:5] > "59")
			if terr == nil && perr == nil && !zoneBad {
				t.Fatalf("regexp matches but ParseLogLine rejects %q", first)
			}
			return
		}
		if m == nil {
			t.Fatalf("ParseLogLine accepts %q, the regexp does not", first)
		}
		pid, _ := strconv.ParseInt(m[4], 10, 32)
		if l.Process != m[3] || int64(l.PID) != pid ||
			l.Level != m[5] || l.Thread != m[6] || l.Message != m[7] || l.ZoneWritten != (m[2] != "") {
			t.Fatalf("disagrees with the regexp on %q:\n%+v\n%q", first, l, m)
		}
		if l.Time.Format("2006-01-02 15:04:05.000") != m[1] {
			t.Fatalf("time %v does not render back to %q", l.Time, m[1])
		}
		found := false
		for _, s := range Severities {
			found = found || s == l.Severity
		}
		if !found {
			t.Fatalf("severity %q outside the closed set", l.Severity)
		}
	})
}

func FuzzIsRecordStart(f *testing.F) {
	f.Add("2026-11-20 08:00:00.000 +0000 [p][1]:[Info]:[2]:x")
	f.Add("{")
	f.Fuzz(func(t *testing.T, line string) {
		if !IsRecordStart(line) {
			if _, ok := ParseLogLine(line, time.UTC); ok && !strings.ContainsAny(line, "\r\n") {
				t.Fatalf("ParseLogLine accepts what IsRecordStart rejects: %q", line)
			}
		}
	})
}

func BenchmarkParseLogLine(b *testing.B) {
	line := "2026-11-20 09:00:01.300 +0000 [qualys-cloud-agent][3141]:[Info]:[3150]:CAPI event successfully completed"
	b.ReportAllocs()
	for b.Loop() {
		ParseLogLine(line, time.UTC)
	}
}

func BenchmarkDocumentedRegexp(b *testing.B) {
	line := "2026-11-20 09:00:01.300 +0000 [qualys-cloud-agent][3141]:[Info]:[3150]:CAPI event successfully completed"
	for b.Loop() {
		documentedLogRegexp.FindStringSubmatch(line)
	}
}
