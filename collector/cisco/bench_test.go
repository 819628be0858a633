package cisco

import (
	"os"
	"testing"
	"time"
)

func benchmarkParser(b *testing.B, file string, parse func([]byte) error) {
	in, err := os.ReadFile("testdata/" + file)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePosture(b *testing.B) {
	benchmarkParser(b, "posture_tetra_kb.json", func(in []byte) error { _, err := ParsePosture(in); return err })
}

func BenchmarkParseLocalXML(b *testing.B) {
	benchmarkParser(b, "local_stats_definitions.xml", func(in []byte) error { _, err := ParseLocalXML(in); return err })
}

func BenchmarkParsePolicyXML(b *testing.B) {
	benchmarkParser(b, "policy_xmldsig.xml", func(in []byte) error { _, err := ParsePolicyXML(in); return err })
}

func BenchmarkParseAmpcliStatus(b *testing.B) {
	benchmarkParser(b, "ampcli_status_banner_fault18.txt", func(in []byte) error { _, err := ParseAmpcliStatus(in, time.UTC); return err })
}
