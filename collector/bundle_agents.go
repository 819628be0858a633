package collector

import (
	"sort"
	"sync"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/internal/bundle"
)

// What the support bundle collects per agent is said by the collector that reads the
// agent, next to its layout (registerBundleAgent in its init), so a new agent touches no
// other file.
var (
	bundleAgentsMu sync.Mutex
	bundleAgents   = map[string]func(goos string) bundle.Agent{}
)

func registerBundleAgent(name string, f func(goos string) bundle.Agent) {
	bundleAgentsMu.Lock()
	defer bundleAgentsMu.Unlock()
	bundleAgents[name] = f
}

// BundleAgents returns what the support bundle collects for every agent on goos, from
// the layouts the command line configures, in name order.
func BundleAgents(goos string) []bundle.Agent {
	bundleAgentsMu.Lock()
	defer bundleAgentsMu.Unlock()
	names := make([]string, 0, len(bundleAgents))
	for n := range bundleAgents {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]bundle.Agent, 0, len(names))
	for _, n := range names {
		out = append(out, bundleAgents[n](goos))
	}
	return out
}

// bundleClassifier is a table's classifier with the site's messages-file rows, as the
// collector builds it; when the file cannot be loaded, the built-in rows and a note.
func bundleClassifier(table, path string, builtin func() *msgtable.Classifier) (*msgtable.Classifier, string) {
	if path == "" {
		return builtin(), ""
	}
	c, err := loadClassifier(table, path)
	if err != nil {
		return builtin(), err.Error() + " (built-in rows only)"
	}
	return c, ""
}
