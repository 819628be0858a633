package collector

import (
	"context"
	"slices"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail"
)

// lineResult is what a collector made of one log record.
type lineResult int

const (
	lineIgnored      lineResult = iota // not this agent's line (another program's syslog record)
	lineClassified                     // a message table row matched
	lineUnclassified                   // the agent's line, but no row matched (or it did not parse)
)

// logPipeline is one log source of a collector, read the one way every log-reading
// collector reads: a tailer over the source's globs (rebuilt when they change,
// continuing from the state in memory), the state derived from its records (loaded once
// from the exporter's one state store, saved with the offsets on every poll), the
// classified/unclassified counts, and the secagent_log_lines_total series.
type logPipeline struct {
	env    Env
	store  *logtail.Store
	source logtail.Source // everything but Globs
	// state points at the derived state saved with the offsets; load (default state) is
	// where the saved one is read into when the tailer is first built.
	state, load any
	// loaded reports whether a saved derived state was found at the first build.
	loaded bool
	// beforeCommit, when set, runs after the records are read and before the state is
	// saved (pruning what aged out).
	beforeCommit func()

	tailer *logtail.Tailer
	globs  []string
	counts LogLineCounts
}

// newLogPipeline reads source (its FS is the host tree: env.Paths.Host()) into state.
func newLogPipeline(env Env, store *logtail.Store, source logtail.Source, state any) *logPipeline {
	return &logPipeline{env: env, store: store, source: source, state: state, load: state}
}

// setGlobs builds the tailer, or rebuilds it when the globs changed (an agent moved its
// log directory). Only the first build loads the saved derived state.
func (p *logPipeline) setGlobs(globs []string) {
	if p.tailer != nil && slices.Equal(p.globs, globs) {
		return
	}
	first := p.tailer == nil
	p.globs = slices.Clone(globs)
	src := p.source
	src.Globs = p.globs
	p.tailer = logtail.NewTailer(src, p.store, p.env.Logger)
	if first && p.load != nil {
		p.loaded = p.tailer.Derived(p.load)
	}
}

// poll checks dirs (when given: an unreadable directory is the source's error, and
// nothing is read), reads what the files gained, hands each record to handle, counts
// what handle made of it, and saves offsets and derived state together.
func (p *logPipeline) poll(ctx context.Context, dirs []string, handle func(logtail.Record) lineResult) error {
	if len(dirs) > 0 {
		if _, err := checkLogDirs(p.env.Paths.Host(), dirs); err != nil {
			return err
		}
	}
	err := p.tailer.Poll(ctx, func(r logtail.Record) {
		switch handle(r) {
		case lineClassified:
			p.counts.Classified++
		case lineUnclassified:
			p.counts.Unclassified++
		}
	})
	if p.beforeCommit != nil {
		p.beforeCommit()
	}
	if cerr := p.tailer.Commit(p.state); cerr != nil {
		// The tailer keeps its state in memory; the next poll retries.
		p.env.Logger.Warn("log state not saved", "source", p.source.Name, "err", cerr)
	}
	return err
}

// filesSeen is how many files the last poll read.
func (p *logPipeline) filesSeen() int { return p.tailer.FilesSeen() }

// emitLines records secagent_log_lines_total under name, adding the counts of more
// pipelines that feed the same source (their undecodable bytes are not counted).
func (p *logPipeline) emitLines(s *Scrape, name string, more ...*logPipeline) {
	counts := p.counts
	for _, m := range more {
		if m != nil {
			counts.Classified += m.counts.Classified
			counts.Unclassified += m.counts.Unclassified
		}
	}
	emitLogLines(s, name, counts, p.tailer.Counts())
}
