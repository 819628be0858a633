package bundle

import (
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"
	"github.com/secagent-exporter/secagent_exporter/internal/host"
)

// Agent is what a support bundle collects for one agent. The collector that reads the
// agent provides it (collector.BundleAgents), from the layout it reads itself, so the
// bundle reads what the exporter reads, including the operator's --collector.<name>.*
// paths, and adding an agent touches no file here.
type Agent struct {
	Name string
	// Commands are run first (read-only commands only), one output file each.
	Commands []Command
	// Files and Logs are asked after the commands ran, with their outputs by command
	// name (cmdagent -i names the agent's log directory); either may be nil.
	Files func(h Host) []File
	Logs  func(h Host, outputs map[string][]byte) []Log
}

// Host is what an Agent may read to say where its files are: the host's paths (files
// are read through Paths.Host()), its system and time zone.
type Host struct {
	Paths    host.Paths
	GOOS     string
	Location *time.Location
}

// Command is one agent CLI run: the first existing of Paths (host paths), with Args.
type Command struct {
	Name  string
	Paths []string
	Args  []string
}

// File is one configuration file kind; every existing one of Paths (host paths) is
// taken, redacted.
type File struct {
	Name  string
	Paths []string
}

// Log is one agent log: the files matching Patterns in each of Dirs (host paths). Their
// tails are kept, and the lines Classifier does not classify are listed and shaped.
type Log struct {
	Name     string
	Dirs     []string
	Patterns []string
	// Message extracts the message a classifier looks at; false means the line is not
	// a record start (a continuation) and is skipped.
	Message    func(line string, loc *time.Location) (string, bool)
	Classifier *msgtable.Classifier
	// Note, when set, heads the log's shapes (the site rows could not be loaded).
	Note string
}
