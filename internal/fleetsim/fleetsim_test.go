package fleetsim

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const e2e = "../../collector/fixtures/e2e"

func load(t testing.TB, names ...string) [][]Family {
	var out [][]Family
	for _, n := range names {
		f, err := os.Open(filepath.Join(e2e, n+".metrics"))
		if err != nil {
			t.Fatal(err)
		}
		fams, err := Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out = append(out, fams)
	}
	return out
}

// Every golden parses, and a merged host is valid exposition for Prometheus' own parser
// with one series per golden series (build info once).
func TestGoldensToHosts(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(e2e, "*.metrics"))
	if len(paths) == 0 {
		t.Fatal("no goldens")
	}
	for _, p := range paths {
		load(t, strings.TrimSuffix(filepath.Base(p), ".metrics"))
	}
	scen := load(t, "mcafee-healthy", "cisco-win-healthy", "qualys-healthy")
	want := -2 // build info is in all three
	for _, fams := range scen {
		for _, f := range fams {
			want += len(f.Samples)
		}
	}
	host := Merge(scen...)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	parse := func(i int, at time.Time) map[string]*model.Sample {
		var buf bytes.Buffer
		if err := Host(&buf, host, i, at); err != nil {
			t.Fatal(err)
		}
		dec := expfmt.NewDecoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
		samples := map[string]*model.Sample{}
		for {
			mf := new(dto.MetricFamily)
			if err := dec.Decode(mf); err != nil {
				break
			}
			vec, err := expfmt.ExtractSamples(&expfmt.DecodeOptions{Timestamp: model.Now()}, mf)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range vec {
				samples[s.Metric.String()] = s
			}
		}
		return samples
	}
	h1, h2, h1later := parse(1, now), parse(2, now), parse(1, now.Add(time.Minute))
	if len(h1) != want {
		t.Fatalf("host 1 has %d series, the goldens %d", len(h1), want)
	}
	guids := func(m map[string]*model.Sample) string {
		for _, s := range m {
			if s.Metric["__name__"] == "epo_agent_info" {
				return string(s.Metric["guid"])
			}
		}
		return ""
	}
	if g1, g2 := guids(h1), guids(h2); g1 == "" || g1 == g2 || len(g1) != 36 {
		t.Errorf("GUIDs %q and %q: want two different GUIDs", g1, g2)
	}
	moved := false
	for k, s := range h1 {
		if strings.Contains(k, "connector_last_scan_timestamp_seconds") {
			later := h1later[k]
			moved = later != nil && later.Value-s.Value == 60
			// the golden's scan is 9 h before its clock
			want := float64(now.Unix() - 9*3600)
			if v := float64(s.Value); v > want || v <= want-1800 {
				t.Errorf("%s = %v: want the clock minus 9 h minus a lag under 30 min", k, s.Value)
			}
		}
	}
	if !moved {
		t.Error("connector_last_scan_timestamp_seconds does not follow the clock")
	}
}

func TestParseRejects(t *testing.T) {
	for _, bad := range []string{
		"1metric 1", "m{a=\"x} 1", "m{a=\"x\"} ", "m{a=\"x\"} 1 2 3", "m one", "# HELP 9x y",
		"m{a:b=\"x\"} 1", "m",
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
	fams, err := Parse(strings.NewReader("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\nm{a=\"q\\\"x\"} <duration>\n"))
	if err != nil || len(fams) != 2 || len(fams[0].Samples) != 3 || fams[1].Samples[0].Labels[0].Value != `q"x` {
		t.Errorf("histogram and escapes: %+v %v", fams, err)
	}
}

func FuzzParse(f *testing.F) {
	raw, _ := os.ReadFile(filepath.Join(e2e, "cisco-win-healthy.metrics"))
	f.Add(string(raw))
	f.Add("m{a=\"x\",b=\"y\\n\"} 1e3\n# TYPE m gauge\n")
	f.Add("secagent_exporter_build_info{<build labels>} 1\n")
	f.Add("m{} <duration>")
	f.Fuzz(func(t *testing.T, text string) {
		fams, err := Parse(strings.NewReader(text))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Host(&buf, Merge(fams), 7, time.Unix(1796000000, 0)); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(&buf)
		if err != nil {
			t.Fatalf("Host output does not parse: %v\n%s", err, buf.String())
		}
		n := func(fs []Family) (k int) {
			for _, f := range fs {
				k += len(f.Samples)
			}
			return
		}
		if n(again) != n(Merge(fams)) {
			t.Fatalf("%d samples in, %d out", n(Merge(fams)), n(again))
		}
	})
}
