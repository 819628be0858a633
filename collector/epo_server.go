package collector

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"

	"github.com/alecthomas/kingpin/v2"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
)

// The epo_server collector runs on the ePO server and counts the agents it refuses for an
// invalid sequence number (KB60776, sources.md S2): snapshot-restored VDI, imaged or cloned
// machines sharing a GUID. The agent side only sees an empty acknowledgement; the server
// log names the agent.
var epoServerFlags = func() *epoServerFlagValues {
	f := &epoServerFlagValues{}
	kingpin.Flag("collector.epo_server.log",
		`Glob of the ePO server log (repeatable). Default: Server.log and server_<name>.log in <ePO install dir>\DB\Logs under C:\Program Files and C:\Program Files (x86).`).
		Default(
			`C:\Program Files\McAfee\ePolicy Orchestrator\DB\Logs\[Ss]erver*.log`,
			`C:\Program Files (x86)\McAfee\ePolicy Orchestrator\DB\Logs\[Ss]erver*.log`,
		).StringsVar(&f.Logs)
	kingpin.Flag("collector.epo_server.window",
		"Window over which rejected agents are counted (epo_server_sequence_error_agents, epo_server_agent_sequence_errors).").
		Default("24h").DurationVar(&f.Window)
	kingpin.Flag("collector.epo_server.top",
		"Number of most-rejected agents exported by GUID in epo_server_agent_sequence_errors (bounds the series count).").
		Default("20").IntVar(&f.Top)
	messagesFileFlag("epo_server", "ePO server log", &f.MessagesFile)
	return f
}()

type epoServerFlagValues struct {
	Logs         []string
	Window       time.Duration
	Top          int
	MessagesFile string
}

func init() {
	registerCollector("epo_server", false, newEPOServerCollector)
}

const epoServerLogSource = "epo_server_log"

var (
	epoServerSequenceErrorsDesc = NewDesc("epo_server_sequence_errors_total",
		"Agent requests the ePO server refused for an invalid sequence number (Server.log, KB60776), counted since the state directory was created.")
	epoServerSequenceErrorAgentsDesc = NewDesc("epo_server_sequence_error_agents",
		"Distinct agent GUIDs refused for an invalid sequence number within --collector.epo_server.window.")
	epoServerAgentSequenceErrorsDesc = NewDesc("epo_server_agent_sequence_errors",
		"Sequence-number refusals within --collector.epo_server.window of the --collector.epo_server.top most refused agents.",
		"agent_guid")
	epoServerSequenceErrorLastDesc = NewDesc("epo_server_sequence_error_last_timestamp_seconds",
		"Time of the newest sequence-number refusal in the ePO server log.")
	epoServerLogFilesDesc = NewDesc("epo_server_log_files",
		"ePO server log files matched by --collector.epo_server.log in this scrape.")
)

// maxEPOServerTop bounds --collector.epo_server.top whatever the configuration says.
const maxEPOServerTop = 1000

type epoServerConfig struct {
	globs  []string // host paths
	window time.Duration
	top    int
	// classifier is ServerMessages with the site's rows; nil for the built-in table.
	classifier *msgtable.Classifier
}

type epoServerCollector struct {
	env    Env
	cfg    epoServerConfig
	log    *logPipeline
	errors *mcafee.SequenceErrorWindow
	// classifier is ServerMessages with the site's rows.
	classifier *msgtable.Classifier
}

func newEPOServerCollector(env Env) (Collector, error) {
	classifier, err := loadClassifier("epo_server", epoServerFlags.MessagesFile)
	if err != nil {
		return nil, err
	}
	return newEPOServerCollectorWith(env, epoServerConfig{
		globs:      epoServerFlags.Logs,
		window:     epoServerFlags.Window,
		top:        epoServerFlags.Top,
		classifier: classifier,
	})
}

func newEPOServerCollectorWith(env Env, cfg epoServerConfig) (*epoServerCollector, error) {
	if cfg.window <= 0 {
		return nil, fmt.Errorf("--collector.epo_server.window must be positive, got %s", cfg.window)
	}
	if cfg.top < 0 || cfg.top > maxEPOServerTop {
		return nil, fmt.Errorf("--collector.epo_server.top must be between 0 and %d, got %d", maxEPOServerTop, cfg.top)
	}
	globs := make([]string, 0, len(cfg.globs))
	for _, g := range cfg.globs {
		if g = strings.TrimSpace(g); g != "" {
			globs = append(globs, env.Paths.Root(g))
		}
	}
	if len(globs) == 0 {
		return nil, errors.New("--collector.epo_server.log: no glob given")
	}
	w := mcafee.NewSequenceErrorWindow(cfg.window, 0)
	log := newLogPipeline(env, env.logStore(), logtail.Source{
		Name:          epoServerLogSource,
		IsRecordStart: mcafee.IsServerRecordStart,
		FS:            env.Paths.Host(),
		OnSkip:        skipCounter("epo_server"),
	}, w)
	log.setGlobs(globs)
	if log.loaded {
		// The window may have been changed since the state was saved.
		w.Retention = cfg.window
		if w.Agents == nil {
			w.Agents = map[string]*mcafee.AgentSequenceErrors{}
		}
	}
	classifier := cfg.classifier
	if classifier == nil {
		classifier = msgtable.MustClassifier(mcafee.ServerMessages)
	}
	c := &epoServerCollector{env: env, cfg: cfg, log: log, errors: w, classifier: classifier}
	log.beforeCommit = func() { w.Prune(c.env.Now()) }
	return c, nil
}

func (c *epoServerCollector) Update(ctx context.Context, s *Scrape) error {
	loc := c.env.Location
	if loc == nil {
		loc = time.Local
	}
	err := c.log.poll(ctx, nil, func(r logtail.Record) lineResult {
		line, ok := mcafee.ParseServerLineWith(c.classifier, r.Text, loc)
		if !ok || line.Event == "" {
			return lineUnclassified
		}
		if line.Event == mcafee.ServerEventSequenceInvalid {
			c.errors.Add(line.AgentGUID, line.Time)
		}
		return lineClassified
	})
	files := c.log.filesSeen()
	if err == nil && files == 0 {
		err = errors.New("no ePO server log matches --collector.epo_server.log")
	}
	now := c.env.Now()
	s.Source(epoServerLogSource, err)
	s.Gauge(epoServerLogFilesDesc, float64(files))
	c.log.emitLines(s, epoServerLogSource)

	s.Counter(epoServerSequenceErrorsDesc, float64(c.errors.Total()))
	s.Gauge(epoServerSequenceErrorAgentsDesc, float64(c.errors.Distinct(now, c.cfg.window)))
	for _, g := range c.errors.Top(now, c.cfg.window, c.cfg.top) {
		s.Gauge(epoServerAgentSequenceErrorsDesc, float64(g.Count), s.GUIDLabel("agent_guid", g.GUID))
	}
	if last := c.errors.Last(); !last.IsZero() {
		s.Gauge(epoServerSequenceErrorLastDesc, unixSeconds(last))
	}
	return nil
}
