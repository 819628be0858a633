package logtail

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/secagent-exporter/secagent_exporter/collector/msgtable"

	"github.com/secagent-exporter/secagent_exporter/collector/logtail/internal/synthlog"
)

// Benchmarks read LOGTAIL_BENCH_EN / LOGTAIL_BENCH_JA when set (scripts/bench-logs.sh
// passes the files it also gives grep and mtail); otherwise they generate
// LOGTAIL_BENCH_MB MiB (default 16) in a temporary directory.
func benchLog(b *testing.B, ja bool) (string, int64) {
	b.Helper()
	env := "LOGTAIL_BENCH_EN"
	if ja {
		env = "LOGTAIL_BENCH_JA"
	}
	if p := os.Getenv(env); p != "" {
		fi, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		return p, fi.Size()
	}
	mib := int64(16)
	if s := os.Getenv("LOGTAIL_BENCH_MB"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		mib = v
	}
	path := filepath.Join(b.TempDir(), "masvc_BENCH.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := synthlog.Generate(f, mib<<20, ja); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(path)
	return path, fi.Size()
}

func benchRules() []msgtable.Rule {
	rules := make([]msgtable.Rule, len(synthlog.Literals))
	for i, lit := range synthlog.Literals {
		rules[i] = msgtable.Rule{Event: "e" + strconv.Itoa(i), Any: []string{lit}}
	}
	return rules
}

// BenchmarkColdScan reads a whole log from offset 0 (a first start with a backfill bound
// larger than the file) and classifies every record: the work grep -c -F does.
func BenchmarkColdScan(b *testing.B) {
	for _, lang := range []struct {
		name string
		ja   bool
	}{{"en_utf8", false}, {"ja_cp932", true}} {
		b.Run(lang.name, func(b *testing.B) {
			path, size := benchLog(b, lang.ja)
			for _, classify := range []bool{false, true} {
				name := "read"
				if classify {
					name = "read+classify"
				}
				b.Run(name, func(b *testing.B) {
					c := msgtable.MustClassifier(benchRules())
					b.SetBytes(size)
					var lines, matched uint64
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					for b.Loop() {
						tl := NewTailer(Source{Name: "bench", Globs: []string{path}, BackfillBytes: size + 1}, nil, nil)
						err := tl.Poll(context.Background(), func(r Record) {
							if classify {
								if _, ok := c.Classify(r.Text); ok {
									matched++
								}
							}
						})
						if err != nil {
							b.Fatal(err)
						}
						lines += tl.Counts().Lines
					}
					runtime.ReadMemStats(&after)
					b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(lines), "allocs/line")
					b.ReportMetric(float64(lines)/float64(b.N), "lines/op")
					if classify {
						b.ReportMetric(float64(matched)/float64(b.N), "matched/op")
					}
				})
			}
		})
	}
}

// sparseLog makes a log of about behind bytes whose middle is a hole, so a 1 GiB log
// costs no disk: only the head (for the fingerprint) and the tail are real lines.
func sparseLog(b *testing.B, behind int64) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "masvc_BENCH.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := synthlog.Generate(f, 64<<10, false); err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(behind - 64<<10); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Seek(0, 2); err != nil {
		b.Fatal(err)
	}
	if err := synthlog.Generate(f, 64<<10, false); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkIncremental is the steady-state scrape: about 10 KiB appended, one Poll.
// The cost must not depend on how much log lies behind the offset.
func BenchmarkIncremental(b *testing.B) {
	chunk := seqLines(0, 150) // ~10 KiB
	for _, behind := range []struct {
		name string
		size int64
	}{{"behind=1MiB", 1 << 20}, {"behind=1GiB", 1 << 30}} {
		b.Run(behind.name, func(b *testing.B) {
			path := sparseLog(b, behind.size)
			tl := NewTailer(Source{Name: "bench", Globs: []string{path}, BackfillBytes: 32 << 10}, nil, nil)
			if err := tl.Poll(context.Background(), func(Record) {}); err != nil {
				b.Fatal(err)
			}
			w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			c := msgtable.MustClassifier(benchRules())
			b.SetBytes(int64(len(chunk)))
			for b.Loop() {
				if _, err := w.Write(chunk); err != nil {
					b.Fatal(err)
				}
				if err := tl.Poll(context.Background(), func(r Record) { c.Classify(r.Text) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkClassify isolates the classifier on the synthetic log's lines (in memory):
// the skip scanner (all literals long) against the automaton (forced by a short literal).
func BenchmarkClassify(b *testing.B) {
	path, _ := benchLog(b, false)
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if len(raw) > 8<<20 {
		raw = raw[:8<<20]
	}
	msgs := strings.Split(string(raw), "\n")
	short := append(benchRules(), msgtable.Rule{Event: "short", Any: []string{"\x00\x01"}})
	for _, tc := range []struct {
		name  string
		rules []msgtable.Rule
	}{{"skip", benchRules()}, {"automaton", short}} {
		b.Run(tc.name, func(b *testing.B) {
			c := msgtable.MustClassifier(tc.rules)
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				for _, m := range msgs {
					c.Classify(m)
				}
			}
		})
	}
}
