package mcafee

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/wallclock/wallclocktest"
)

// Every public sample of the agent and ePO server log formats, one row per physical line,
// checked for layout, fields, timestamp and classification. Lines quoted by a KB without
// their timestamp are kept that way; the "variant" rows put the same text in the other
// documented shapes (timestamped MA 5.x line, CRLF, BOM, no fractional seconds).
func TestRealAgentLogSamples(t *testing.T) {
	c := DefaultAgentClassifier()
	type want struct {
		time    time.Time
		format  AgentLineFormat
		process string
		pid     int
		tid     int
		module  string
		level   string
		event   string // "" = no event (the line is no known message)
		fields  map[string]string
	}
	ma5 := func(process string, pid, tid int, module, level, event string) want {
		return want{format: FormatMA5, process: process, pid: pid, tid: tid, module: module, level: level, event: event}
	}
	ma4 := func(tm time.Time, tid int, module, level, event string) want {
		return want{time: tm, format: FormatMA4, tid: tid, module: module, level: level, event: event}
	}
	kb60776 := time.Date(2009, 11, 12, 11, 57, 34, 0, tokyo)
	cases := []struct {
		line string
		want want
	}{
		// KB90603, https://kc.mcafee.com/corporate/index?page=content&id=KB90603 (sources.md S13):
		// a successful ASCI, timestamps stripped by the KB.
		{"masvc(1228.1240) property.Info: Collecting Properties", ma5("masvc", 1228, 1240, "property", "Info", "")},
		{"masvc(1228.1240) publisher.Info: message <ma.property.collect> will be sent after <0> seconds.", ma5("masvc", 1228, 1240, "publisher", "Info", "")},
		{"masvc(1228.1240) property.Info: Property collection session initiated for PropsVersion with session id 5696.", ma5("masvc", 1228, 1240, "property", "Info", "")},
		{"masvc(1228.1240) property.Info: Properties received from EPOAGENT3000 provider", ma5("masvc", 1228, 1240, "property", "Info", "")},
		{"masvc(1228.1240) property.Info: Properties received from SYSPROPS1000 provider", ma5("masvc", 1228, 1240, "property", "Info", "")},
		{"masvc(1228.1240) property.Info: Finished Collecting Properties", ma5("masvc", 1228, 1240, "property", "Info", EventPropertiesCollected)},
		{"masvc(1228.1240) property.Info: Agent started performing ASCI", ma5("masvc", 1228, 1240, "property", "Info", EventASCIStart)},
		{`masvc(1228.1240) ahclient.Info: Scheduling spipe connection with "immediate" priority.`, ma5("masvc", 1228, 1240, "ahclient", "Info", "")},
		{"masvc(1228.1240) ahclient.Info: Start processing spipe connection request.", ma5("masvc", 1228, 1240, "ahclient", "Info", "")},
		{"masvc(1228.1240) property.Info: Agent is sending PROPS VERSION package to McAfee ePO server", ma5("masvc", 1228, 1240, "property", "Info", EventPropertiesSent)},
		{"masvc(1228.1240) DataChannel.Manager.Info: DataChannel Service ignoring decoration of SPIPE package for: { PropsVersion }", ma5("masvc", 1228, 1240, "DataChannel.Manager", "Info", "")},

		// KB96023, https://kcm.trellix.com/corporate/index?id=KB96023&page=content (sources.md S13):
		// TA 5.7 policy validation failure; the pid change is a service restart.
		{"masvc(5096.5508) policy.Error: po_id: 2103 pso_id: 68290, pso validation failed", ma5("masvc", 5096, 5508, "policy", "Error", EventPolicyError)},
		{"masvc(5096.5508) policy.Error: po_id: 2103 po validation failed", ma5("masvc", 5096, 5508, "policy", "Error", EventPolicyError)},
		{"masvc(5096.5508) policy.Error: Assignment validation failed obj_id: 2103 product: ENDP_FW_1070 method: (null) param: (null)", ma5("masvc", 5096, 5508, "policy", "Error", EventPolicyError)},
		{"masvc(5096.5508) policy.Error: Policy service start db validation failed, generating event for EPOAGENT3000", ma5("masvc", 5096, 5508, "policy", "Error", EventPolicyError)},
		{"masvc(5456.5908) network.Notice: URL(https://0.0.0.0:443/policy/po.2103.ed16b6732eab48377ea8d18651a1fcea8511a0e0cb161axxxxxx) request failed with curl error <56>, response code <200>, http connect code 0",
			func() want {
				w := ma5("masvc", 5456, 5908, "network", "Notice", EventNetworkError)
				w.fields = map[string]string{"curl_error": "56", "response_code": "200", "http_connect_code": "0"}
				return w
			}()},
		{"masvc(5456.5908) policy.Error: Length doesnot matches", ma5("masvc", 5456, 5908, "policy", "Error", EventPolicyError)},
		{"masvc(5456.5908) policy.Error: Due to Hash Validation failure, calling policy handler stop rc - <1612>", ma5("masvc", 5456, 5908, "policy", "Error", EventPolicyError)},
		{"masvc(5456.5908) sqlite.Error: mapolicy.db:ROLLBACK TRANSACTION:1", ma5("masvc", 5456, 5908, "sqlite", "Error", EventPolicyError)},

		// maconfig console output, the same logger with timestamps (sources.md S12): Windows with
		// milliseconds and the process name, Linux (BroadcomSaaSOps/VSCL VSCL-lib.sh) with
		// microseconds and none.
		{"2018-12-07 09:23:39.681 maconfig(4132.8012) maconfig.Info: Applying Custom Props.",
			want{time: time.Date(2018, 12, 7, 9, 23, 39, 681e6, tokyo), format: FormatMA5, process: "maconfig", pid: 4132, tid: 8012, module: "maconfig", level: "Info"}},
		{"2018-12-07 09:23:39.858 maconfig(4132.8012) maconfig.Info: sending custom props successful",
			want{time: time.Date(2018, 12, 7, 9, 23, 39, 858e6, tokyo), format: FormatMA5, process: "maconfig", pid: 4132, tid: 8012, module: "maconfig", level: "Info"}},
		{"2018-12-07 09:23:39.860 maconfig(4132.8012) maconfig.Info: Applying Custom Props passed",
			want{time: time.Date(2018, 12, 7, 9, 23, 39, 860e6, tokyo), format: FormatMA5, process: "maconfig", pid: 4132, tid: 8012, module: "maconfig", level: "Info"}},
		{"2018-12-07 09:23:39.864 maconfig(4132.8012) maconfig.Info: configuration finished",
			want{time: time.Date(2018, 12, 7, 9, 23, 39, 864e6, tokyo), format: FormatMA5, process: "maconfig", pid: 4132, tid: 8012, module: "maconfig", level: "Info"}},
		{"2020-01-25 14:22:44.456234 (2010.2739) maconfig.Info: configuration finished",
			want{time: time.Date(2020, 1, 25, 14, 22, 44, 456234e3, tokyo), format: FormatMA5, pid: 2010, tid: 2739, module: "maconfig", level: "Info"}},

		// Variants of the KB90603 ASCI line in the full MA 5.x layout (timestamp of the maconfig
		// lines, sources.md S12/S13): Windows CRLF with a UTF-8 BOM left on the first line,
		// Linux microseconds without a process name, and no fractional seconds at all.
		{"\xEF\xBB\xBF2018-12-07 09:23:39.681 masvc(1228.1240) property.Info: Agent started performing ASCI\r\n",
			want{time: time.Date(2018, 12, 7, 9, 23, 39, 681e6, tokyo), format: FormatMA5, process: "masvc", pid: 1228, tid: 1240, module: "property", level: "Info", event: EventASCIStart}},
		{"2020-01-25 14:22:44.456234 (2010.2739) property.Info: Agent is sending PROPS VERSION package to McAfee ePO server",
			want{time: time.Date(2020, 1, 25, 14, 22, 44, 456234e3, tokyo), format: FormatMA5, pid: 2010, tid: 2739, module: "property", level: "Info", event: EventPropertiesSent}},
		{"2020-01-25 14:22:44 (2010.2739) network.Notice: URL(https://epo01:443/spipe/pkg) request failed with curl error <7>, response code <0>, http connect code 0",
			want{time: time.Date(2020, 1, 25, 14, 22, 44, 0, tokyo), format: FormatMA5, pid: 2010, tid: 2739, module: "network", level: "Notice", event: EventNetworkError,
				fields: map[string]string{"curl_error": "7", "response_code": "0", "http_connect_code": "0"}}},

		// KB60776, https://kc.mcafee.com/corporate/index?page=content&id=KB60776 (sources.md S13):
		// MA 4.x Agent_<host>.log, runs of spaces, no fractional seconds.
		{"2009-11-12 11:57:34        I        #1492        naInet        Reading acknowledgement from ePO Server", ma4(kb60776, 1492, "naInet", "Info", "")},
		{"2009-11-12 11:57:34        I        #1492        naInet        Received response [] from ePO Server", ma4(kb60776, 1492, "naInet", "Info", "")},
		{"2009-11-12 11:57:34        I        #1492        naihttp       Failed to get acknowledgement from Server", ma4(kb60776, 1492, "naihttp", "Info", EventSequenceRejected)},
		{"2009-11-12 11:57:34        E       #1492        imsite        Error trace:", ma4(kb60776, 1492, "imsite", "Error", "")},
		{`2009-11-12 11:57:34        E       #1492        imsite        [uploadFile,,/spipe/pkg?AgentGuid={91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}&Source=Agent_3.0.0,pkg00129024970542750000_12124.spkg,C:\Documents and Settings\All Users\Administrator\McAfee\Common Framework\Unpack,C:\Documents and Setting`,
			ma4(kb60776, 1492, "imsite", "Error", "")},
		// The same line tab-separated with CRLF: the KB cannot tell tabs from spaces.
		{"2009-11-12 11:57:34\tI\t#1492\tnaihttp\tFailed to get acknowledgement from Server\r\n", ma4(kb60776, 1492, "naihttp", "Info", EventSequenceRejected)},
	}
	for _, tc := range cases {
		l, ok := ParseAgentLine(tc.line, tokyo)
		if !ok {
			t.Errorf("ParseAgentLine(%q) rejected", tc.line)
			continue
		}
		w := tc.want
		if !l.Time.Equal(w.time) || l.Format != w.format || l.Process != w.process || l.PID != w.pid || l.TID != w.tid || l.Module != w.module || l.Level != w.level {
			t.Errorf("ParseAgentLine(%q)\n got  %v %v %q (%d.%d) %q.%q\n want %v %v %q (%d.%d) %q.%q", tc.line,
				l.Time, l.Format, l.Process, l.PID, l.TID, l.Module, l.Level, w.time, w.format, w.process, w.pid, w.tid, w.module, w.level)
		}
		if strings.ContainsAny(l.Message, "\r\n") {
			t.Errorf("ParseAgentLine(%q): message keeps the line end: %q", tc.line, l.Message)
		}
		ev, ok := EventFromLine(c, l)
		if got := ev.Event; !ok && got != "" || got != w.event {
			t.Errorf("EventFromLine(%q) = %q, want %q", l.Message, got, w.event)
			continue
		}
		for k, v := range w.fields {
			if ev.Fields[k] != v {
				t.Errorf("EventFromLine(%q) field %s = %q, want %q", l.Message, k, ev.Fields[k], v)
			}
		}
	}
}

// Status-monitor strings of a good session, as the DISA STIG check text (MOVE AV / MOVE
// client STIGs) quotes them (sources.md S13). The STIG leaves out "McAfee" from the PROPS line.
func TestRealStatusMonitorStrings(t *testing.T) {
	c := DefaultAgentClassifier()
	for msg, event := range map[string]string{
		"Agent started performing ASCI":                        EventASCIStart,
		"Agent is sending PROPS VERSION package to ePO server": EventPropertiesSent,
		"Agent communication session closed":                   EventASCISessionClosed,
		"Enforcing Policies for EPOAGENTMETA":                  EventPolicyEnforced,
	} {
		if m, ok := c.Classify(msg); !ok || m.Event != event {
			t.Errorf("Classify(%q) = %q, %v; want %q", msg, m.Event, ok, event)
		}
	}
}

// KB60776 server side (sources.md S14): yyyyMMddHHmmss, braces around the GUID; CRLF as the
// ePO server (Windows) writes it.
func TestRealServerLogSamplesCRLF(t *testing.T) {
	for _, tc := range []struct {
		line string
		want ServerLine
	}{
		{"20090101010101   E   #7148   EPOServer     Agent with GUID {XXXXXXXXXX-XXXX-...} sequence number invalid, expected 113 > 3716\r\n",
			ServerLine{Time: time.Date(2009, 1, 1, 1, 1, 1, 0, tokyo), Level: "Error", TID: 7148, Module: "EPOServer",
				Message: "Agent with GUID {XXXXXXXXXX-XXXX-...} sequence number invalid, expected 113 > 3716",
				Event:   ServerEventSequenceInvalid, AgentGUID: "XXXXXXXXXX-XXXX-...", SeqExpected: 113, SeqCompared: 3716}},
		{"20090101010101   E   #7148   mod_epo Failed to process agent request\r\n",
			ServerLine{Time: time.Date(2009, 1, 1, 1, 1, 1, 0, tokyo), Level: "Error", TID: 7148, Module: "mod_epo",
				Message: "Failed to process agent request", Event: ServerEventAgentRequestFailed}},
	} {
		got, ok := ParseServerLine(tc.line, tokyo)
		if !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseServerLine(%q)\n got  %+v %v\n want %+v", tc.line, got, ok, tc.want)
		}
	}
}

// cmdagent -i as the Windows console writes it (CRLF), from the MA 5.5.1 capture of
// sources.md S12, and the managed-host forms the public scripts parse: a bare upper-case
// GUID as nmap's mcafee-epo-agent.nse prints it, yyyyMMddHHmmss times (Rkaine81
// TrellixCompliance.ps1, ORR_Checks) and TA 5.7.9's extra 16th line.
func TestRealCmdAgentSamples(t *testing.T) {
	crlf := strings.ReplaceAll(string(readFixture(t, "cmdagent_ma551_unmanaged.txt")), "\n", "\r\n")
	lf, err := ParseCmdAgentInfo(readFixture(t, "cmdagent_ma551_unmanaged.txt"), tokyo)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCmdAgentInfo([]byte(crlf), tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, lf) {
		t.Errorf("CRLF output parsed differently:\n got  %+v\n want %+v", got, lf)
	}
	if got.GUID != "" || got.TenantID != "" || got.EPOVersion != "" || !got.LastASCTime.IsZero() || !got.LastPolicyUpdateTime.IsZero() || got.Mode.Managed {
		t.Errorf("5.5.1 sentinels not read as never/unknown: %+v", got)
	}

	managed := "Component: McAfee Agent\r\nAgentMode: 1\r\nVersion: 5.7.9.139\r\n" +
		"GUID: D2E157F4-B917-4D31-BEF0-32074BADF081\r\nTenantId: N/A\r\n" +
		"LogLocation: C:\\ProgramData\\McAfee\\Agent\\logs\r\n" +
		"LastASCTime: 20261116093012\r\nLastPolicyUpdateTime: 20261116093015\r\nEpoVersion: 5.10.0\r\nServerID: 1\r\n"
	info, err := ParseCmdAgentInfo([]byte(managed), tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if info.GUID != "D2E157F4-B917-4D31-BEF0-32074BADF081" || !info.Mode.Managed ||
		!info.LastASCTime.Equal(time.Date(2026, 11, 16, 9, 30, 12, 0, tokyo)) ||
		!info.LastPolicyUpdateTime.Equal(time.Date(2026, 11, 16, 9, 30, 15, 0, tokyo)) ||
		info.LogLocation != `C:\ProgramData\McAfee\Agent\logs` || len(info.Invalid) != 0 ||
		info.Sections[0].Fields["ServerID"] != "1" {
		t.Errorf("managed TA 5.7.9 output: %+v", info)
	}
}

// The agent logs local wall time without a zone (KB60776, KB90603; maconfig, sources.md
// S12/S13), so on a host with DST some lines fall in the repeated or the skipped hour. Every
// layout reads them alike: the earlier instant of a repeated hour, the pre-gap offset in a
// skipped one, east and west of UTC.
func TestRealTimestampsAtDSTEdges(t *testing.T) {
	berlin := wallclocktest.Zone(t, "Europe/Berlin")
	newYork := wallclocktest.Zone(t, "America/New_York")
	for _, tc := range []struct {
		name string
		loc  *time.Location
		ts   string // dashed wall time
		want string // RFC3339 in UTC
	}{
		{"Berlin repeated hour", berlin, "2023-10-29 02:30:00", "2023-10-29T00:30:00Z"},
		{"Berlin skipped hour", berlin, "2023-03-26 02:30:00", "2023-03-26T01:30:00Z"},
		{"New York repeated hour", newYork, "2023-11-05 01:30:00", "2023-11-05T05:30:00Z"},
		{"New York skipped hour", newYork, "2023-03-12 02:30:00", "2023-03-12T07:30:00Z"},
	} {
		compact := strings.NewReplacer("-", "", " ", "", ":", "").Replace(tc.ts)
		var got []time.Time
		if l, ok := ParseAgentLine(tc.ts+".681 masvc(1228.1240) property.Info: Agent started performing ASCI", tc.loc); ok {
			got = append(got, l.Time.Add(-681*time.Millisecond))
		}
		if l, ok := ParseAgentLine(tc.ts+"        I        #1492        naihttp       Failed to get acknowledgement from Server", tc.loc); ok {
			got = append(got, l.Time)
		}
		if l, ok := ParseServerLine(compact+"   E   #7148   mod_epo Failed to process agent request", tc.loc); ok {
			got = append(got, l.Time)
		}
		if info, err := ParseCmdAgentInfo([]byte("Component: McAfee Agent\nLastASCTime: "+compact+"\n"), tc.loc); err == nil {
			got = append(got, info.LastASCTime)
		}
		if len(got) != 4 {
			t.Fatalf("%s: only %d of 4 layouts parsed", tc.name, len(got))
		}
		for i, g := range got {
			if s := g.UTC().Format(time.RFC3339); s != tc.want {
				t.Errorf("%s: layout %d read %s as %s, want %s", tc.name, i, tc.ts, s, tc.want)
			}
		}
	}
}

// GUIDs in the three public forms (cmdagent bare, Server.log braced, KB60776's elided
// placeholder) normalise alike; a brace anywhere is dropped, and a Server.log GUID must be
// printable ASCII so its 64-character bound stays a byte bound after upper-casing.
func TestRealGUIDForms(t *testing.T) {
	for in, want := range map[string]string{
		"D2E157F4-B917-4D31-BEF0-32074BADF081":   "D2E157F4-B917-4D31-BEF0-32074BADF081", // nmap mcafee-epo-agent.nse
		"{91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}": "91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A", // KB60776 agent log
		"{XXXXXXXXXX-XXXX-...}":                  "XXXXXXXXXX-XXXX-...",                  // KB60776 server log
		"0{":                                     "0",
		"N/A":                                    "",
	} {
		if got := NormalizeGUID(in); got != want {
			t.Errorf("NormalizeGUID(%q) = %q, want %q", in, got, want)
		}
	}
	l, ok := ParseServerLine("20090101010101   E   #7148   EPOServer     Agent with GUID {\xe8\xae\xdc\xf9} sequence number invalid", tokyo)
	if !ok || l.Event != "" || l.AgentGUID != "" {
		t.Errorf("a GUID of undecodable bytes: %+v", l)
	}
}
