package alerts

import (
	"reflect"
	"sort"
	"testing"
)

func TestParsePromQLUse(t *testing.T) {
	cases := []struct {
		expr     string
		metrics  map[string][]string
		grouping []string
		wantErr  bool
	}{
		{
			expr:     `sum by (job, instance) (rate(secagent_log_lines_total{result=~"unclassified|undecodable"}[30m])) / on (job) group_left () up > bool 0.5`,
			metrics:  map[string][]string{"secagent_log_lines_total": {"result"}, "up": nil},
			grouping: []string{"instance", "job"},
		},
		{
			expr:     `time() - epo_last_asci_success_timestamp_seconds offset 5m > 4 * 3600 and on(job,instance) epo_agent_managed == 1`,
			metrics:  map[string][]string{"epo_last_asci_success_timestamp_seconds": nil, "epo_agent_managed": nil},
			grouping: []string{"instance", "job"},
		},
		{
			// label names inside strings and bare {__name__=...} selectors are not metrics
			expr:     `label_replace(min by (job) ({__name__=~"instance:secagent_check_.+:bool"}), "dst", "x", "src", "up")`,
			metrics:  map[string][]string{},
			grouping: []string{"job"},
		},
		{
			expr:     `count(count by (guid) (epo_agent_info{job=~"$job", instance=~"$instance"}) > 1) or vector(0)`,
			metrics:  map[string][]string{"epo_agent_info": {"instance", "job"}},
			grouping: []string{"guid"},
		},
		{
			expr:    `rate(x_total{a="b\"}"}[$__rate_interval]) # a comment naming not_a_metric`,
			metrics: map[string][]string{"x_total": {"a"}},
		},
		{
			expr:    "job:secagent_compliant:ratio < 0.95",
			metrics: map[string][]string{"job:secagent_compliant:ratio": nil},
		},
		{expr: `up{job="x"`, wantErr: true},
		{expr: `sum by job (up)`, wantErr: true},
		{expr: `up $ 1`, wantErr: true},
	}
	for _, tc := range cases {
		use, err := parsePromQLUse(tc.expr)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err = %v, want error %v", tc.expr, err, tc.wantErr)
			continue
		}
		if tc.wantErr {
			continue
		}
		got := map[string][]string{}
		for m, labels := range use.metrics {
			got[m] = sortedKeys(labels)
		}
		want := map[string][]string{}
		for m, labels := range tc.metrics {
			want[m] = labels
			if labels == nil {
				want[m] = []string{}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: metrics %v, want %v", tc.expr, got, want)
		}
		if g := sortedKeys(use.grouping); !reflect.DeepEqual(g, append([]string{}, tc.grouping...)) {
			t.Errorf("%s: grouping %v, want %v", tc.expr, g, tc.grouping)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
