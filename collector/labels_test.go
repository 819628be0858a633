package collector

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLabelValidators(t *testing.T) {
	s := newScrape("labeltest")
	for _, c := range []struct {
		kind, in, want string
	}{
		{"version", "5.7.9.139", "5.7.9.139"},
		{"version", " 8.4.2.30302\n", "8.4.2.30302"},
		{"version", "1.24.1.1047-rc1+b2", "1.24.1.1047-rc1+b2"},
		{"version", "", ""},
		{"version", "<version>5.7</version>", ""},
		{"version", "5.7.9 evil", ""},
		{"version", "5.7\x00", ""},
		{"version", strings.Repeat("1.", 40), ""},
		{"guid", "3F2504E0-4F89-41D3-9A0C-0305E82C3301", "3F2504E0-4F89-41D3-9A0C-0305E82C3301"},
		{"guid", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}"},
		{"guid", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301", ""},
		{"guid", "3F2504E0-4F89-41D3-9A0C-0305E82C330Z", ""},
		{"guid", strings.Repeat("A", 12<<20), ""},
		{"host", "https://admin:p@ss@epo01.example.com:8443/remote", "epo01.example.com"},
		{"host", "epo01.example.com", "epo01.example.com"},
		{"host", "epo 01", ""},
	} {
		var got string
		switch c.kind {
		case "version":
			got = s.VersionLabel("version", c.in)
		case "guid":
			got = s.GUIDLabel("guid", c.in)
		case "host":
			got = s.HostLabel("epo_server", c.in)
		}
		if got != c.want {
			t.Errorf("%s(%.60q) = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
	got := map[string]uint64{}
	labelRejects.Lock()
	for k, v := range labelRejects.m {
		if k[0] == "labeltest" {
			got[k[1]+"/"+k[2]] = v
		}
	}
	labelRejects.Unlock()
	want := map[string]uint64{"version/charset": 3, "version/too_long": 1, "guid/format": 2, "guid/too_long": 1, "epo_server/format": 1}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("rejected %s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
}

// Whatever a collector passes, no exported label value exceeds 128 bytes, and the drop
// shows in secagent_label_rejected_total.
func TestNoLabelOver128Bytes(t *testing.T) {
	desc := NewDesc("test_info", "test", "raw")
	counter := NewDesc("test_total", "test", "raw")
	set := NewSetFrom(discardLogger(), map[string]Collector{"bounded": funcCollector(func(_ context.Context, s *Scrape) error {
		s.Gauge(desc, 1, strings.Repeat("x", 12<<20))
		s.Counter(counter, 1, strings.Repeat("y", 129))
		return nil
	})})
	out := gather(t, set, 5*time.Second)
	for _, line := range strings.Split(out, "\n") {
		for _, f := range strings.Fields(line) {
			if len(f) > 128+len("raw=") {
				t.Fatalf("label over 128 bytes: %.80s...", f)
			}
		}
	}
	if !strings.Contains(out, "secagent_label_rejected_total collector=bounded label=other reason=too_long") {
		t.Errorf("drop not counted:\n%s", out)
	}
}
