package msgtable

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestClassifierFirstMatchWinsAndFields(t *testing.T) {
	c, err := NewClassifier([]Rule{
		{Event: "asci_start", Any: []string{"Agent started performing ASCI", "ASCI の実行を開始しました"}},
		{Event: "seq_error", Any: []string{"sequence number invalid"}, Regexp: `GUID \{(?P<guid>[0-9A-Fa-f-]+)\}`},
		{Event: "generic", Any: []string{"ASCI"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		msg, event, guid string
		ok               bool
	}{
		{"Agent started performing ASCI", "asci_start", "", true},
		{"ASCI の実行を開始しました。", "asci_start", "", true},
		{"Agent with GUID {AB-12} sequence number invalid, expected 3 > 2", "seq_error", "AB-12", true},
		{"sequence number invalid without guid", "", "", false},
		{"ASCI something else", "generic", "", true},
		{"nothing here", "", "", false},
	}
	for _, tc := range cases {
		m, ok := c.Classify(tc.msg)
		if ok != tc.ok || m.Event != tc.event || m.Fields["guid"] != tc.guid {
			t.Errorf("Classify(%q) = %+v, %v; want %q guid %q ok %v", tc.msg, m, ok, tc.event, tc.guid, tc.ok)
		}
	}
}

func TestClassifierRejectsBadTables(t *testing.T) {
	bad := [][]Rule{
		{{Event: "", Any: []string{"x"}}},
		{{Event: "e"}},
		{{Event: "e", Any: []string{""}}},
		{{Event: "e", Any: []string{"x"}, Regexp: "("}},
	}
	for i, rules := range bad {
		if _, err := NewClassifier(rules); err == nil {
			t.Errorf("table %d: expected an error", i)
		}
	}
}

// naiveClassify is the reference semantics: first rule in table order with a literal
// contained in msg and, if it has one, a matching regexp.
func naiveClassify(rules []Rule, msg string) string {
	for _, r := range rules {
		hit := false
		for _, lit := range r.Any {
			if strings.Contains(msg, lit) {
				hit = true
			}
		}
		if hit && (r.Regexp == "" || regexp.MustCompile(r.Regexp).MatchString(msg)) {
			return r.Event
		}
	}
	return ""
}

var fuzzRules = []Rule{
	{Event: "asci_start", Any: []string{"Agent started performing ASCI", "ASCI の実行を開始しました"}},
	{Event: "key_update", Any: []string{"access denied;agent to update keys", "KeyUpdate"}},
	{Event: "nainet", Any: []string{"NaInet library returned code"}, Regexp: `code == (?P<code>-?\d+)`},
	{Event: "curl", Any: []string{"curl error"}, Regexp: `curl error <(?P<curl>\d+)>`},
	{Event: "overlap_a", Any: []string{"abcab", "bca"}},
	{Event: "overlap_b", Any: []string{"cab", "ab"}},
	{Event: "session", Any: []string{"セッション", "session"}},
}

// fuzzLongRules have no literal shorter than the skip window, so they take the
// Wu-Manber path; fuzzRules (with "ab") take the automaton.
var fuzzLongRules = []Rule{
	{Event: "asci_start", Any: []string{"Agent started performing ASCI", "ASCI の実行を開始しました"}},
	{Event: "key_update", Any: []string{"access denied;agent to update keys", "KeyUpdate"}},
	{Event: "nainet", Any: []string{"NaInet library returned code"}, Regexp: `code == (?P<code>-?\d+)`},
	{Event: "rep", Any: []string{"aaaa", "abab", "aaab"}},
	{Event: "overlap", Any: []string{"abcab", "bcabc", "cabca"}},
	{Event: "session", Any: []string{"セッション", "session"}},
}

func FuzzClassify(f *testing.F) {
	// Messages of real agent logs (sources.md S1, S13): Japanese MA 4.x and MA 5.x masvc.
	for _, l := range []string{
		"ASCI の実行を開始しました。",
		"エージェントが通信セッションを開始しました。",
		"ePO server reports access denied;agent to update keys",
		"Agent started performing ASCI",
		"URL(https://0.0.0.0:443/policy/po.2103.ed16b6) request failed with curl error <56>, response code <200>, http connect code 0",
	} {
		f.Add(l)
	}
	f.Add("xxabcabxx")
	f.Add("cabca")
	f.Add("aaaaabab")
	short, long := MustClassifier(fuzzRules), MustClassifier(fuzzLongRules)
	if short.skip != nil || long.skip == nil {
		f.Fatal("fuzz tables do not cover both scanners")
	}
	f.Fuzz(func(t *testing.T, msg string) {
		for _, tc := range []struct {
			c     *Classifier
			rules []Rule
		}{{short, fuzzRules}, {long, fuzzLongRules}} {
			m, ok := tc.c.Classify(msg)
			want := naiveClassify(tc.rules, msg)
			if m.Event != want || ok != (want != "") {
				t.Fatalf("Classify(%q) = %q, %v; reference %q", msg, m.Event, ok, want)
			}
		}
	})
}

func TestClassifierManyRules(t *testing.T) {
	var rules []Rule
	for i := 0; i < 300; i++ {
		rules = append(rules, Rule{Event: fmt.Sprintf("e%d", i), Any: []string{fmt.Sprintf("<lit%d>", i)}})
	}
	c := MustClassifier(rules)
	for _, i := range []int{0, 63, 64, 255, 256, 299} {
		msg := fmt.Sprintf("x <lit%d> <lit%d> y", i, (i+1)%300)
		want := fmt.Sprintf("e%d", min(i, (i+1)%300))
		if m, ok := c.Classify(msg); !ok || m.Event != want {
			t.Errorf("Classify(%q) = %q, want %q", msg, m.Event, want)
		}
	}
}
