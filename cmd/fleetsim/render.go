package main

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/secagent-exporter/secagent_exporter/internal/fleetsim"
)

// A program is the merged host compiled once: the bytes every host shares (HELP and TYPE
// lines, names, static labels, constant values) as literals, and between them the few
// slots that differ per host or per refresh (identity labels, versions, timestamps, ages,
// durations). Rendering host i appends into a caller's buffer without allocating and
// writes exactly what fleetsim.Host writes (TestProgramMatchesHost).
type program struct{ ops []op }

type opKind uint8

const (
	opLit       opKind = iota
	opGUID             // identity label value: a GUID of host i
	opVersion          // info version label: one of vs, by host
	opDuration         // <duration> placeholder: varies with the render time
	opTimestamp        // *_timestamp_seconds: v moved from the goldens' clock to now, minus the host's lag
	opAge              // *_age_seconds: v plus the host's lag
)

type op struct {
	kind opKind
	lit  []byte
	salt string
	vs   []string
	v    float64
}

// The versions, identity labels, build labels and clock are internal/fleetsim's (Host):
// the drift test compares every byte.

func compile(fams []fleetsim.Family) *program {
	p := &program{}
	var lit []byte
	emit := func(o op) {
		if len(lit) > 0 {
			p.ops = append(p.ops, op{kind: opLit, lit: lit})
			lit = nil
		}
		p.ops = append(p.ops, o)
	}
	for _, f := range fams {
		if f.Help != "" {
			lit = append(lit, "# HELP "+f.Name+" "+f.Help+"\n"...)
		}
		if f.Type != "" {
			lit = append(lit, "# TYPE "+f.Name+" "+f.Type+"\n"...)
		}
		for _, s := range f.Samples {
			lit = append(lit, s.Name...)
			if len(s.Labels) > 0 {
				lit = append(lit, '{')
				for j, l := range s.Labels {
					if j > 0 {
						lit = append(lit, ',')
					}
					if l.Name == fleetsim.BuildLabels {
						lit = append(lit, fleetsim.BuildValues...)
						continue
					}
					lit = append(lit, l.Name+"="...)
					switch {
					case fleetsim.IDLabels[l.Name] && l.Value != "":
						emit(op{kind: opGUID, salt: s.Name + l.Name})
					case l.Name == "version" && fleetsim.Versions[s.Name] != nil:
						emit(op{kind: opVersion, salt: s.Name, vs: fleetsim.Versions[s.Name]})
					default:
						lit = strconv.AppendQuote(lit, l.Value)
					}
				}
				lit = append(lit, '}')
			}
			lit = append(lit, ' ')
			v, _ := strconv.ParseFloat(s.Value, 64)
			switch {
			case s.Value == "<duration>":
				emit(op{kind: opDuration})
			case strings.HasSuffix(s.Name, "_timestamp_seconds") && s.Value != "0":
				emit(op{kind: opTimestamp, v: v})
			case strings.HasSuffix(s.Name, "_age_seconds"):
				emit(op{kind: opAge, v: v})
			default:
				lit = append(lit, s.Value...)
			}
			lit = append(lit, '\n')
		}
	}
	if len(lit) > 0 {
		p.ops = append(p.ops, op{kind: opLit, lit: lit})
	}
	return p
}

// render appends host i's exposition at time now to dst.
func (p *program) render(dst []byte, i int, now time.Time) []byte {
	lag := float64(simHash(i, "lag", -1) % 1800)
	unix := float64(now.Unix())
	var nano [20]byte
	durationSalt := strconv.AppendInt(nano[:0], now.UnixNano(), 10)
	for k := range p.ops {
		o := &p.ops[k]
		switch o.kind {
		case opLit:
			dst = append(dst, o.lit...)
		case opGUID:
			dst = appendGUID(dst, i, o.salt)
		case opVersion:
			dst = strconv.AppendQuote(dst, o.vs[simHash(i, o.salt, -1)%uint32(len(o.vs))])
		case opDuration:
			d := 0.001 + float64(simHashBytes(i, durationSalt)%5000)/1e6
			dst = strconv.AppendFloat(dst, d, 'g', -1, 64)
		case opTimestamp:
			dst = strconv.AppendFloat(dst, math.Round(o.v+unix-fleetsim.GoldenTime-lag), 'g', -1, 64)
		case opAge:
			dst = strconv.AppendFloat(dst, o.v+lag, 'g', -1, 64)
		}
	}
	return dst
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// simHash is FNV-1a of "<i>/<salt>" (with the digit k appended when k >= 0), as
// fleetsim's hash, without building the string.
func simHash(i int, salt string, k int) uint32 {
	h := simHashPrefix(i)
	for j := 0; j < len(salt); j++ {
		h = (h ^ uint32(salt[j])) * fnvPrime
	}
	if k >= 0 {
		var buf [20]byte
		for _, c := range strconv.AppendInt(buf[:0], int64(k), 10) {
			h = (h ^ uint32(c)) * fnvPrime
		}
	}
	return h
}

func simHashBytes(i int, salt []byte) uint32 {
	h := simHashPrefix(i)
	for _, c := range salt {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

func simHashPrefix(i int) uint32 {
	var buf [21]byte
	h := uint32(fnvOffset)
	for _, c := range append(strconv.AppendInt(buf[:0], int64(i), 10), '/') {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// appendGUID appends the quoted GUID of host i for one identity: four hashes as
// upper-case hex, grouped 8-4-4-4-12.
func appendGUID(dst []byte, i int, salt string) []byte {
	const hex = "0123456789ABCDEF"
	var g [32]byte
	for k := 0; k < 4; k++ {
		h := simHash(i, salt, k)
		for n := 7; n >= 0; n-- {
			g[k*8+n] = hex[h&0xf]
			h >>= 4
		}
	}
	dst = append(dst, '"')
	dst = append(dst, g[0:8]...)
	dst = append(dst, '-')
	dst = append(dst, g[8:12]...)
	dst = append(dst, '-')
	dst = append(dst, g[12:16]...)
	dst = append(dst, '-')
	dst = append(dst, g[16:20]...)
	dst = append(dst, '-')
	dst = append(dst, g[20:32]...)
	return append(dst, '"')
}
