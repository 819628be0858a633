package collector

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The skeleton classify writes, once its events are filled in, classifies every line it
// was written from: its regexps and literals fit the shapes.
func TestClassifySkeletonRoundTrip(t *testing.T) {
	file := filepath.Join("mcafee", "testdata", "ma4_ja_keyupdate.sjis.log")
	rep, err := Classify(context.Background(), ClassifyOptions{Collector: "mcafee", Files: []string{file}, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files[0].Encoding != "shift_jis" || rep.Unclassified == 0 || rep.Classified == 0 {
		t.Fatalf("unexpected report: %+v", rep)
	}
	var b bytes.Buffer
	WriteMessagesSkeleton(&b, rep)
	site := filepath.Join(t.TempDir(), "site.yml")
	if err := os.WriteFile(site, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// As written, the skeleton must not validate: every event is TODO.
	if _, err := Classify(context.Background(), ClassifyOptions{Collector: "mcafee", Files: []string{file}, MessagesFile: site}); err == nil ||
		!strings.Contains(err.Error(), `row 1 (id "site-1"): unknown event "TODO"`) {
		t.Fatalf("unedited skeleton: err = %v", err)
	}
	filled := strings.ReplaceAll(b.String(), "event: TODO", "event: properties_collected")
	if err := os.WriteFile(site, []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Classify(context.Background(), ClassifyOptions{Collector: "mcafee", Files: []string{file}, MessagesFile: site, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if again.Unclassified != 0 || again.Classified != rep.Classified+rep.Unclassified {
		t.Fatalf("after the skeleton: %d classified, %d unclassified (shapes %v)", again.Classified, again.Unclassified, again.Shapes)
	}
	if again.Events["properties_collected"] != rep.Events["properties_collected"]+rep.Unclassified {
		t.Errorf("site rows did not produce their event: %v", again.Events)
	}
}

func TestClassifyQualysSyslog(t *testing.T) {
	file := filepath.Join(fixtureHost(t, "qualys-syslog"), "var", "log", "messages")
	rep, err := Classify(context.Background(), ClassifyOptions{Collector: "qualys", Files: []string{file}, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	// 9 agent lines; systemd, sshd, kernel and qualys-cloud-agent-scan lines are skipped.
	if rep.Records != 14 || rep.Classified+rep.Unclassified != 9 || rep.Unclassified != 1 {
		t.Fatalf("records %d, classified %d, unclassified %d", rep.Records, rep.Classified, rep.Unclassified)
	}
	if len(rep.Shapes) != 1 || rep.Shapes[0].Shape != "Snapshot delta uploaded <n> records" {
		t.Errorf("shapes %v", rep.Shapes)
	}
}

func TestClassifyUnknownCollector(t *testing.T) {
	if _, err := Classify(context.Background(), ClassifyOptions{Collector: "cisco"}); err == nil {
		t.Fatal("cisco accepted")
	}
}

// docs/classify.md lists the built-in rows no public source confirms, so a site knows which
// of its lines are most worth sending upstream.
func TestClassifyDocListsUnverifiedRows(t *testing.T) {
	for _, name := range []string{"classify.md", "classify.ja.md"} {
		raw, err := os.ReadFile(filepath.Join("..", "docs", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range MessageTableCollectors {
			tb, _ := MessageTable(c)
			for _, r := range tb.Builtin {
				if !strings.Contains(r.Source, "[?]") {
					continue
				}
				if !strings.Contains(string(raw), "`"+r.Any[0]+"`") {
					t.Errorf("docs/%s does not list the unverified %s row %q", name, c, r.Any[0])
				}
			}
		}
	}
}
