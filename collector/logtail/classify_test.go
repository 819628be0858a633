package logtail

import "testing"

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
