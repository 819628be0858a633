package cisco

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// maxXMLDepth bounds element nesting: the connector's files are a handful of levels
// deep, and a corrupt or hostile file must not cost unbounded memory.
const maxXMLDepth = 64

// xmlNode is a namespace-agnostic element tree. policy.xml puts every payload element
// in the xmldsig namespace while local.xml uses none (sources.md S6), so lookups
// match local names only.
type xmlNode struct {
	name     string
	text     strings.Builder
	children []*xmlNode
}

// child returns the first direct child with the given local name (case-insensitive).
func (n *xmlNode) child(name string) *xmlNode {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

// path walks direct children by local name, e.g. path("agent", "engine", "tetra").
func (n *xmlNode) path(names ...string) *xmlNode {
	for _, name := range names {
		n = n.child(name)
		if n == nil {
			return nil
		}
	}
	return n
}

// textAt returns the trimmed text at a child path and whether the element exists.
func (n *xmlNode) textAt(names ...string) (string, bool) {
	e := n.path(names...)
	if e == nil {
		return "", false
	}
	return strings.TrimSpace(e.text.String()), true
}

func trimmedText(n *xmlNode) string {
	return strings.TrimSpace(n.text.String())
}

// find returns the first element in document order whose local name is name and whose
// parent's local name is parent ("" matches any parent); it implements the
// `//parent/name` XPath the Cisco KBs use (sources.md S3: `//tetra/lasterror`).
func (n *xmlNode) find(parent, name string) *xmlNode {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if strings.EqualFold(c.name, name) && (parent == "" || strings.EqualFold(n.name, parent)) {
			return c
		}
		if hit := c.find(parent, name); hit != nil {
			return hit
		}
	}
	return nil
}

// decodeBOMText turns the bytes of a connector XML file into UTF-8. The files are
// rewritten by the service and their encoding on disk is not documented (sources.md
// S6: the files are seen with and without a BOM), so BOMs and BOM-less UTF-16 are detected here.
func decodeBOMText(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:], nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b, unicode.BigEndian, unicode.ExpectBOM)
	case len(b) >= 2 && b[0] == '<' && b[1] == 0:
		return decodeUTF16(b, unicode.LittleEndian, unicode.IgnoreBOM)
	case len(b) >= 2 && b[0] == 0 && b[1] == '<':
		return decodeUTF16(b, unicode.BigEndian, unicode.IgnoreBOM)
	}
	return b, nil
}

func decodeUTF16(b []byte, e unicode.Endianness, bom unicode.BOMPolicy) ([]byte, error) {
	out, _, err := transform.Bytes(unicode.UTF16(e, bom).NewDecoder(), b)
	if err != nil {
		return nil, fmt.Errorf("decoding UTF-16: %w", err)
	}
	return out, nil
}

// xmlCharsets are the declared encodings decoded besides UTF-8 and UTF-16: the Western
// and Japanese Windows code pages a connector on a localised Windows could write. A full
// charset index (golang.org/x/text/encoding/htmlindex) would link the Chinese and Korean
// tables too, about half a megabyte of binary and resident memory on every endpoint.
var xmlCharsets = map[string]encoding.Encoding{
	"iso-8859-1":   charmap.Windows1252, // as browsers and htmlindex treat it
	"latin1":       charmap.Windows1252,
	"windows-1252": charmap.Windows1252,
	"cp1252":       charmap.Windows1252,
	"iso-8859-15":  charmap.ISO8859_15,
	"shift_jis":    japanese.ShiftJIS,
	"shift-jis":    japanese.ShiftJIS,
	"sjis":         japanese.ShiftJIS,
	"windows-31j":  japanese.ShiftJIS,
	"cp932":        japanese.ShiftJIS,
	"euc-jp":       japanese.EUCJP,
}

// errNotXML marks input that has no root element at all.
var errNotXML = errors.New("no XML root element")

// parseXMLTree reads a whole XML document into an xmlNode tree and returns its root.
// The input has already been transcoded by decodeBOMText, so a declared UTF-16
// encoding is passed through; other declared charsets are decoded by name.
func parseXMLTree(b []byte) (*xmlNode, error) {
	text, err := decodeBOMText(b)
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(text))
	dec.Strict = false
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		l := strings.ToLower(strings.TrimSpace(label))
		if l == "utf-8" || l == "utf8" || l == "us-ascii" || strings.HasPrefix(l, "utf-16") {
			return r, nil
		}
		enc, ok := xmlCharsets[l]
		if !ok {
			return nil, fmt.Errorf("unsupported XML encoding %q", label)
		}
		return enc.NewDecoder().Reader(r), nil
	}
	var root *xmlNode
	var stack []*xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root != nil && len(stack) == 0 {
				// Trailing garbage after a complete document: the service rewrites the
				// file in place, keep what was read completely.
				break
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("XML nested deeper than %d elements", maxXMLDepth)
			}
			n := &xmlNode{name: t.Name.Local}
			if len(stack) == 0 {
				if root != nil {
					return root, nil
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errNotXML
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("truncated XML: <%s> not closed", stack[len(stack)-1].name)
	}
	return root, nil
}
