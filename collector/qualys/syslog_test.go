package qualys

import (
	"strings"
	"testing"
	"time"
)

func TestHostIDFile(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want string
		ok   bool
	}{
		{"", "/etc/qualys/hostid", true},
		{"/etc", "/etc/qualys/hostid", true},
		{"/etc/", "/etc/qualys/hostid", true},
		{"/opt/site//ids", "/opt/site/ids/qualys/hostid", true},
		{"/", "/qualys/hostid", true},
		{"relative", "/etc/qualys/hostid", false},
		{"/etc/../root", "/etc/qualys/hostid", false},
	} {
		got, ok := HostIDFile(tc.dir)
		if got != tc.want || ok != tc.ok {
			t.Errorf("HostIDFile(%q) = %q, %v; want %q, %v", tc.dir, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLogDest(t *testing.T) {
	for in, want := range map[string]string{"": "file", "file": "file", "Syslog": "syslog", " syslog ": "syslog", "journal": "other"} {
		if got := LogDest(in); got != want {
			t.Errorf("LogDest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseSyslogLine(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	jan := time.Date(2027, 1, 2, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		line     string
		now      time.Time
		ours, ok bool
		time     time.Time
		pid      int
		severity string
		message  string
	}{
		{"rfc3164 with formatter", "Nov 20 11:58:01 el7host qualys-cloud-agent: [2841]:[Information]:CAPI event successfully completed",
			now, true, true, time.Date(2026, 11, 20, 11, 58, 1, 0, time.UTC), 2841, SeverityInfo, "CAPI event successfully completed"},
		{"rfc3164 padded day, LOG_PID tag", "Nov  2 03:04:05 h qualys-cloud-agent[77]: [77]:[Error]:Http request failed",
			now, true, true, time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC), 77, SeverityError, "Http request failed"},
		{"december line read in january", "Dec 31 23:59:59 h qualys-cloud-agent: [1]:[Warning]:x",
			jan, true, true, time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), 1, SeverityWarning, "x"},
		{"rfc3339 (Debian 12)", "2026-11-20T11:58:01.123456+09:00 deb12 qualys-cloud-agent[2841]: [2841]:[Notice]:hello",
			now, true, true, time.Date(2026, 11, 20, 2, 58, 1, 123456000, time.UTC), 2841, SeverityNotice, "hello"},
		{"no formatter prefix", "Nov 20 11:58:01 h qualys-cloud-agent: plain text",
			now, true, true, time.Date(2026, 11, 20, 11, 58, 1, 0, time.UTC), 0, SeverityOther, "plain text"},
		{"empty body", "Nov 20 11:58:01 h qualys-cloud-agent:", now, true, false, time.Date(2026, 11, 20, 11, 58, 1, 0, time.UTC), 0, SeverityOther, ""},
		{"other program", "Nov 20 11:58:01 h sshd[12]: Accepted publickey", now, false, false, time.Time{}, 0, "", ""},
		{"similar tag", "Nov 20 11:58:01 h qualys-cloud-agent-scan: x", now, false, false, time.Time{}, 0, "", ""},
		{"impossible date", "Feb 30 11:58:01 h qualys-cloud-agent: x", now, false, false, time.Time{}, 0, "", ""},
		{"bad hour", "Nov 20 25:58:01 h qualys-cloud-agent: x", now, false, false, time.Time{}, 0, "", ""},
		{"not syslog", "2026-11-20 09:00:01.123 [qualys-cloud-agent][1234]:[Information]:message", now, false, false, time.Time{}, 0, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, ours, ok := ParseSyslogLine(tc.line, time.UTC, tc.now)
			if ours != tc.ours || ok != tc.ok {
				t.Fatalf("ours, ok = %v, %v; want %v, %v", ours, ok, tc.ours, tc.ok)
			}
			if !ours {
				return
			}
			if !l.Time.Equal(tc.time) || l.PID != tc.pid || l.Severity != tc.severity || l.Message != tc.message {
				t.Errorf("got %+v", l)
			}
		})
	}
}

func FuzzParseSyslogLine(f *testing.F) {
	for _, s := range []string{
		"Nov 20 11:58:01 el7host qualys-cloud-agent: [2841]:[Information]:CAPI event successfully completed",
		"Nov  2 03:04:05 h qualys-cloud-agent[77]: [77]:[Error]:Http request failed",
		"2026-11-20T11:58:01.123456+09:00 deb12 qualys-cloud-agent[2841]: [2841]:[Notice]:hello",
		"Feb 29 00:00:00 h qualys-cloud-agent: [99999999999]:[x]:y",
		"Nov 20 11:58:01 h sshd[12]: Accepted",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line string) {
		l, ours, ok := ParseSyslogLine(line, time.UTC, now)
		if !ours {
			if ok {
				t.Fatal("ok without ours")
			}
			return
		}
		if !strings.Contains(line, SyslogTag) {
			t.Fatalf("a line without the tag was taken as the agent's: %q", line)
		}
		if ok && l.Message == "" {
			t.Fatal("ok with an empty message")
		}
		if !l.ZoneWritten && l.Time.After(now.Add(24*time.Hour)) {
			t.Fatalf("a year-less time %v lies more than a day after now", l.Time)
		}
		if l.Severity == "" {
			t.Fatal("empty severity")
		}
	})
}
