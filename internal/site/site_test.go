package site

import (
	"strings"
	"testing"
	"time"
)

func TestInjectSelector(t *testing.T) {
	const m = `job="x"`
	cases := []struct{ in, want string }{
		{`up == 0`, `up{job="x"} == 0`},
		{`up{a="b"} == 0`, `up{a="b", job="x"} == 0`},
		{`up{} == 0`, `up{job="x"} == 0`},
		{`sum by (job, instance) (rate(a_total{r=~"u|d"}[30m]))`, `sum by (job, instance) (rate(a_total{r=~"u|d", job="x"}[30m]))`},
		{`max without (id) (b) and on (job) group_left () c`, `max without (id) (b{job="x"}) and on (job) group_left () c{job="x"}`},
		{`count(a{s="}{"}) > bool 1 * 3600`, `count(a{s="}{", job="x"}) > bool 1 * 3600`},
		{`{__name__=~"instance:x_[a-z]+:bool"}`, `{__name__=~"instance:x_[a-z]+:bool", job="x"}`},
		{`time() - a offset 5m > 4 * 3600 # up here`, `time() - a{job="x"} offset 5m > 4 * 3600 # up here`},
		{`label_replace(a, "dst", "$1", "src", "(.*)")`, `label_replace(a{job="x"}, "dst", "$1", "src", "(.*)")`},
		{`absent(up{job="secagent"})`, `absent(up{job="secagent", job="x"})`},
		{"topk(3,\n  a)", "topk(3,\n  a{job=\"x\"})"},
		{`a{b="c",}`, `a{b="c",job="x"}`},
	}
	for _, c := range cases {
		got, err := InjectSelector(c.in, m)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("InjectSelector(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	if got, _ := InjectSelector("up == 0", ""); got != "up == 0" {
		t.Errorf("empty matchers changed the expression: %q", got)
	}
	for _, bad := range []string{`up{a="b"`, `a{b="c}`, `rate(a[5m)`} {
		if _, err := InjectSelector(bad, m); err == nil {
			t.Errorf("InjectSelector(%q): no error", bad)
		}
	}
}

func FuzzInjectSelector(f *testing.F) {
	for _, s := range []string{`up == 0`, `sum by (job) (a{b="c"}[5m])`, `{__name__=~"x"}`, `a{b="\"}"}`, "x # c\ny", `a{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		out, err := InjectSelector(expr, `job="x"`)
		if err != nil {
			return
		}
		// everything of the input survives, in order: only matchers are added
		if len(out) < len(expr) {
			t.Fatalf("output %q shorter than input %q", out, expr)
		}
		again, err := InjectSelector(expr, "")
		if err != nil || again != expr {
			t.Fatalf("empty matchers: %q, %v", again, err)
		}
	})
}

func TestParseMatchers(t *testing.T) {
	good := map[string]string{
		``:                          ``,
		`job="secagent"`:            `job="secagent"`,
		`{job=~"a|b" , env!="lab"}`: `job=~"a|b", env!="lab"`,
		`instance!~"test-.*"`:       `instance!~"test-.*"`,
		`job="with \"quote\""`:      `job="with \"quote\""`,
	}
	for in, want := range good {
		got, err := ParseMatchers(in)
		if err != nil || got != want {
			t.Errorf("ParseMatchers(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`job`, `job=secagent`, `job=="x"`, `job="x" env="y"`, `9job="x"`, `job="x`, `up{job="x"}`} {
		if _, err := ParseMatchers(bad); err == nil {
			t.Errorf("ParseMatchers(%q): no error", bad)
		}
	}
}

func FuzzParseMatchers(f *testing.F) {
	for _, s := range []string{`job="x"`, `{a=~"b", c!="d"}`, `a="\"`, `,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatchers(s)
		if err != nil {
			return
		}
		// the normalised form parses to itself
		if again, err := ParseMatchers(m); err != nil || again != m {
			t.Fatalf("ParseMatchers(%q) = %q, then %q, %v", s, m, again, err)
		}
	})
}

func TestParseConfig(t *testing.T) {
	c, err := Parse([]byte("language: ja\ngroup_label: site\nthresholds:\n  cisco_tetra_age_warning: 1d12h\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Language != "ja" || c.GroupLabel != "site" || time.Duration(c.Thresholds.CiscoTetraAgeWarning) != 36*time.Hour {
		t.Errorf("parsed %+v", c)
	}
	if c.Thresholds.QualysContactWarning != Default().Thresholds.QualysContactWarning || c.RunbookBase != DefaultRunbookBase {
		t.Errorf("left-out keys lost their defaults: %+v", c)
	}
	if got := c.RunbookURL("McAfeeAgentASCIStale"); got != DefaultRunbookBase+"runbooks.ja.md#mcafeeagentascistale" {
		t.Errorf("RunbookURL = %q", got)
	}
	for _, bad := range []string{
		"language: de\n", "group_label: job\n", "group_label: 'a b'\n", "selector: job=x\n",
		"thresholds:\n  qualys_contact_warning: 5d\n", "thresholds:\n  qualys_contact_warning: 6 hours\n",
		"unknown_key: 1\n", "runbook_url_base: 'http://x/#'\n",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
	if _, err := Parse(nil); err != nil {
		t.Errorf("empty config: %v", err)
	}
}

func TestSecondsAndHuman(t *testing.T) {
	cases := []struct {
		d           time.Duration
		sec, en, ja string
	}{
		{4 * time.Hour, "4 * 3600", "4 hours", "4 時間"},
		{24 * time.Hour, "24 * 3600", "24 hours", "24 時間"},
		{72 * time.Hour, "3 * 86400", "3 days", "3 日"},
		{time.Hour, "3600", "1 hour", "1 時間"},
		{30 * time.Minute, "1800", "30 minutes", "30 分"},
		{14 * 24 * time.Hour, "14 * 86400", "2 weeks", "2 週間"},
	}
	for _, c := range cases {
		if got := Seconds(Duration(c.d)); got != c.sec {
			t.Errorf("Seconds(%v) = %q, want %q", c.d, got, c.sec)
		}
		if got := Human(Duration(c.d), "en"); got != c.en {
			t.Errorf("Human(%v, en) = %q, want %q", c.d, got, c.en)
		}
		if got := Human(Duration(c.d), "ja"); got != c.ja {
			t.Errorf("Human(%v, ja) = %q, want %q", c.d, got, c.ja)
		}
	}
}

func TestRenderRuleFileRejects(t *testing.T) {
	c := Default()
	for name, src := range map[string]string{
		"runbook in source": "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      summary: {en: a, ja: あ}\n      description: {en: b, ja: い}\n      runbook_url: x\n",
		"no ja":             "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      summary: {en: a}\n      description: {en: b, ja: い}\n",
		"plain summary":     "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      summary: a\n      description: {en: b, ja: い}\n",
		"unknown key":       "groups:\n- name: g\n  rules:\n  - record: a:b:c\n    expr: up > [[ .S.nope ]]\n",
	} {
		if _, err := RenderRuleFile(c, "x.yml", []byte(src)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	out, err := RenderRuleFile(c, "x.yml", []byte("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      summary: {en: a, ja: あ}\n      description: {en: b, ja: い}\n"))
	if err != nil || !strings.Contains(string(out), "runbook_url: "+DefaultRunbookBase+"runbooks.md#a") {
		t.Errorf("render: %v\n%s", err, out)
	}
}
