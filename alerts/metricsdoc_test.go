package alerts

import (
	"reflect"
	"testing"
)

func TestParseMetricsMarkdown(t *testing.T) {
	doc := "# Metrics\n\n" +
		"| metric | type | meaning |\n|---|---|---|\n" +
		"| `epo_last_asci_success` | gauge | 1 if the last ASCI succeeded |\n" +
		"| `epo_agent_info{version,guid,mode,epo_server}` | gauge | 1 |\n" +
		"| `connector_running`, `connector_connected` | gauge | 0/1 |\n" +
		"\n| name | labels | help |\n|---|---|---|\n" +
		"| `secagent_source_success` | `collector`, `source` | per source |\n" +
		"| `secagent_exporter_build_info` | none | build |\n" +
		"| not a metric row | | |\n" +
		"\n| metric | type | labels | meaning |\n|---|---|---|---|\n" +
		"| `connector_fault_active` | gauge | id, name | 0/1 per fault |\n" +
		"| `selinux_enforcing` | gauge | | 1 if SELinux enforces |\n" +
		"| `tetra_definitions_version` | gauge | — | prose, not labels |\n"
	got := parseMetricsMarkdown(doc)
	want := catalogue{
		"epo_last_asci_success":        nil,
		"epo_agent_info":               {"version": true, "guid": true, "mode": true, "epo_server": true},
		"connector_running":            nil,
		"connector_connected":          nil,
		"secagent_source_success":      {"collector": true, "source": true},
		"secagent_exporter_build_info": {},
		"connector_fault_active":       {"id": true, "name": true},
		"selinux_enforcing":            {},
		"tetra_definitions_version":    {},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMetricsMarkdown = %v, want %v", got, want)
	}
}
