package cisco

import (
	"fmt"
	"regexp"
)

// GlobalXML is what the exporter reads from the Linux connector's
// /opt/cisco/amp/etc/global.xml, where the vendor's deployment guide says to "check
// for the version" (sources.md S7).
type GlobalXML struct {
	// Version is the connector version, "" when no candidate element holds one.
	Version string
}

// globalVersionPaths are the elements tried for the version, in order. Which element
// holds it is UNVERIFIED (sources.md S7): the list
// covers the names used by the connector's other files (agent/version,
// connector_version in the posture JSON) and is one row to edit once a real file is seen.
var globalVersionPaths = [][]string{
	{"agent", "version"},
	{"agent", "agent_version"},
	{"agent", "connector_version"},
	{"version"},
	{"agent_version"},
	{"connector_version"},
	{"product", "version"},
}

var connectorVersionText = regexp.MustCompile(`^\d+(\.\d+){1,3}$`)

// ParseGlobalXML parses global.xml. A document without a recognisable version is not
// an error (the version is then ""), an unparsable document is.
func ParseGlobalXML(b []byte) (GlobalXML, error) {
	root, err := parseXMLTree(b)
	if err != nil {
		return GlobalXML{}, fmt.Errorf("global.xml: %w", err)
	}
	for _, p := range globalVersionPaths {
		if s, ok := root.textAt(p...); ok && connectorVersionText.MatchString(s) {
			return GlobalXML{Version: s}, nil
		}
	}
	// Last resort: any element named version anywhere, still version-shaped.
	var g GlobalXML
	walkXML(root, func(n *xmlNode) bool {
		if n.name == "version" || n.name == "agent_version" {
			if s := trimmedText(n); connectorVersionText.MatchString(s) {
				g.Version = s
				return false
			}
		}
		return true
	})
	return g, nil
}

// walkXML visits elements in document order until visit returns false.
func walkXML(n *xmlNode, visit func(*xmlNode) bool) bool {
	if !visit(n) {
		return false
	}
	for _, c := range n.children {
		if !walkXML(c, visit) {
			return false
		}
	}
	return true
}
