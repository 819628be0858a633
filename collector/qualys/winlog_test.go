package qualys

import (
	"strings"
	"testing"
	"time"
)

// splitWindowsRecords groups Log.txt lines the way the collector's tailer does.
func splitWindowsRecords(text string) []string {
	var records []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if IsWindowsRecordStart(line) || len(records) == 0 {
			records = append(records, line)
			continue
		}
		records[len(records)-1] += "\n" + line
	}
	return records
}

func TestParseWindowsLogLine(t *testing.T) {
	records := splitWindowsRecords(string(readTestdata(t, "winlog/log-txt-heuristic.txt")))
	want := []LogLine{
		{Time: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Level: "Information", Severity: SeverityInfo,
			Message: "Qualys Cloud Agent service started, version 5.9.0.12"},
		{Time: time.Date(2026, 11, 20, 9, 5, 0, 123e6, time.UTC), Level: "Error", Severity: SeverityError,
			Message: "Http request failed, WinHTTP error 12029"},
		{Time: time.Date(2026, 11, 20, 9, 5, 1, 500e6, time.UTC), Level: "Error", Severity: SeverityError,
			Message: "CAPI event failed"},
		{Time: time.Date(2026, 11, 20, 9, 10, 0, 0, time.UTC), Severity: SeverityOther,
			Message: "CAPI event successfully completed", Payload: `{"agentUuid":"6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f"}`},
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d: %q", len(records), len(want), records)
	}
	for i, r := range records {
		got, ok := ParseWindowsLogLine(r, nil)
		if !ok || !got.Time.Equal(want[i].Time) || got.Level != want[i].Level || got.Severity != want[i].Severity ||
			got.Message != want[i].Message || got.Payload != want[i].Payload {
			t.Errorf("record %d: got %+v, %v\nwant %+v", i, got, ok, want[i])
		}
	}
	// Every winhttp line classifies with its code.
	m, ok := logClassifier.Classify(records[1][strings.Index(records[1], "Http"):])
	if !ok || m.Event != EventHTTPError {
		t.Errorf("classify %q: %+v", records[1], m)
	}
}

func TestParseWindowsLogLineLinuxGrammar(t *testing.T) {
	line := "2026-11-20 09:00:01.300 +0000 [qualys-cloud-agent][3141]:[Info]:[3150]:CAPI event successfully completed"
	l, ok := ParseWindowsLogLine(line, nil)
	if !ok || l.Process != "qualys-cloud-agent" || l.Thread != "3150" || l.Message != "CAPI event successfully completed" {
		t.Fatalf("%+v %v", l, ok)
	}
}

func TestParseWindowsLogLineRejects(t *testing.T) {
	for _, line := range []string{
		"", "{", "2026-11-20", "2026-13-20 09:00:00 x", "2026-02-30 09:00:00 x", "2026-11-20 24:00:00 x",
		"2026-11/20 09:00:00 x", "2026-11-20 09:00:001 x", "20261-11-20 09:00:00 x",
	} {
		if l, ok := ParseWindowsLogLine(line, time.UTC); ok {
			t.Errorf("accepted %q: %+v", line, l)
		}
	}
}

func FuzzParseWindowsLogLine(f *testing.F) {
	for _, r := range splitWindowsRecords(string(readTestdata(f, "winlog/log-txt-heuristic.txt"))) {
		f.Add(r)
	}
	f.Add("2026-11-20 09:00:00.1234567891 [")
	f.Fuzz(func(t *testing.T, line string) {
		l, ok := ParseWindowsLogLine(line, time.UTC)
		first, _, _ := strings.Cut(line, "\n")
		if !ok {
			return
		}
		if !IsWindowsRecordStart(strings.TrimSuffix(first, "\r")) {
			t.Fatalf("parsed a line IsWindowsRecordStart rejects: %q", line)
		}
		// The calendar fields render back to what was written (no roll-over of 02-30).
		if got := l.Time.Format("2006 01 02 15 04 05"); got != first[0:4]+" "+first[5:7]+" "+first[8:10]+" "+first[11:13]+" "+first[14:16]+" "+first[17:19] {
			t.Fatalf("time %v does not render back to %q", l.Time, first)
		}
		found := false
		for _, s := range Severities {
			found = found || s == l.Severity
		}
		if !found {
			t.Fatalf("severity %q outside the closed set", l.Severity)
		}
		if strings.Contains(l.Message, "\n") {
			t.Fatalf("message spans lines: %q", l.Message)
		}
	})
}
