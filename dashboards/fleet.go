package dashboards

// hostLink opens the host dashboard for the clicked instance, keeping time range and data source.
const hostLink = "/d/secagent-host/secagent-host?var-instance=${__value.raw}&${__url_time_range}&${datasource:queryparam}"

// Fleet is the landing page: coverage, share of compliant hosts, the worst hosts and the
// cross-host checks (duplicate GUIDs, definitions behind the fleet).
func Fleet() Dashboard {
	var l layout
	count := func(cond string) string { return "count(" + cond + ") or vector(0)" }
	problem := thresholds("green", 1, "red")

	l.row("Now")
	l.add(4, 4, stat("Hosts reporting", "Targets of the selected jobs answering the scrape.", "none",
		thresholds("blue"), instant(`count(`+sel("up")+` == 1)`, "")))
	l.add(4, 4, stat("Hosts down", "Targets whose scrape fails (up == 0); their vendor alerts are muted.", "none",
		problem, instant(count(sel("up")+" == 0"), "")))
	l.add(4, 4, stat("Compliant hosts", "Share of hosts passing every check that applies to them (recording rule instance:secagent_compliant:bool).", "percentunit",
		thresholds("red", 0.95, "orange", 0.99, "green"), instant(`avg(`+sel("instance:secagent_compliant:bool")+`)`, "")))
	l.add(4, 4, stat("Failing collectors", "Collectors whose last scrape failed, across the selected hosts.", "none",
		problem, instant(count(sel("secagent_collector_success")+" == 0"), "")))
	l.add(4, 4, stat("Firing alerts", "Alerts currently firing for the selected hosts.", "none",
		problem, instant(count(`ALERTS{alertstate="firing", job=~"$job", instance=~"$instance"}`), "")))
	l.add(4, 4, stat("Duplicate McAfee GUIDs", "Agent GUIDs reported by more than one host (cloned images, sources.md S2).", "none",
		problem, instant(count(`count by (guid) (`+sel("epo_agent_info")+`) > 1`), "")))

	l.add(4, 4, stat("McAfee ASCI older than 4 h", "Managed McAfee Agents whose last successful ASCI is more than 4 hours old.", "none",
		problem, instant(count(`time() - `+sel("epo_last_asci_success_timestamp_seconds")+` > 4 * 3600`), "")))
	l.add(4, 4, stat("Oldest TETRA definitions", "Age of the oldest Cisco TETRA definitions; Cisco ships about 4 updates a day (sources.md S3).", "s",
		thresholds("green", 86400, "orange", 259200, "red"), instant(`max(`+sel("tetra_definitions_age_seconds")+`)`, "")))
	l.add(4, 4, stat("Hosts with connector faults", "Hosts with at least one active Cisco connector fault (sources.md S5).", "none",
		problem, instant(count(`max by (job, instance) (`+sel("connector_fault_active")+`) == 1`), "")))
	l.add(4, 4, stat("SELinux without cisco-secure-bpf", "Hosts enforcing SELinux without the cisco-secure-bpf policy module (sources.md S5, fault 19).", "none",
		problem, instant(count(sel("selinux_bpf_module_loaded")+` == 0 and on (job, instance) `+sel("selinux_enforcing")+` == 1`), "")))
	l.add(4, 4, stat("Qualys without contact (6 h)", "Qualys agents without a successful platform exchange for 6 hours (sources.md S4).", "none",
		problem, instant(count(`time() - `+sel("qualys_last_platform_success_timestamp_seconds")+` > 6 * 3600`), "")))
	l.add(4, 4, stat("Agents rejected by ePO", "Distinct agent GUIDs the ePO server rejected with \"sequence number invalid\" in its window (sources.md S2).", "none",
		problem, instant(`max(`+sel("epo_server_sequence_error_agents")+`) or vector(0)`, "")))

	l.add(4, 4, stat("Oldest AV content", "Age of the oldest McAfee/Trellix anti-virus content (ENS AMCore, VSE/ENSL DAT); content is published daily, warning at 3 days.", "s",
		thresholds("green", 259200, "orange", 604800, "red"), instant(`max(time() - `+sel("mcafee_av_content_timestamp_seconds")+`)`, "")))
	l.add(4, 4, stat("On-access scanner down", "Hosts whose McAfee/Trellix on-access scanner does not run.", "none",
		problem, instant(count(sel("mcafee_av_on_access_running")+" == 0"), "")))

	l.add(24, 5, stat("Agent coverage", "Share of hosts with each endpoint-security agent installed.", "percentunit",
		thresholds("blue"), instant(`avg by (agent) (`+sel("secagent_agent_installed")+`)`, "{{agent}}")))

	l.row("Trends")
	l.add(12, 8, timeseries("Compliant hosts", "Share of compliant hosts over time.", "percentunit",
		ranged(`avg(`+sel("instance:secagent_compliant:bool")+`)`, "compliant")))
	l.add(12, 8, timeseries("TETRA definition age", "Oldest and median age of the Cisco TETRA definitions; warning at 24 h, critical at 72 h.", "s",
		ranged(`max(`+sel("tetra_definitions_age_seconds")+`)`, "oldest"),
		ranged(`quantile(0.5, `+sel("tetra_definitions_age_seconds")+`)`, "median")))
	l.add(24, 8, timeseries("AV content age", "Oldest and median age of the McAfee/Trellix anti-virus content per product; warning at 3 days, critical at 7.", "s",
		ranged(`max by (product) (time() - `+sel("mcafee_av_content_timestamp_seconds")+`)`, "oldest {{product}}"),
		ranged(`quantile by (product) (0.5, time() - `+sel("mcafee_av_content_timestamp_seconds")+`)`, "median {{product}}")))
	l.add(8, 8, timeseries("McAfee ASCI age", "Time since the last successful ASCI: oldest and median managed agent.", "s",
		ranged(`max(time() - `+sel("epo_last_asci_success_timestamp_seconds")+`)`, "oldest"),
		ranged(`quantile(0.5, time() - `+sel("epo_last_asci_success_timestamp_seconds")+`)`, "median")))
	l.add(8, 8, timeseries("Qualys platform contact age", "Time since the last successful Qualys platform exchange: oldest and median agent.", "s",
		ranged(`max(time() - `+sel("qualys_last_platform_success_timestamp_seconds")+`)`, "oldest"),
		ranged(`quantile(0.5, time() - `+sel("qualys_last_platform_success_timestamp_seconds")+`)`, "median")))
	l.add(8, 8, timeseries("Probe success by agent", "Share of successful connectivity probes to each agent's back end.", "percentunit",
		ranged(`avg by (agent) (`+sel("secagent_probe_success")+`)`, "{{agent}}")))
	l.add(12, 8, timeseries("Agent log lines read", "Log lines read per second by result; unclassified or undecodable lines mean a new message format or encoding.", "cps",
		ranged(`sum by (result) (rate(`+sel("secagent_log_lines_total")+`[$__rate_interval]))`, "{{result}}")))
	l.add(12, 8, timeseries("ePO sequence rejections", "Sequence-number rejections per second in the ePO server log (sources.md S2).", "cps",
		ranged(`sum(rate(`+sel("epo_server_sequence_errors_total")+`[$__rate_interval]))`, "rejections")))

	l.row("Problem hosts")
	l.add(24, 10, problemHosts())
	l.add(12, 8, table("Active connector faults", "Cisco connector faults active now, per host (sources.md S5).", "none", labelsTable,
		tableTarget(sel("connector_fault_active")+" == 1")))
	l.add(8, 8, table("Agents rejected by ePO", "Top agent GUIDs rejected by the ePO server for invalid sequence numbers (sources.md S2).", "none", labelsTable,
		tableTarget(`topk(20, `+sel("epo_server_agent_sequence_errors")+`)`)))
	l.add(4, 8, stat("Last ePO sequence rejection", "When the ePO server last rejected an agent for an invalid sequence number.", "dateTimeFromNow",
		thresholds("blue"), instant(`max(`+sel("epo_server_sequence_error_last_timestamp_seconds")+`) * 1000`, "")))

	l.row("Versions")
	versions := []Transformation{{ID: "organize", Options: map[string]any{
		"excludeByName": map[string]any{"Time": true}, "renameByName": map[string]any{"Value": "hosts"},
	}}}
	l.add(6, 8, table("McAfee Agent versions", "Hosts per McAfee/Trellix Agent version; MA before 4.6 cannot use 2048-bit keys (sources.md S1).", "none", versions,
		tableTarget(`count by (version) (`+sel("epo_agent_info")+`)`)))
	l.add(6, 8, table("Cisco connector versions", "Hosts per Cisco Secure Endpoint connector version and platform.", "none", versions,
		tableTarget(`count by (version, platform) (`+sel("connector_info")+`)`)))
	l.add(6, 8, table("Qualys agent versions", "Hosts per Qualys Cloud Agent version.", "none", versions,
		tableTarget(`count by (version) (`+sel("qualys_agent_info")+`)`)))
	l.add(6, 8, table("AV content versions", "Hosts per anti-virus product and content version (AMCore content or DAT); a host below the fleet's newest lags behind.", "none", versions,
		tableTarget(`count_values by (product) ("content", `+sel("mcafee_av_content_version")+`)`)))
	l.add(6, 8, table("AV engine versions", "Hosts per anti-virus product and scan engine version.", "none", versions,
		tableTarget(`count by (product, version) (`+sel("mcafee_av_engine_info")+`)`)))
	l.add(6, 8, table("Exporter versions", "Hosts per secagent_exporter version and OS.", "none", versions,
		tableTarget(`count by (version, goos) (`+sel("secagent_exporter_build_info")+`)`)))

	return dashboard("secagent-fleet", "secagent / Fleet",
		"Endpoint-security agents across the fleet: coverage, compliance, the worst hosts.", true, l.panels)
}

// problemHosts is one row per host with the per-check values side by side, worst first;
// the instance column links to the host dashboard.
func problemHosts() Panel {
	byInstance := func(expr string) Target { return tableTarget("max by (instance) (" + expr + ")") }
	p := table("Problem hosts", "Every host with its compliance and the values behind it, least compliant first; click an instance for its dashboard.", "none",
		[]Transformation{
			{ID: "joinByField", Options: map[string]any{"byField": "instance", "mode": "outer"}},
			{ID: "filterFieldsByName", Options: map[string]any{"include": map[string]any{"pattern": "instance|Value #.*"}}},
			{ID: "organize", Options: map[string]any{"renameByName": map[string]any{
				"Value #A": "compliant", "Value #B": "ASCI age", "Value #C": "TETRA age",
				"Value #D": "active faults", "Value #E": "cisco-secure-bpf", "Value #F": "Qualys contact age",
				"Value #G": "firing alerts", "Value #H": "AV content age",
			}}},
			{ID: "sortBy", Options: map[string]any{"sort": []any{map[string]any{"field": "compliant", "desc": false}}}},
		},
		byInstance(sel("instance:secagent_compliant:bool")),
		byInstance(`time() - `+sel("epo_last_asci_success_timestamp_seconds")),
		byInstance(sel("tetra_definitions_age_seconds")),
		tableTarget(`sum by (instance) (`+sel("connector_fault_active")+`)`),
		byInstance(sel("selinux_bpf_module_loaded")),
		byInstance(`time() - `+sel("qualys_last_platform_success_timestamp_seconds")),
		tableTarget(`count by (instance) (ALERTS{alertstate="firing", job=~"$job", instance=~"$instance"})`),
		byInstance(`time() - `+sel("mcafee_av_content_timestamp_seconds")),
	)
	dur := func(field string) Override {
		return Override{Matcher: Matcher{ID: "byName", Options: field}, Properties: []Property{{ID: "unit", Value: "s"}}}
	}
	p.FieldConfig.Overrides = []Override{
		{Matcher: Matcher{ID: "byName", Options: "instance"}, Properties: []Property{{ID: "links", Value: []DataLink{{Title: "Host dashboard", URL: hostLink}}}}},
		{Matcher: Matcher{ID: "byName", Options: "compliant"}, Properties: []Property{{ID: "mappings", Value: okMapping("no", "yes")}}},
		dur("ASCI age"), dur("TETRA age"), dur("Qualys contact age"), dur("AV content age"),
	}
	return p
}
