package knowledge

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedTableParses(t *testing.T) {
	tbl, err := Parse(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.Alerts) < 40 {
		t.Fatalf("only %d rows", len(tbl.Alerts))
	}
	if a, ok := tbl.Lookup("McAfeeAgentKeyUpdatePending"); !ok || a.Anchor != "mcafeeagentkeyupdatepending" || a.Section != "mcafee" {
		t.Errorf("Lookup(McAfeeAgentKeyUpdatePending) = %+v, %v", a, ok)
	}
	if _, ok := tbl.Lookup("NoSuchAlert"); ok {
		t.Error("Lookup of an unknown alert succeeded")
	}
	if a, ok := tbl.ByFault(19); !ok || a.Alert != "CiscoConnectorSELinuxPolicyMissing" {
		t.Errorf("ByFault(19) = %s, %v", a.Alert, ok)
	}
}

// Every row has both languages, and the Japanese is Japanese: it is not the English text
// copied over, and it keeps the commands, metric names and KB ids of the English (every
// `code span` of the English remedy appears in the Japanese one).
func TestEveryRowIsTranslated(t *testing.T) {
	kana := regexp.MustCompile(`[\p{Hiragana}\p{Katakana}]`)
	code := regexp.MustCompile("`[^`]+`")
	for _, a := range Default.Alerts {
		for i, f := range a.Fields() {
			if strings.TrimSpace(f.JA) == "" || !kana.MatchString(f.JA) {
				t.Errorf("%s field %d: no Japanese text: %q", a.Alert, i+1, f.JA)
			}
			en := unwrap(f.EN)
			for _, c := range code.FindAllString(en, -1) {
				if !strings.Contains(f.JA, c) {
					t.Errorf("%s field %d: Japanese lacks %s", a.Alert, i+1, c)
				}
			}
			for _, kb := range regexp.MustCompile(`\bKB[0-9]+\b`).FindAllString(en, -1) {
				if !strings.Contains(f.JA, kb) {
					t.Errorf("%s field %d: Japanese lacks %s", a.Alert, i+1, kb)
				}
			}
		}
	}
}

// The citations of a row are exactly the KB ids and sources.md rows its texts name, and
// every sources.md row it names exists.
func TestCitationsMatchTheText(t *testing.T) {
	book, err := os.ReadFile(filepath.Join("..", "..", "docs", "sources.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range Default.Alerts {
		var all strings.Builder
		for _, f := range a.Fields() {
			all.WriteString(unwrap(f.EN) + "\n" + f.JA + "\n")
		}
		kb := uniq(regexp.MustCompile(`\bKB[0-9]+\b`).FindAllString(all.String(), -1))
		var src []string
		for _, m := range regexp.MustCompile(`sources\.md (S[0-9]+)`).FindAllStringSubmatch(all.String(), -1) {
			src = append(src, m[1])
		}
		src = uniq(src)
		if !slices.Equal(kb, uniq(a.KB)) {
			t.Errorf("%s: kb %v, the texts cite %v", a.Alert, a.KB, kb)
		}
		if !slices.Equal(src, uniq(a.Sources)) {
			t.Errorf("%s: sources %v, the texts cite %v", a.Alert, a.Sources, src)
		}
		for _, s := range a.Sources {
			if !strings.Contains(string(book), "\n| "+s+" |") {
				t.Errorf("%s cites %s, which docs/sources.md does not have", a.Alert, s)
			}
		}
	}
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func TestParseRefusesBadTables(t *testing.T) {
	good := string(embedded)
	cases := map[string]string{
		"unknown key":     strings.Replace(good, "    section: exporter\n", "    section: exporter\n    colour: red\n", 1),
		"wrong anchor":    strings.Replace(good, "anchor: secagentexporterdown", "anchor: exporterdown", 1),
		"unknown section": strings.Replace(good, "    section: probe\n", "    section: probes\n", 1),
		"duplicate alert": strings.NewReplacer("alert: SecagentExporterTargetsMissing\n", "alert: SecagentExporterDown\n",
			"anchor: secagentexportertargetsmissing\n", "anchor: secagentexporterdown\n").Replace(good),
		"no vendor": strings.Replace(good, "    vendor: probe\n", "", 1),
		"missing japanese": regexp.MustCompile(`(?s)(alert: SecagentProbeStale.*?meaning:\n      en: [^\n]*\n(?:        [^\n]*\n)*      ja: )\|-\n        [^\n]*`).
			ReplaceAllString(good, "${1}\"\""),
		"bad KB id":    strings.Replace(good, "kb: [KB74194]", "kb: [74194]", 1),
		"bad source":   strings.Replace(good, "sources: [S1]", "sources: [S1a]", 1),
		"two of fault": strings.Replace(good, "fault: 6\n", "fault: 5\n", 1),
	}
	for name, text := range cases {
		if text == good {
			t.Errorf("%s: the mutation did not apply", name)
			continue
		}
		if _, err := Parse([]byte(text)); err == nil {
			t.Errorf("%s: Parse accepted the table", name)
		}
	}
}

func TestUnwrap(t *testing.T) {
	for in, want := range map[string]string{
		"Run `cmdagent /p`\non the host.": "Run `cmdagent /p` on the host.",
		"  one  \n\n two":                 "one two",
		"サービスを\n起動してください。":                "サービスを起動してください。",
		"`sfc.exe`\nを実行":                  "`sfc.exe` を実行",
		"":                                "",
	} {
		if got := unwrap(in); got != want {
			t.Errorf("unwrap(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte("page: {}\n"))
	f.Add([]byte("alerts:\n  - alert: X\n    anchor: x\n"))
	f.Add([]byte("- [\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tbl, err := Parse(b)
		if err != nil {
			return
		}
		for _, lang := range Languages {
			_ = tbl.Runbook(lang)
		}
		for _, a := range tbl.Alerts {
			if got, ok := tbl.Lookup(a.Alert); !ok || got.Anchor != a.Anchor {
				t.Fatalf("row %s not found again", a.Alert)
			}
			_ = a.RemedyText("ja")
		}
	})
}

// A wrapped English line must not start a Markdown block of its own (a quote, a list, a
// heading) inside its bullet.
func TestContinuationLinesStayInTheirBullet(t *testing.T) {
	block := regexp.MustCompile(`^([>*+#-]|[0-9]+[.)])( |$)`)
	for _, a := range Default.Alerts {
		for i, f := range a.Fields() {
			for _, l := range strings.Split(f.EN, "\n")[1:] {
				if block.MatchString(l) {
					t.Errorf("%s field %d: line %q starts a Markdown block", a.Alert, i+1, l)
				}
			}
		}
	}
}
