package collector

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/internal/fixturegen"
)

// fixtureHost is the tree of a fixture host: committed (fixtures/hosts/<name>), or
// expanded from its spec (fixtures/specs/<name>.spec) into a temporary directory of t.
func fixtureHost(t testing.TB, name string) string {
	t.Helper()
	return fixturegen.TestHost(t, "fixtures", name)
}

// writeFile creates path (and its directories) with content, for fixture trees built in tests.
func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// newScrape is a scrape of its own (nothing shared with other collectors), for tests.
func newScrape(collector string) *Scrape {
	return newSharedScrape(collector, &scrapeShared{})
}
