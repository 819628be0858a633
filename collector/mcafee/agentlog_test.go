package mcafee

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var tokyo = time.FixedZone("JST", 9*3600)

func TestParseAgentLine(t *testing.T) {
	cases := []struct {
		name string
		line string
		want AgentLine
	}{
		{
			name: "MA5 Windows maconfig (sources.md S12)",
			line: "2018-12-07 09:23:39.681 maconfig(4132.8012) maconfig.Info: Applying Custom Props.",
			want: AgentLine{Time: time.Date(2018, 12, 7, 9, 23, 39, 681e6, tokyo), Format: FormatMA5,
				Process: "maconfig", PID: 4132, TID: 8012, Module: "maconfig", Level: "Info", Message: "Applying Custom Props."},
		},
		{
			name: "MA5 Linux, microseconds, no process name (sources.md S12)",
			line: "2020-01-25 14:22:44.456234 (2010.2739) maconfig.Info: configuration finished",
			want: AgentLine{Time: time.Date(2020, 1, 25, 14, 22, 44, 456234e3, tokyo), Format: FormatMA5,
				PID: 2010, TID: 2739, Module: "maconfig", Level: "Info", Message: "configuration finished"},
		},
		{
			name: "MA5 KB-style without timestamp, dotted module (KB90603)",
			line: "masvc(1228.1240) DataChannel.Manager.Info: DataChannel Service ignoring decoration of SPIPE package for: { PropsVersion }",
			want: AgentLine{Format: FormatMA5, Process: "masvc", PID: 1228, TID: 1240, Module: "DataChannel.Manager",
				Level: "Info", Message: "DataChannel Service ignoring decoration of SPIPE package for: { PropsVersion }"},
		},
		{
			name: "MA5 curl error with colons in the message (KB96023)",
			line: "masvc(5456.5908) network.Notice: URL(https://0.0.0.0:443/policy/po.2103.ed16b6732eab48377ea8d18651a1fcea8511a0e0cb161axxxxxx) request failed with curl error <56>, response code <200>, http connect code 0",
			want: AgentLine{Format: FormatMA5, Process: "masvc", PID: 5456, TID: 5908, Module: "network", Level: "Notice",
				Message: "URL(https://0.0.0.0:443/policy/po.2103.ed16b6732eab48377ea8d18651a1fcea8511a0e0cb161axxxxxx) request failed with curl error <56>, response code <200>, http connect code 0"},
		},
		{
			name: "MA4 runs of spaces (KB60776)",
			line: "2009-11-12 11:57:34        I        #1492        naihttp       Failed to get acknowledgement from Server",
			want: AgentLine{Time: time.Date(2009, 11, 12, 11, 57, 34, 0, tokyo), Format: FormatMA4, TID: 1492,
				Module: "naihttp", Level: "Info", Message: "Failed to get acknowledgement from Server"},
		},
		{
			name: "MA4 single spaces (sources.md S2)",
			line: "2009-11-12 11:57:34 E #1492 imsite NaInet library returned code == -14",
			want: AgentLine{Time: time.Date(2009, 11, 12, 11, 57, 34, 0, tokyo), Format: FormatMA4, TID: 1492,
				Module: "imsite", Level: "Error", Message: "NaInet library returned code == -14"},
		},
		{
			name: "MA4 Japanese, milliseconds, lower-case level, no-break spaces (sources.md S1 verbatim)",
			line: "      2014-04-24 19:35:03.473\u00a0\u00a0\u00a0 i #1920\u00a0\u00a0\u00a0 Agent\u00a0\u00a0\u00a0 ASCI の実行を開始しました。",
			want: AgentLine{Time: time.Date(2014, 4, 24, 19, 35, 3, 473e6, tokyo), Format: FormatMA4, TID: 1920,
				Module: "Agent", Level: "Info", Message: "ASCI の実行を開始しました。"},
		},
		{
			name: "MA4 tab separated, CRLF",
			line: "2014-04-24 19:35:24.504\tI #3328\tFrmSvc\tSERVICE_CONTROL_STOP\r\n",
			want: AgentLine{Time: time.Date(2014, 4, 24, 19, 35, 24, 504e6, tokyo), Format: FormatMA4, TID: 3328,
				Module: "FrmSvc", Level: "Info", Message: "SERVICE_CONTROL_STOP"},
		},
		{
			name: "MA4 message with an unusual level letter and empty text",
			line: "2009-11-12 11:57:34 x #1 imsite",
			want: AgentLine{Time: time.Date(2009, 11, 12, 11, 57, 34, 0, tokyo), Format: FormatMA4, TID: 1,
				Module: "imsite", Level: "X"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseAgentLine(tc.line, tokyo)
			if !ok {
				t.Fatalf("ParseAgentLine(%q) rejected", tc.line)
			}
			if !got.Time.Equal(tc.want.Time) {
				t.Errorf("Time = %v, want %v", got.Time, tc.want.Time)
			}
			got.Time, tc.want.Time = time.Time{}, time.Time{}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if !IsAgentRecordStart(tc.line) {
				t.Error("IsAgentRecordStart = false for a parsed line")
			}
		})
	}
}

func TestParseAgentLineRejectsContinuations(t *testing.T) {
	for _, line := range []string{
		"",
		"   ",
		" >MA4.8が利用するべき2048bitのセキュリティキーを取り扱っていないため、ePO側でアクセスが拒否されています。",
		"[uploadFile,,/spipe/pkg?AgentGuid={91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}&Source=Agent_3.0.0]->",
		"Error trace:",
		"2014-04-24",
		"2014-04-24 19:35:03.270",
		"2014-04-24 19:35:03.270 garbage",
		"2014-13-24 19:35:03 I #1 mod text",          // month 13
		"2014-02-30 19:35:03 I #1 mod text",          // no such day
		"2014-04-24 24:00:00 I #1 mod text",          // hour 24
		"2014-04-24 19:35:03.1234567890 I #1 m t",    // 10 fractional digits
		"2014-04-24 19:35:03I #1 mod text",           // no separator
		"2014-04-24 19:35:03 I 1492 mod text",        // id without '#'
		"2014-04-24 19:35:03 II #1 mod text",         // two-letter level
		"2014-04-24 19:35:03 masvc(1.2) property: x", // level missing
		"2014-04-24 19:35:03 masvc(1.2) property.: x",
		"2014-04-24 19:35:03 masvc(a.2) property.Info: x",
		"masvc(1228) property.Info: no thread id",
		"masvc(1228.1240) property.Info1: digits in level",
	} {
		if l, ok := ParseAgentLine(line, time.UTC); ok {
			t.Errorf("ParseAgentLine(%q) = %+v, want rejection", line, l)
		}
		if IsAgentRecordStart(line) {
			t.Errorf("IsAgentRecordStart(%q) = true", line)
		}
	}
}

// The fixtures are verbatim vendor text; every physical line is either a record or a
// continuation (blank lines and the KB author's " >" remarks in sources.md S1).
func TestAgentLogFixtures(t *testing.T) {
	cases := []struct {
		file          string
		records       int
		continuations int
		format        AgentLineFormat
	}{
		{"ma_upgrade_tips_agent_excerpt.log", 38, 53, FormatMA4},
		{"ma4_ja_keyupdate.log", 38, 0, FormatMA4},
		{"kb60776_agent.log", 5, 0, FormatMA4},
		{"kb60776_ja_agent.log", 6, 0, FormatMA4},
		{"kb90603_masvc.log", 11, 0, FormatMA5},
		{"kb96023_masvc.log", 8, 0, FormatMA5},
		{"maconfig_windows.log", 4, 0, FormatMA5},
		{"maconfig_linux.log", 1, 0, FormatMA5},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			records, continuations := 0, 0
			for _, line := range readLines(t, filepath.Join("testdata", tc.file)) {
				l, ok := ParseAgentLine(line, tokyo)
				if !ok {
					continuations++
					continue
				}
				records++
				if l.Format != tc.format {
					t.Errorf("%q: format %v, want %v", line, l.Format, tc.format)
				}
			}
			if records != tc.records || continuations != tc.continuations {
				t.Errorf("records %d continuations %d, want %d and %d", records, continuations, tc.records, tc.continuations)
			}
		})
	}
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func agentLogSeeds(f *testing.F) {
	for _, file := range []string{"ma_upgrade_tips_agent_excerpt.log", "kb60776_agent.log", "kb60776_ja_agent.log",
		"kb90603_masvc.log", "kb96023_masvc.log", "maconfig_windows.log", "maconfig_linux.log"} {
		for _, line := range readLines(f, filepath.Join("testdata", file)) {
			f.Add(line)
		}
	}
}

func FuzzParseAgentLine(f *testing.F) {
	agentLogSeeds(f)
	f.Fuzz(func(t *testing.T, line string) {
		l, ok := ParseAgentLine(line, tokyo)
		if ok != IsAgentRecordStart(line) {
			t.Fatalf("ParseAgentLine ok=%v but IsAgentRecordStart disagrees for %q", ok, line)
		}
		if !ok {
			if l != (AgentLine{}) {
				t.Fatalf("rejected line returned %+v", l)
			}
			return
		}
		if l.Format == FormatUnknown || l.Module == "" || l.Level == "" || l.PID < 0 || l.TID < 0 {
			t.Fatalf("incomplete record %+v from %q", l, line)
		}
		if strings.ContainsAny(l.Module, " \t") || strings.HasSuffix(l.Message, "\r") || strings.HasSuffix(l.Message, "\n") {
			t.Fatalf("untrimmed fields %+v from %q", l, line)
		}
		if !strings.Contains(line, l.Message) {
			t.Fatalf("message %q is not a part of %q", l.Message, line)
		}
		if !l.Time.IsZero() && (l.Time.Year() < 0 || l.Time.Year() > 9999) {
			t.Fatalf("time %v out of range", l.Time)
		}
	})
}

func BenchmarkParseAgentLine(b *testing.B) {
	lines := []string{
		"2018-12-07 09:23:39.681 maconfig(4132.8012) maconfig.Info: Applying Custom Props.",
		"2009-11-12 11:57:34        I        #1492        naihttp       Failed to get acknowledgement from Server",
		" >MA4.8が利用するべき2048bitのセキュリティキーを取り扱っていないため",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ParseAgentLine(lines[i%len(lines)], time.UTC)
	}
}
