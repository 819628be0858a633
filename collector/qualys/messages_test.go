package qualys

import (
	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"slices"
	"strings"
	"testing"
)

var logClassifier = msgtable.MustClassifier(LogMessages)

func TestLogMessagesTable(t *testing.T) {
	var names []string
	for _, e := range LogEvents {
		if e.Meaning == "" || (e.Outcome != "" && e.Outcome != OutcomeSuccess && e.Outcome != OutcomeFailure) {
			t.Errorf("event %q: bad documentation row %+v", e.Name, e)
		}
		names = append(names, e.Name)
	}
	used := map[string]bool{}
	for i, r := range LogMessages {
		if !slices.Contains(names, r.Event) {
			t.Errorf("rule %d: event %q is not in LogEvents", i, r.Event)
		}
		if r.Source == "" {
			t.Errorf("rule %d (%s): no source", i, r.Event)
		}
		if r.Lang != "" && r.Lang != "en" && r.Lang != "ja" {
			t.Errorf("rule %d (%s): lang %q", i, r.Event, r.Lang)
		}
		used[r.Event] = true
	}
	for _, n := range names {
		if !used[n] {
			t.Errorf("event %q has no rule", n)
		}
	}
}

func TestClassifyLogMessages(t *testing.T) {
	cases := []struct {
		msg    string
		event  string
		fields map[string]string
	}{
		// sources.md S9: the strings the third-party troubleshooting scripts grep for.
		{"CAPI event successfully completed", EventPlatformSuccess, nil},
		{"CAPI event failed", EventPlatformFailure, nil},
		{"CAPI request failed: Couldn't resolve host name", EventPlatformFailure, nil},
		{"[ERROR] Http request failed", EventHTTPError, map[string]string{"http_status": ""}},
		{"Http request failed with status 503", EventHTTPError, map[string]string{"http_status": "503"}},
		// Heuristic rows (UNVERIFIED wording).
		{"Proxy connect failed: Received HTTP code 407 from proxy after CONNECT", EventProxyError, nil},
		{"Couldn't resolve proxy name", EventProxyError, nil},
		{"プロキシへの接続に失敗しました", EventProxyError, nil},
		{"SSL certificate problem: unable to get local issuer certificate", EventTLSError, nil},
		{"Couldn't connect to server", EventNetworkError, nil},
		{"Timeout was reached", EventNetworkError, nil},
		{"FIM manifest download failed, will retry", EventManifestFailed, map[string]string{"module": "FIM"}},
		{"Manifest download failed", EventManifestFailed, map[string]string{"module": ""}},
		{"VM manifest downloaded, vulnsigs version 2.6.241-3", EventManifestDownloaded, map[string]string{"module": "VM"}},
		{"Downloading manifest", "", nil},
		{"FIM マニフェストのダウンロードに失敗しました", EventManifestFailed, nil},
		{"マニフェストをダウンロードしました", EventManifestDownloaded, nil},
		{"Current vulnsigs version: 2.6.241-3", EventVulnsigsVersion, map[string]string{"vulnsigs_version": "2.6.241-3"}},
		{"audit netlink socket busy, another process owns it; retrying in 600 seconds", EventFIMEventLoss, nil},
		{"netlink にアクセスできません", EventFIMEventLoss, nil},
		{"Qualys Cloud Agent service stopping", EventAgentStopped, nil},
		{"Starting Qualys Cloud Agent", EventAgentStarted, nil},
		{"Scan started", "", nil},
		{"WinHttpSendRequest failed with error 12029", EventWinHTTPError, map[string]string{"winhttp_code": "12029"}},
		{"uploaded 12029 bytes", "", nil},
		{"heartbeat", "", nil},
	}
	for _, tc := range cases {
		m, ok := logClassifier.Classify(tc.msg)
		if ok != (tc.event != "") || m.Event != tc.event {
			t.Errorf("Classify(%q) = %q, %v; want %q", tc.msg, m.Event, ok, tc.event)
			continue
		}
		for k, v := range tc.fields {
			if m.Fields[k] != v {
				t.Errorf("Classify(%q) field %s = %q, want %q", tc.msg, k, m.Fields[k], v)
			}
		}
	}
}

func TestClassifySyntheticLogs(t *testing.T) {
	// Every record of the synthetic logs is classified into the event its text was written for.
	want := map[string][]string{
		"log/poco-template.log": {EventAgentStarted, "", EventPlatformSuccess, EventManifestDownloaded, EventManifestFailed,
			EventFIMEventLoss, EventHTTPError, EventPlatformFailure, EventProxyError, EventAgentStopped},
		"log/zoned-variant.log": {EventAgentStarted, "", EventPlatformSuccess, EventPlatformFailure, ""},
	}
	for file, events := range want {
		records := splitRecords(string(readTestdata(t, file)))
		if len(records) != len(events) {
			t.Fatalf("%s: %d records, want %d", file, len(records), len(events))
		}
		for i, r := range records {
			l, ok := ParseLogLine(r, nil)
			if !ok {
				t.Fatalf("%s record %d not parsed", file, i)
			}
			m, _ := logClassifier.Classify(l.Message)
			if m.Event != events[i] {
				t.Errorf("%s record %d %q: event %q, want %q", file, i, l.Message, m.Event, events[i])
			}
		}
	}
}

func TestWinHTTPReason(t *testing.T) {
	cases := map[int]string{
		12002:       WinHTTPTimeout,
		12007:       WinHTTPDNS,
		12029:       WinHTTPConnect,
		12030:       WinHTTPConnectionReset,
		12038:       WinHTTPTLSCertificate,
		12045:       WinHTTPTLSCertificate,
		12175:       WinHTTPTLS,
		12178:       WinHTTPAutoProxy,
		12180:       WinHTTPAutoProxy,
		12057:       WinHTTPTLSRevocation, // not "proxy auth required" (sources.md S9)
		0x80072EFD:  WinHTTPConnect,       // HRESULT of 12029
		-2147012867: WinHTTPConnect,       // the same HRESULT as a signed int32
		12199:       WinHTTPOther,
		0:           WinHTTPOther,
		-1:          WinHTTPOther,
		404:         WinHTTPOther,
	}
	for code, want := range cases {
		if got := WinHTTPReason(code); got != want {
			t.Errorf("WinHTTPReason(%d) = %q, want %q", code, got, want)
		}
	}
	seen := map[int]bool{}
	for _, e := range WinHTTPErrors {
		if seen[e.Code] || !slices.Contains(WinHTTPReasons, e.Reason) || !strings.HasPrefix(e.Name, "ERROR_WINHTTP_") || e.Source == "" {
			t.Errorf("bad row %+v", e)
		}
		seen[e.Code] = true
	}
}

func FuzzClassifyLogMessage(f *testing.F) {
	for _, file := range []string{"log/poco-template.log", "log/zoned-variant.log"} {
		for _, r := range splitRecords(string(readTestdata(f, file))) {
			if l, ok := ParseLogLine(r, nil); ok {
				f.Add(l.Message)
			}
		}
	}
	f.Add("netlink にアクセスできません")
	f.Add("WinHttpSendRequest failed with error 12029")
	f.Fuzz(func(t *testing.T, msg string) {
		m, ok := logClassifier.Classify(msg)
		if !ok {
			return
		}
		found := false
		for _, e := range LogEvents {
			found = found || e.Name == m.Event
		}
		if !found {
			t.Fatalf("event %q outside the closed set", m.Event)
		}
		if code, ok := m.Fields["winhttp_code"]; ok && !strings.HasPrefix(code, "12") {
			t.Fatalf("winhttp_code %q", code)
		}
	})
}

func FuzzWinHTTPReason(f *testing.F) {
	f.Add(12029)
	f.Add(-2147012867)
	f.Fuzz(func(t *testing.T, code int) {
		if !slices.Contains(WinHTTPReasons, WinHTTPReason(code)) {
			t.Fatalf("reason outside the closed set for %d", code)
		}
	})
}
