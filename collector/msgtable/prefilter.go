package msgtable

import "math/bits"

// literalSet finds, in one pass over a message, every rule whose literals occur in it:
// an Aho-Corasick automaton over all rules' literals, compiled to a dense DFA over byte
// classes (bytes that appear in no literal share one class), so the scan is one table
// load per byte whatever the number of rules. Japanese literals are matched as their
// UTF-8 bytes, which is sound because UTF-8 is self-synchronising.
type literalSet struct {
	class   [256]uint16
	nclass  int
	next    []uint32 // row of state s is s*nclass; entry = row of the next state | hasOutput
	outFrom []uint32 // outputs of state s: outRule[outFrom[s]:outFrom[s+1]]
	outRule []uint32 // rule indices, each state's list including its suffixes' outputs
	rules   int
}

func newLiteralSet(literals [][]string) *literalSet {
	ls := &literalSet{rules: len(literals)}
	// Byte classes: 0 for bytes in no literal.
	for _, lits := range literals {
		for _, lit := range lits {
			for i := 0; i < len(lit); i++ {
				if ls.class[lit[i]] == 0 {
					ls.nclass++
					ls.class[lit[i]] = uint16(ls.nclass)
				}
			}
		}
	}
	ls.nclass++

	// Trie.
	type node struct {
		child map[uint16]uint32
		fail  uint32
		out   []uint32
	}
	nodes := []node{{child: map[uint16]uint32{}}}
	for r, lits := range literals {
		for _, lit := range lits {
			s := uint32(0)
			for i := 0; i < len(lit); i++ {
				c := ls.class[lit[i]]
				nx, ok := nodes[s].child[c]
				if !ok {
					nodes = append(nodes, node{child: map[uint16]uint32{}})
					nx = uint32(len(nodes) - 1)
					nodes[s].child[c] = nx
				}
				s = nx
			}
			if o := nodes[s].out; len(o) == 0 || o[len(o)-1] != uint32(r) {
				nodes[s].out = append(nodes[s].out, uint32(r))
			}
		}
	}

	// Breadth-first: failure links, merged outputs and the full transition table.
	ls.next = make([]uint32, len(nodes)*ls.nclass)
	queue := make([]uint32, 0, len(nodes))
	for c := 0; c < ls.nclass; c++ {
		if nx, ok := nodes[0].child[uint16(c)]; ok {
			ls.next[c] = nx
			queue = append(queue, nx)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = mergeRules(nodes[s].out, nodes[f].out)
		for c := 0; c < ls.nclass; c++ {
			if nx, ok := nodes[s].child[uint16(c)]; ok {
				nodes[nx].fail = ls.next[int(f)*ls.nclass+c]
				ls.next[int(s)*ls.nclass+c] = nx
				queue = append(queue, nx)
			} else {
				ls.next[int(s)*ls.nclass+c] = ls.next[int(f)*ls.nclass+c]
			}
		}
	}
	// Store row offsets instead of state numbers so the scan needs no multiply, and flag
	// states with outputs so the common no-output step costs one compare.
	for i, nx := range ls.next {
		v := nx * uint32(ls.nclass)
		if len(nodes[nx].out) > 0 {
			v |= hasOutput
		}
		ls.next[i] = v
	}
	ls.outFrom = make([]uint32, len(nodes)+1)
	for s := range nodes {
		ls.outFrom[s] = uint32(len(ls.outRule))
		ls.outRule = append(ls.outRule, nodes[s].out...)
	}
	ls.outFrom[len(nodes)] = uint32(len(ls.outRule))
	return ls
}

// mergeRules returns the sorted union of two sorted rule lists.
func mergeRules(a, b []uint32) []uint32 {
	if len(b) == 0 {
		return a
	}
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

const hasOutput = 1 << 31

// scan marks in hits (one bit per rule, table order) every rule with a literal in msg.
func (ls *literalSet) scan(msg string, hits []uint64) {
	next, class := ls.next, &ls.class
	row := uint32(0)
	for i := 0; i < len(msg); i++ {
		v := next[row+uint32(class[msg[i]])]
		row = v &^ hasOutput
		if v&hasOutput != 0 {
			s := row / uint32(ls.nclass)
			for _, r := range ls.outRule[ls.outFrom[s]:ls.outFrom[s+1]] {
				hits[r>>6] |= 1 << (r & 63)
			}
		}
	}
}

// eachHit calls fn for the set bits of hits in ascending order until fn returns true.
func eachHit(hits []uint64, fn func(rule int) bool) bool {
	for w, word := range hits {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			if fn(w*64 + b) {
				return true
			}
			word &= word - 1
		}
	}
	return false
}

// skipScanner is the Wu-Manber multi-literal search grep -F's speed comes from: a window
// of the shortest literal's length slides over the message, and the last two bytes of
// the window say how far it may jump without skipping a match. Log lines rarely contain
// the rules' byte pairs, so most of a line is skipped, not read.
type skipScanner struct {
	m      int                  // window: the shortest literal length
	shift  []uint8              // by byte pair: safe jump
	bucket map[uint16][]skipLit // by byte pair ending a literal's m-prefix
}

type skipLit struct {
	lit  string
	rule uint32
}

// minSkipWindow below this the jumps are too short to beat the automaton.
const minSkipWindow = 4

func newSkipScanner(literals [][]string) *skipScanner {
	m := 255
	for _, lits := range literals {
		for _, lit := range lits {
			m = min(m, len(lit))
		}
	}
	if m < minSkipWindow {
		return nil
	}
	sc := &skipScanner{m: m, shift: make([]uint8, 1<<16), bucket: make(map[uint16][]skipLit)}
	for i := range sc.shift {
		sc.shift[i] = uint8(m - 1)
	}
	for r, lits := range literals {
		for _, lit := range lits {
			for j := 1; j < m; j++ {
				pair := uint16(lit[j-1])<<8 | uint16(lit[j])
				sc.shift[pair] = min(sc.shift[pair], uint8(m-1-j))
			}
			pair := uint16(lit[m-2])<<8 | uint16(lit[m-1])
			sc.bucket[pair] = append(sc.bucket[pair], skipLit{lit: lit, rule: uint32(r)})
		}
	}
	return sc
}

func (sc *skipScanner) scan(msg string, hits []uint64) {
	shift := sc.shift
	for pos := sc.m - 1; pos < len(msg); {
		pair := uint16(msg[pos-1])<<8 | uint16(msg[pos])
		if d := shift[pair]; d > 0 {
			pos += int(d)
			continue
		}
		start := pos - sc.m + 1
		for _, c := range sc.bucket[pair] {
			if len(msg)-start >= len(c.lit) && msg[start:start+len(c.lit)] == c.lit {
				hits[c.rule>>6] |= 1 << (c.rule & 63)
			}
		}
		pos++
	}
}
