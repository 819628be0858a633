package mcafee

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestParseServerLine(t *testing.T) {
	cases := []struct {
		line string
		want ServerLine
	}{
		{ // sources.md S14, KB60776 (runs of spaces)
			line: "20090101010101   E   #7148   EPOServer     Agent with GUID {XXXXXXXXXX-XXXX-...} sequence number invalid, expected 113 > 3716",
			want: ServerLine{Time: time.Date(2009, 1, 1, 1, 1, 1, 0, time.UTC), Level: "Error", TID: 7148, Module: "EPOServer",
				Message:   "Agent with GUID {XXXXXXXXXX-XXXX-...} sequence number invalid, expected 113 > 3716",
				Event:     ServerEventSequenceInvalid,
				AgentGUID: "XXXXXXXXXX-XXXX-...", SeqExpected: 113, SeqCompared: 3716},
		},
		{ // sources.md S2 (single spaces)
			line: "20090101010101 E #7148 mod_epo Failed to process agent request",
			want: ServerLine{Time: time.Date(2009, 1, 1, 1, 1, 1, 0, time.UTC), Level: "Error", TID: 7148, Module: "mod_epo",
				Message: "Failed to process agent request", Event: ServerEventAgentRequestFailed},
		},
		{
			line: "20261116093000\tE\t#4410\tEPOServer\tAgent with GUID {3f2504e0-4f89-41d3-9a0c-0305e82c3301} sequence number invalid, expected 52 > 17\r\n",
			want: ServerLine{Time: time.Date(2026, 11, 16, 9, 30, 0, 0, time.UTC), Level: "Error", TID: 4410, Module: "EPOServer",
				Message:   "Agent with GUID {3f2504e0-4f89-41d3-9a0c-0305e82c3301} sequence number invalid, expected 52 > 17",
				Event:     ServerEventSequenceInvalid,
				AgentGUID: "3F2504E0-4F89-41D3-9A0C-0305E82C3301", SeqExpected: 52, SeqCompared: 17},
		},
		{
			line: "20261116093000 I #4410 EPOServer Agent with GUID {AB-CD} sequence number invalid",
			want: ServerLine{Time: time.Date(2026, 11, 16, 9, 30, 0, 0, time.UTC), Level: "Info", TID: 4410, Module: "EPOServer",
				Message: "Agent with GUID {AB-CD} sequence number invalid", Event: ServerEventSequenceInvalid, AgentGUID: "AB-CD"},
		},
		{
			line: "2026-11-16 09:30:00 I #1 EPOServer Starting",
			want: ServerLine{Time: time.Date(2026, 11, 16, 9, 30, 0, 0, time.UTC), Level: "Info", TID: 1, Module: "EPOServer", Message: "Starting"},
		},
	}
	for _, tc := range cases {
		got, ok := ParseServerLine(tc.line, time.UTC)
		if !ok {
			t.Errorf("ParseServerLine(%q) rejected", tc.line)
			continue
		}
		if !IsServerRecordStart(tc.line) {
			t.Errorf("IsServerRecordStart(%q) = false", tc.line)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseServerLine(%q)\n got  %+v\n want %+v", tc.line, got, tc.want)
		}
	}
	for _, line := range []string{"", "2009010101010 E #1 m x", "20091301010101 E #1 m x", "20090101010101E #1 m x",
		"20090101010101 E 7148 m x", "   at com.mcafee.orion.core.Foo(Foo.java:12)"} {
		if got, ok := ParseServerLine(line, time.UTC); ok {
			t.Errorf("ParseServerLine(%q) = %+v, want rejection", line, got)
		}
		if IsServerRecordStart(line) {
			t.Errorf("IsServerRecordStart(%q) = true, want a continuation line", line)
		}
	}
}

func TestServerLogFixtures(t *testing.T) {
	for _, file := range []string{"kb60776_server.log", "kb60776_ja_server.log"} {
		var events []string
		for _, line := range readLines(t, filepath.Join("testdata", file)) {
			l, ok := ParseServerLine(line, time.UTC)
			if !ok {
				t.Errorf("%s: %q rejected", file, line)
			}
			events = append(events, l.Event)
		}
		if !reflect.DeepEqual(events, []string{ServerEventSequenceInvalid, ServerEventAgentRequestFailed}) {
			t.Errorf("%s: events %v", file, events)
		}
	}
}

func TestSequenceErrorWindow(t *testing.T) {
	w := NewSequenceErrorWindow(24*time.Hour, 100)
	base := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	add := func(guid string, offset time.Duration, n int) {
		for i := 0; i < n; i++ {
			w.Add(guid, base.Add(offset))
		}
	}
	add("{aaaaaaaa-0000-0000-0000-000000000001}", 0, 3)
	add("AAAAAAAA-0000-0000-0000-000000000001", 2*time.Hour, 1) // same agent, other spelling
	add("{bbbbbbbb-0000-0000-0000-000000000002}", time.Hour, 4)
	add("{cccccccc-0000-0000-0000-000000000003}", 20*time.Hour, 1)
	add("{dddddddd-0000-0000-0000-000000000004}", 10*time.Hour, 4)
	w.Add("", base) // counted, not stored

	now := base.Add(21 * time.Hour)
	if got := w.Distinct(now, 24*time.Hour); got != 4 {
		t.Errorf("Distinct 24h = %d, want 4", got)
	}
	if got := w.Distinct(now, 2*time.Hour); got != 1 {
		t.Errorf("Distinct 2h = %d, want 1", got)
	}
	want := []GUIDCount{
		{"AAAAAAAA-0000-0000-0000-000000000001", 4},
		{"BBBBBBBB-0000-0000-0000-000000000002", 4},
		{"DDDDDDDD-0000-0000-0000-000000000004", 4},
	}
	if got := w.Top(now, 24*time.Hour, 3); !reflect.DeepEqual(got, want) {
		t.Errorf("Top = %v, want %v", got, want)
	}
	if got := w.Top(now, 24*time.Hour, 0); got != nil {
		t.Errorf("Top n=0 = %v", got)
	}
	if w.Total() != 14 || !w.Last().Equal(base.Add(20*time.Hour)) {
		t.Errorf("Total %d Last %v", w.Total(), w.Last())
	}

	// 25 h later the first agent's errors (at 0 h and 2 h) leave the window.
	later := base.Add(25 * time.Hour)
	if got := w.Distinct(later, 24*time.Hour); got != 3 {
		t.Errorf("Distinct at +25h = %d, want 3", got)
	}
	if got := w.Top(later, 24*time.Hour, 10); len(got) != 3 || got[0].GUID != "DDDDDDDD-0000-0000-0000-000000000004" {
		t.Errorf("Top at +25h = %v", got)
	}
	w.Prune(base.Add(30 * time.Hour))
	if len(w.Agents) != 2 {
		t.Errorf("after Prune %d agents left, want 2 (the 10 h and 20 h ones)", len(w.Agents))
	}
	if w.Total() != 14 {
		t.Error("Prune changed Total")
	}
}

func TestSequenceErrorWindowBounds(t *testing.T) {
	w := NewSequenceErrorWindow(time.Hour, 50)
	base := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 500; i++ {
		w.Add(fmt.Sprintf("guid-%04d", i), base.Add(time.Duration(i)*time.Second))
	}
	if len(w.Agents) > 50 {
		t.Fatalf("%d agents tracked, cap 50", len(w.Agents))
	}
	if _, ok := w.Agents["GUID-0499"]; !ok {
		t.Error("the newest GUID was evicted")
	}
	if _, ok := w.Agents["GUID-0000"]; ok {
		t.Error("the oldest GUID survived eviction")
	}
	if w.Evicted == 0 || w.Total() != 500 {
		t.Errorf("evicted %d total %d", w.Evicted, w.Total())
	}
	// One agent rejected every 10 s for a day keeps a bounded number of buckets.
	w = NewSequenceErrorWindow(24*time.Hour, 10)
	for i := 0; i < 8640; i++ {
		w.Add("{loop}", base.Add(time.Duration(i)*10*time.Second))
	}
	if n := len(w.Agents["LOOP"].Buckets); n > sequenceErrorBuckets+2 {
		t.Errorf("%d buckets for one agent", n)
	}
	if got := w.Top(base.Add(24*time.Hour), 24*time.Hour, 1); len(got) != 1 || got[0].Count < 8000 {
		t.Errorf("Top = %v", got)
	}
	// Out-of-order and too-old adds.
	w.Add("{late}", base.Add(time.Hour))        // within retention of the newest error
	w.Add("{ancient}", base.Add(-48*time.Hour)) // older than retention: counted only
	if _, ok := w.Agents["LATE"]; !ok {
		t.Error("an out-of-order add inside the window was dropped")
	}
	if _, ok := w.Agents["ANCIENT"]; ok {
		t.Error("an add older than the retention was stored")
	}
}

func TestSequenceErrorWindowJSON(t *testing.T) {
	w := NewSequenceErrorWindow(0, 0)
	base := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	w.Add("{a}", base)
	w.Add("{b}", base.Add(time.Minute))
	raw, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var restored SequenceErrorWindow
	if err := json.Unmarshal(raw, &restored); err != nil {
		t.Fatal(err)
	}
	now := base.Add(time.Hour)
	if restored.Distinct(now, 24*time.Hour) != 2 || restored.Total() != 2 || restored.Retention != DefaultSequenceErrorRetention {
		t.Errorf("restored %+v", restored)
	}
	restored.Add("{c}", now)
	if restored.Distinct(now, 24*time.Hour) != 3 {
		t.Error("restored window does not accept new errors")
	}
	var zero SequenceErrorWindow // a zero value from an empty state file
	zero.Add("{a}", base)
	if zero.Distinct(base, time.Hour) != 1 {
		t.Error("zero window does not work")
	}
}

func FuzzParseServerLine(f *testing.F) {
	for _, file := range []string{"kb60776_server.log", "kb60776_ja_server.log"} {
		for _, line := range readLines(f, filepath.Join("testdata", file)) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		l, ok := ParseServerLine(line, tokyo)
		if ok != IsServerRecordStart(line) {
			t.Fatalf("ParseServerLine ok=%v but IsServerRecordStart disagrees on %q", ok, line)
		}
		if !ok {
			return
		}
		if l.Module == "" || l.Level == "" || l.Time.IsZero() {
			t.Fatalf("incomplete %+v", l)
		}
		if l.Event == ServerEventSequenceInvalid && (l.AgentGUID == "" || len(l.AgentGUID) > 64) {
			t.Fatalf("sequence error without a usable GUID: %+v", l)
		}
		if l.SeqExpected < 0 || l.SeqCompared < 0 {
			t.Fatalf("negative sequence numbers %+v", l)
		}
	})
}

// FuzzSequenceErrorWindow replays arbitrary add/query programs and checks the bounds.
func FuzzSequenceErrorWindow(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 200, 9})
	f.Fuzz(func(t *testing.T, program []byte) {
		w := NewSequenceErrorWindow(time.Hour, 8)
		now := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
		var adds uint64
		for i := 0; i+1 < len(program); i += 2 {
			now = now.Add(time.Duration(int8(program[i+1])) * time.Minute)
			if program[i] == 0xFF {
				w.Prune(now)
				continue
			}
			w.Add(fmt.Sprintf("{g%d}", program[i]%32), now)
			adds++
			if len(w.Agents) > w.MaxGUIDs {
				t.Fatalf("%d agents over cap %d", len(w.Agents), w.MaxGUIDs)
			}
			d := w.Distinct(now, time.Hour)
			top := w.Top(now, time.Hour, 100)
			if len(top) != d {
				t.Fatalf("Top has %d rows, Distinct says %d", len(top), d)
			}
			var sum uint64
			for j, row := range top {
				sum += row.Count
				if j > 0 && (row.Count > top[j-1].Count || (row.Count == top[j-1].Count && row.GUID < top[j-1].GUID)) {
					t.Fatalf("Top not sorted: %v", top)
				}
			}
			if sum > w.Total() || w.Total() != adds {
				t.Fatalf("window sum %d, total %d, adds %d", sum, w.Total(), adds)
			}
			for _, a := range w.Agents {
				if len(a.Buckets) > sequenceErrorBuckets+2 {
					t.Fatalf("%d buckets", len(a.Buckets))
				}
			}
		}
	})
}
