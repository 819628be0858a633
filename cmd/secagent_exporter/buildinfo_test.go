package main

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/prometheus/common/version"
)

func TestApplyBuildInfo(t *testing.T) {
	saved := [...]string{version.Version, version.Revision, version.BuildDate, version.Branch, version.BuildUser}
	t.Cleanup(func() {
		version.Version, version.Revision, version.BuildDate, version.Branch, version.BuildUser =
			saved[0], saved[1], saved[2], saved[3], saved[4]
	})
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "5f4e0051fdb4e2cc40966d512e7cbde83fbba63f"},
			{Key: "vcs.time", Value: "2026-12-03T07:36:11Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	for _, tc := range []struct {
		name                     string
		ldflagsVersion           string
		main                     string
		settings                 []debug.BuildSetting
		version, revision, bdate string
	}{
		{"tagged", "", "v0.1.0", vcs("false"), "0.1.0", "5f4e0051fdb4e2cc40966d512e7cbde83fbba63f", "2026-12-03T07:36:11Z"},
		{"pseudo-version, dirty", "", "v0.0.0-20261203073611-5f4e0051fdb4+dirty", vcs("true"),
			"0.0.0-20261203073611-5f4e0051fdb4+dirty", "5f4e0051fdb4e2cc40966d512e7cbde83fbba63f-dirty", "2026-12-03T07:36:11Z"},
		{"devel with VCS", "", "(devel)", vcs("false"), "devel-5f4e0051fdb4", "5f4e0051fdb4e2cc40966d512e7cbde83fbba63f", "2026-12-03T07:36:11Z"},
		{"no VCS", "", "(devel)", nil, "devel", "", ""},
		{"ldflags win", "0.2.0-rc.1", "v0.0.0-20261203073611-5f4e0051fdb4", vcs("false"), "0.2.0-rc.1", "5f4e0051fdb4e2cc40966d512e7cbde83fbba63f", "2026-12-03T07:36:11Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			version.Version, version.Revision, version.BuildDate, version.Branch, version.BuildUser = tc.ldflagsVersion, "", "", "", ""
			applyBuildInfo(&debug.BuildInfo{Main: debug.Module{Path: "github.com/secagent-exporter/secagent_exporter", Version: tc.main}, Settings: tc.settings})
			if version.Version != tc.version || version.Revision != tc.revision || version.BuildDate != tc.bdate {
				t.Errorf("version %q revision %q date %q, want %q %q %q",
					version.Version, version.Revision, version.BuildDate, tc.version, tc.revision, tc.bdate)
			}
			if version.Branch == "" || version.BuildUser == "" {
				t.Errorf("branch %q build user %q left empty", version.Branch, version.BuildUser)
			}
		})
	}
}

// TestPlainGoBuildReportsVCSVersion builds the exporter the way a user does without make:
// plain `go build` in a git checkout. The checkout is a fresh repository holding this
// working tree in one commit (Go records VCS information only where .git is a directory,
// not in a linked worktree). --version, secagent_exporter_build_info and the landing page
// must carry that commit.
func TestPlainGoBuildReportsVCSVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the exporter from a copy of the tree")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	files, err := exec.Command("git", "-C", "../..", "ls-files", "-z", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Skip("not in a git checkout")
	}
	clone := filepath.Join(t.TempDir(), "src")
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join("..", "..", f))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(clone, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", clone, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "tree under test")
	rev := git("rev-parse", "HEAD")
	binary := filepath.Join(t.TempDir(), exporterName)
	build := exec.Command("go", "build", "-trimpath", "-o", binary, "./cmd/secagent_exporter")
	build.Dir = clone
	// The user's GOFLAGS may say -buildvcs=false; a plain build on a developer machine does not.
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	out, err := exec.Command(binary, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	// With no tag on the commit, Go gives a pseudo-version ending in the short commit.
	m := regexp.MustCompile(`version (\S+) \(branch: \S+, revision: (\S+)\)`).FindStringSubmatch(string(out))
	if m == nil || m[2] != rev || !strings.HasSuffix(m[1], "-"+rev[:12]) {
		t.Fatalf("--version = %q, want a module version naming commit %s", out, rev)
	}

	p := startExporterWith(t, "http", binary, nil, "--collector.disable-defaults", "--state.dir="+t.TempDir())
	metrics, _ := scrape(t, http.DefaultClient, p.URL+"/metrics", "")
	wantLabels := `revision="` + rev + `"`
	if !strings.Contains(metrics, wantLabels) || !strings.Contains(metrics, `version="`+m[1]+`"`) {
		t.Errorf("secagent_exporter_build_info lacks %s and version %q:\n%s", wantLabels, m[1], grepLines(metrics, "build_info"))
	}
	resp, err := http.Get(p.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "version="+m[1]) {
		t.Errorf("landing page does not show version %s", m[1])
	}
}

func grepLines(text, substr string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
