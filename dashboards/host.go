package dashboards

// Host shows everything the exporter knows about one instance.
func Host() Dashboard {
	var l layout
	yesNo := func(title, desc, metric, zero, one string, zeroBad bool) Panel {
		p := stat(title, desc, "none", nil, instant(sel(metric), ""))
		p.FieldConfig.Defaults.Mappings = okMapping(zero, one)
		if !zeroBad {
			// 1 is the bad state (degraded, pending, conflict): swap the colours.
			p.FieldConfig.Defaults.Mappings = []any{map[string]any{"type": "value", "options": map[string]any{
				"0": map[string]any{"text": zero, "color": "green", "index": 0},
				"1": map[string]any{"text": one, "color": "red", "index": 1},
			}}}
		}
		p.FieldConfig.Defaults.NoValue = "n/a"
		return p
	}
	since := func(title, desc, metric string) Panel {
		p := stat(title, desc, "dateTimeFromNow", thresholds("blue"), instant(sel(metric)+" * 1000", ""))
		p.FieldConfig.Defaults.NoValue = "n/a"
		return p
	}
	// A zero timestamp means "never seen": show n/a, not 1970.
	failedSince := func(title, desc, metric string) Panel {
		p := stat(title, desc, "dateTimeFromNow", thresholds("blue"), instant("("+sel(metric)+" > 0) * 1000", ""))
		p.FieldConfig.Defaults.NoValue = "n/a"
		return p
	}
	number := func(title, desc, unit, expr string) Panel {
		p := stat(title, desc, unit, thresholds("blue"), instant(expr, ""))
		p.FieldConfig.Defaults.NoValue = "n/a"
		return p
	}
	states := okMapping("no", "yes")
	faultStates := []any{map[string]any{"type": "value", "options": map[string]any{
		"0": map[string]any{"text": "OK", "color": "green", "index": 0},
		"1": map[string]any{"text": "FAULT", "color": "red", "index": 1},
	}}}

	l.row("Overview")
	l.add(4, 6, yesNo("Compliant", "Whether the host passes every check that applies to it.", "instance:secagent_compliant:bool", "no", "yes", true))
	l.add(8, 6, table("Compliance checks", "Per-check 0/1 values behind the compliance verdict (recording rules instance:secagent_check_*:bool).", "none", labelsTable,
		tableTarget(`{__name__=~"instance:secagent_check_.+:bool", job=~"$job", instance=~"$instance"}`)))
	l.add(6, 6, table("Installed agents", "Which endpoint-security agents the exporter found on the host.", "none", labelsTable,
		tableTarget(sel("secagent_agent_installed"))))
	l.add(6, 6, table("Exporter build", "Version of secagent_exporter on the host.", "none", labelsTable,
		tableTarget(sel("secagent_exporter_build_info"))))

	l.row("McAfee Agent")
	l.add(4, 4, yesNo("Last ASCI", "Result of the most recent agent-to-server communication.", "epo_last_asci_success", "failed", "succeeded", true))
	l.add(4, 4, since("Last successful ASCI", "Last successful agent-to-server communication (log or cmdagent LastASCTime).", "epo_last_asci_success_timestamp_seconds"))
	l.add(4, 4, since("Last ASCI attempt", "Start of the most recent ASCI attempt.", "epo_last_asci_timestamp_seconds"))
	l.add(4, 4, since("Last policy update", "cmdagent LastPolicyUpdateTime.", "epo_last_policy_update_timestamp_seconds"))
	l.add(4, 4, number("Consecutive ASCI failures", "Failed ASCI attempts since the last success.", "none", sel("epo_asci_consecutive_failures")))
	l.add(4, 4, yesNo("Key update pending", "ePO answered \"access denied; agent to update keys\" and no ASCI succeeded since (sources.md S1: run the wake-up twice).", "epo_agent_key_update_pending", "no", "yes", false))
	l.add(4, 4, yesNo("Managed", "Agent mode: managed by ePO or not.", "epo_agent_managed", "unmanaged", "managed", true))
	l.add(12, 4, table("Agent identity", "Version, GUID, mode and ePO server of the McAfee/Trellix Agent.", "none", labelsTable,
		tableTarget(sel("epo_agent_info"))))
	l.add(8, 4, stateTimeline("Last ASCI failure reason", "Reason of the most recent failed ASCI: key_update (sources.md S1), sequence_rejected (sources.md S2), network, server_error, other.", states,
		ranged(sel("epo_last_asci_failure_reason"), "{{reason}}")))
	l.add(12, 8, timeseries("Agent log events", "Classified McAfee Agent log events per second.", "cps",
		ranged(`sum by (event) (rate(`+sel("epo_log_events_total")+`[$__rate_interval]))`, "{{event}}")))
	l.add(12, 8, timeseries("Agent service restarts", "Agent service restarts seen in the log.", "short",
		ranged(`increase(`+sel("epo_agent_service_restarts_total")+`[$__rate_interval])`, "restarts")))
	l.add(16, 8, timeseries("ASCI attempts", "Agent-to-server communications per outcome (succeeded, failed, abandoned) seen in the agent log.", "short",
		ranged(`sum by (outcome) (increase(`+sel("epo_asci_attempts_total")+`[$__rate_interval]))`, "{{outcome}}")))
	l.add(8, 8, stat("Agent log files", "Agent log files the exporter found per log; 0 means the ASCI and key-update state cannot be read from the log.", "none",
		thresholds("red", 1, "green"), instant(sel("epo_agent_log_files"), "{{source}}")))

	l.row("McAfee anti-virus")
	avSince := stat("AV content created", "Creation date of the anti-virus content per product (ENS AMCore content, VSE/ENSL DAT); Trellix publishes content daily, the alert fires after 3 days.", "dateTimeFromNow",
		thresholds("blue"), instant(sel("mcafee_av_content_timestamp_seconds")+" * 1000", "{{product}}"))
	avSince.FieldConfig.Defaults.NoValue = "n/a"
	l.add(6, 4, avSince)
	avVersion := stat("AV content version", "AMCore content (ENS) or DAT (VSE, ENSL) version, the minor as four decimals.", "none",
		thresholds("blue"), instant(sel("mcafee_av_content_version"), "{{product}}"))
	avVersion.FieldConfig.Defaults.NoValue = "n/a"
	l.add(4, 4, avVersion)
	l.add(4, 4, yesNo("On-access scanner", "ENS: mfetp running and enableoas on; VSE: McShield running; ENSL: on-access scan Enabled and Compliant (KB89803).", "mcafee_av_on_access_running", "stopped", "running", true))
	l.add(10, 4, table("AV engine", "Anti-virus product and scan engine version.", "none", labelsTable,
		tableTarget(sel("mcafee_av_engine_info"))))
	l.add(24, 6, timeseries("AV content age", "Age of the anti-virus content per product; warning at 3 days, critical at 7.", "s",
		ranged(`time() - `+sel("mcafee_av_content_timestamp_seconds"), "{{product}}")))

	l.row("ePO server")
	l.add(6, 6, number("Agents rejected", "Distinct agent GUIDs rejected with \"sequence number invalid\" in the collector window (sources.md S2).", "none", sel("epo_server_sequence_error_agents")))
	l.add(6, 6, since("Last rejection", "Newest sequence-number rejection in Server.log.", "epo_server_sequence_error_last_timestamp_seconds"))
	l.add(4, 6, number("Server log files", "ePO server log files matched by --collector.epo_server.log; 0 means nothing is read.", "none", sel("epo_server_log_files")))
	l.add(8, 6, timeseries("Sequence rejections", "Sequence-number rejections per second in Server.log.", "cps",
		ranged(`rate(`+sel("epo_server_sequence_errors_total")+`[$__rate_interval])`, "rejections")))
	l.add(24, 6, table("Top rejected agents", "Agent GUIDs with the most rejections in the window.", "none", labelsTable,
		tableTarget(`topk(20, `+sel("epo_server_agent_sequence_errors")+`)`)))

	l.row("Cisco Secure Endpoint")
	l.add(4, 4, yesNo("Running", "Connector service running.", "connector_running", "stopped", "running", true))
	l.add(4, 4, yesNo("Connected", "Connector connected to the Secure Endpoint cloud.", "connector_connected", "disconnected", "connected", true))
	l.add(4, 4, yesNo("Degraded", "ampcli reports Mode: Degraded.", "connector_degraded", "normal", "degraded", false))
	l.add(4, 4, yesNo("Isolated", "Endpoint isolation active.", "connector_isolated", "no", "isolated", false))
	l.add(4, 4, number("Policy serial", "Serial of the applied connector policy.", "none", sel("connector_policy_serial")))
	l.add(4, 4, since("Last scan", "End of the last scan.", "connector_last_scan_timestamp_seconds"))
	l.add(12, 4, table("Connector identity", "Connector version, UUID and platform.", "none", labelsTable,
		tableTarget(sel("connector_info"))))
	l.add(4, 4, yesNo("Last scan result", "Whether the last scan succeeded.", "connector_last_scan_success", "failed", "succeeded", true))
	l.add(4, 4, yesNo("Reboot pending", "Windows: the connector waits for a reboot to finish an upgrade or uninstall (registry value Reboot).", "connector_reboot_pending", "no", "pending", false))
	l.add(4, 4, number("Heartbeat interval", "Windows: connector heartbeat interval from policy.xml (agent/hb/interval).", "s", sel("connector_heartbeat_interval_seconds")))
	l.add(8, 4, number("Last TETRA update error code", "Raw local.xml //tetra/lasterror as a signed int32; 0 is none (sources.md S3).", "none", sel("tetra_update_last_error_code")))
	l.add(24, 8, stateTimeline("Connector faults", "Every documented fault id as OK/FAULT over time (sources.md S5).", faultStates,
		ranged(sel("connector_fault_active"), "{{id}} {{name}}")))
	l.add(12, 6, table("Fault severity", "Vendor severity per fault id: 0 none, 1 minor, 2 major, 3 critical.", "none", labelsTable,
		tableTarget(sel("connector_fault_severity"))))
	l.add(12, 6, stateTimeline("Last TETRA update error", "Reason of the last TETRA update error: none, proxy_connect, proxy_auth, proxy_download, other (sources.md S3).", states,
		ranged(sel("tetra_update_last_error"), "{{reason}}")))
	l.add(12, 8, timeseries("TETRA definition age", "Age of the installed TETRA definitions; Cisco ships about 4 updates a day.", "s",
		ranged(sel("tetra_definitions_age_seconds"), "age")))
	l.add(4, 4, number("TETRA version", "Installed TETRA definition version.", "none", sel("tetra_definitions_version")))
	l.add(4, 4, since("TETRA definitions built", "Timestamp of the installed TETRA definitions.", "tetra_definitions_timestamp_seconds"))
	l.add(4, 4, since("Last TETRA update", "posture last_successful_update.", "tetra_definitions_last_update_success_timestamp_seconds"))
	l.add(4, 4, number("TETRA update interval", "Update interval from policy.xml when readable.", "s", sel("tetra_update_interval_seconds")))
	l.add(4, 4, number("ClamAV versions", "ClamAV database versions of the Linux connector.", "none", sel("clamav_definitions_version")))
	l.add(4, 4, stat("ClamAV databases built", "Build time of each ClamAV database of the Linux connector.", "dateTimeFromNow", thresholds("blue"),
		instant(sel("clamav_definitions_timestamp_seconds")+" * 1000", "{{database}}")))

	l.row("Linux prerequisites")
	l.add(3, 4, yesNo("SELinux", "SELinux enabled.", "selinux_enabled", "disabled", "enabled", true))
	l.add(3, 4, yesNo("Enforcing", "SELinux in enforcing mode.", "selinux_enforcing", "no", "yes", true))
	l.add(3, 4, yesNo("cisco-secure-bpf", "The cisco-secure-bpf SELinux policy module is installed and enabled (sources.md S5, fault 19).", "selinux_bpf_module_loaded", "missing", "loaded", true))
	l.add(3, 4, yesNo("Kernel BTF", "/sys/kernel/btf/vmlinux present (fault 11).", "kernel_btf_available", "no", "yes", true))
	l.add(3, 4, yesNo("Kernel headers", "Headers for the running kernel installed (fault 11).", "kernel_headers_installed", "no", "yes", true))
	l.add(3, 4, yesNo("Scan user", "The cisco-amp-scan-svc user exists (fault 5).", "connector_scan_user_present", "missing", "present", true))
	l.add(3, 4, yesNo("auditd", "auditd running (Qualys FIM, sources.md S4).", "auditd_running", "stopped", "running", true))
	l.add(3, 4, yesNo("Audit immutable", "Audit configuration immutable (enabled 2).", "audit_immutable", "no", "yes", false))
	l.add(24, 5, table("Kernel modules", "Configured kernel modules and whether they are loaded.", "none", labelsTable,
		tableTarget(sel("kernel_module_loaded"))))

	l.row("Qualys Cloud Agent")
	l.add(4, 4, yesNo("Running", "Qualys Cloud Agent service running.", "qualys_agent_running", "stopped", "running", true))
	l.add(4, 4, since("Last platform contact", "Last successful exchange with the Qualys platform seen in the agent log (sources.md S4).", "qualys_last_platform_success_timestamp_seconds"))
	l.add(4, 4, yesNo("Proxy configured", "A proxy is configured for the agent.", "qualys_proxy_configured", "no", "yes", true))
	l.add(4, 4, yesNo("Audit dispatcher", "UseAuditDispatcher in the agent configuration.", "qualys_audit_dispatcher_enabled", "off", "on", true))
	l.add(4, 4, yesNo("FIM/audit conflict", "The audit netlink owner contradicts UseAuditDispatcher, or audit is immutable (sources.md S4).", "qualys_fim_audit_conflict", "no", "conflict", false))
	l.add(4, 4, table("Agent identity", "Qualys Cloud Agent version and host id.", "none", labelsTable,
		tableTarget(sel("qualys_agent_info"))))
	l.add(4, 4, failedSince("Last platform failure", "Newest failed platform or proxy exchange in the agent log; n/a when none was seen.", "qualys_last_platform_failure_timestamp_seconds"))
	l.add(4, 4, since("Last manifest download", "Newest manifest download the agent log reports (sources.md S4: no FIM manifest while data collection is paused).", "qualys_manifest_last_download_timestamp_seconds"))
	l.add(4, 4, yesNo("Proxy credentials", "Linux: the proxy URL carries credentials (the credentials are never exported).", "qualys_proxy_auth_configured", "no", "yes", true))
	l.add(4, 4, yesNo("Activation ID", "An ActivationId is configured (the value is never exported).", "qualys_activation_id_configured", "missing", "configured", true))
	l.add(8, 4, table("FIM/audit conflict reason", "Which audit set-up contradicts UseAuditDispatcher (sources.md S4): auditd_running, auditd_stopped, edr_plugin_missing, audit_immutable.", "none", labelsTable,
		tableTarget(sel("qualys_fim_audit_conflict_reason")+" == 1")))
	l.add(12, 6, stateTimeline("Agent processes", "Linux: the Qualys processes and auditd, running or not.", okMapping("stopped", "running"),
		ranged(sel("qualys_agent_process_running"), "{{process}}")))
	l.add(12, 6, timeseries("WinHTTP errors", "Windows: WinHTTP 12xxx errors in Log.txt per reason (timeout, dns, connect, tls_*, auto_proxy, auth, ...).", "short",
		ranged(`sum by (reason) (increase(`+sel("qualys_winhttp_errors_total")+`[$__rate_interval]))`, "{{reason}}")))
	l.add(24, 8, timeseries("Agent log events", "Classified Qualys agent log events per second (platform success and failure, HTTP/proxy errors, manifest downloads).", "cps",
		ranged(`sum by (event) (rate(`+sel("qualys_log_events_total")+`[$__rate_interval]))`, "{{event}}")))

	l.row("Connectivity probes")
	l.add(8, 6, table("Probe results", "Last result of each connectivity probe (1 success).", "none", labelsTable,
		tableTarget(sel("secagent_probe_success"))))
	l.add(8, 6, table("Failed phase", "Phase in which each probe failed (1), if any.", "none", labelsTable,
		tableTarget(sel("secagent_probe_failed_phase"))))
	l.add(8, 6, table("Certificate expiry", "Expiry of the TLS certificate each back end presents.", "dateTimeAsIso", labelsTable,
		tableTarget(sel("secagent_probe_tls_cert_not_after_timestamp_seconds")+" * 1000")))
	l.add(12, 8, timeseries("Probe phase durations", "Duration of each probe phase (DNS, TCP, TLS).", "s",
		ranged(sel("secagent_probe_duration_seconds"), "{{agent}} {{target}} {{phase}}")))
	l.add(6, 8, table("Via proxy", "1 where the probe went through the HTTP proxy the agent uses: a proxy_connect or proxy_auth failure is then the proxy's, not the back end's.", "none", labelsTable,
		tableTarget(sel("secagent_probe_via_proxy"))))
	l.add(6, 8, since("Probes last ran", "When the background probes last ran.", "secagent_probe_last_run_timestamp_seconds"))

	l.row("Exporter")
	l.add(12, 6, stateTimeline("Collector success", "Whether each collector succeeded on each scrape.", states,
		ranged(sel("secagent_collector_success"), "{{collector}}")))
	l.add(12, 6, stateTimeline("Collector timeouts", "Whether each collector hit its deadline.", []any{map[string]any{"type": "value", "options": map[string]any{
		"0": map[string]any{"text": "in time", "color": "green", "index": 0},
		"1": map[string]any{"text": "timeout", "color": "red", "index": 1},
	}}}, ranged(sel("secagent_collector_timeout"), "{{collector}}")))
	l.add(12, 8, timeseries("Collector duration", "Time each collector took per scrape.", "s",
		ranged(sel("secagent_collector_duration_seconds"), "{{collector}}")))
	l.add(12, 8, table("Sources", "Each file, command or registry key a collector reads, and whether the last read worked.", "none", labelsTable,
		tableTarget(sel("secagent_source_success"))))
	l.add(24, 8, timeseries("Log lines read", "Agent log lines read per second, by log and result.", "cps",
		ranged(`sum by (source, result) (rate(`+sel("secagent_log_lines_total")+`[$__rate_interval]))`, "{{source}} {{result}}")))

	return dashboard("secagent-host", "secagent / Host",
		"Everything the secagent exporter reports about one host.", false, l.panels)
}
