package diagnose

import (
	"fmt"
	"sort"
	"time"

	"github.com/secagent-exporter/secagent_exporter/collector/cisco"
	"github.com/secagent-exporter/secagent_exporter/internal/knowledge"
)

// checks is the diagnosis table, in the order problems are explained. A check finds the
// problem and says it (the Problem text is dynamic); the remedy of every finding that names a
// runbook is the remedy of that alert's row in internal/knowledge, the same text as
// docs/runbooks.md and docs/runbooks.ja.md.
var checks = []check{
	exporterChecks,
	mcafeeChecks,
	ePOServerChecks,
	ciscoChecks,
	linuxPrerequisiteChecks,
	qualysChecks,
	probeChecks,
}

// runbook is a finding explained by the runbook section of an alert: its remedy and
// references are the alert's row of the knowledge table.
func runbook(sev Severity, alert string, problem Text) Finding {
	f := Finding{Severity: sev, Runbook: alert, Problem: problem}
	if row, ok := knowledge.Lookup(alert); ok {
		f.Remedy = Text{EN: row.RemedyText("en"), JA: row.RemedyText("ja")}
		f.References = row.References()
	}
	return f
}

func exporterChecks(m metrics, _ time.Time, _ Thresholds) []Finding {
	var out []Finding
	for _, s := range m["secagent_collector_success"] {
		if s.value != 0 {
			continue
		}
		c := s.labels["collector"]
		failed := []string{}
		for _, src := range m["secagent_source_success"] {
			if src.labels["collector"] == c && src.value == 0 {
				failed = append(failed, src.labels["source"])
			}
		}
		sort.Strings(failed)
		detail := ""
		if len(failed) > 0 {
			detail = fmt.Sprintf(" (failed sources: %v)", failed)
		}
		timeout := m.is("secagent_collector_timeout", 1, "collector", c)
		out = append(out, runbook(Warning, "SecagentCollectorFailing", Text{
			EN: fmt.Sprintf("The %s collector could not read all its sources%s%s.", c, detail, map[bool]string{true: " and timed out", false: ""}[timeout]),
			JA: fmt.Sprintf("%s コレクタがソースをすべて読み取れませんでした%s%s。", c, detail, map[bool]string{true: "(タイムアウト)", false: ""}[timeout]),
		}))
	}
	return out
}

// mcafeeChecks: sources.md S1 (key update after MA 4.5 -> 4.6/4.8), sources.md S2 (sequence number
// invalid after snapshot restore / cloned GUID).
func mcafeeChecks(m metrics, now time.Time, th Thresholds) []Finding {
	if !m.is("secagent_agent_installed", 1, "agent", "mcafee_agent") {
		return nil
	}
	var out []Finding
	if m.is("epo_agent_key_update_pending", 1) {
		out = append(out, runbook(Warning, "McAfeeAgentKeyUpdatePending", Text{
			EN: "McAfee Agent: ePO refused the last communication with \"access denied; agent to update keys\": the 2048-bit agent-server key is not loaded yet (typical right after an MA 4.5 -> 4.6/4.8 upgrade). Properties and policies are not updated until the next successful ASCI.",
			JA: "McAfee Agent: ePO が直前の通信を「access denied; agent to update keys」で拒否しました。2048bit のセキュリティキーがまだ読み込まれていません(MA 4.5 から 4.6/4.8 へのアップグレード直後の仕様上の動作)。次の ASCI が成功するまでプロパティとポリシーは更新されません。",
		}))
	}
	if m.is("epo_last_asci_failure_reason", 1, "reason", "sequence_rejected") {
		out = append(out, runbook(Critical, "McAfeeAgentSequenceRejected", Text{
			EN: "McAfee Agent: ePO rejects this agent's communication (sequence number invalid / no acknowledgement). The agent was restored from a snapshot or image, or another machine uses the same agent GUID.",
			JA: "McAfee Agent: ePO がこのエージェントの通信を拒否しています(シーケンス番号が無効)。スナップショットやイメージから復元されたか、別のマシンが同じエージェント GUID を使用しています。",
		}))
	} else if m.is("epo_last_asci_success", 0) {
		reason := "other"
		for _, s := range m["epo_last_asci_failure_reason"] {
			if s.value == 1 {
				reason = s.labels["reason"]
			}
		}
		failures, _ := m.value("epo_asci_consecutive_failures")
		out = append(out, runbook(Warning, "McAfeeAgentASCIFailing", Text{
			EN: fmt.Sprintf("McAfee Agent: the last agent-server communication (ASCI) failed (reason %s, %g consecutive failures).", reason, failures),
			JA: fmt.Sprintf("McAfee Agent: 直近のエージェント-サーバー間通信(ASCI)が失敗しました(理由 %s、連続 %g 回)。", reason, failures),
		}))
	}
	if ts, ok := m.value("epo_last_asci_success_timestamp_seconds"); ok && m.is("epo_agent_managed", 1) {
		if a := age(now, ts); ts == 0 || a > th.ASCIStale {
			out = append(out, runbook(Warning, "McAfeeAgentASCIStale", Text{
				EN: fmt.Sprintf("McAfee Agent: no successful communication with ePO for %s (limit %s): the console shows stale data for this host.", hours(a), hours(th.ASCIStale)),
				JA: fmt.Sprintf("McAfee Agent: ePO との通信が %s 成功していません(上限 %s)。コンソール上のこのホストの情報は古いままです。", hoursJA(a), hoursJA(th.ASCIStale)),
			}))
		}
	}
	if m.is("epo_agent_managed", 0) {
		// No alert covers an unmanaged agent, so the finding has no runbook and keeps its text.
		out = append(out, Finding{Severity: Info,
			Problem: Text{EN: "McAfee Agent runs in unmanaged mode: it does not report to any ePO server.", JA: "McAfee Agent はアンマネージドモードです。ePO サーバーに報告していません。"},
			Remedy:  Text{EN: "Deploy the agent from ePO (or install the managed package) if this host should be managed.", JA: "管理対象にする場合は ePO からエージェントを配布(またはマネージドパッケージをインストール)してください。"}})
	}
	return out
}

func ePOServerChecks(m metrics, _ time.Time, _ Thresholds) []Finding {
	agents, ok := m.value("epo_server_sequence_error_agents")
	if !ok || agents == 0 {
		return nil
	}
	return []Finding{runbook(Warning, "McAfeeServerSequenceErrors", Text{
		EN: fmt.Sprintf("ePO server: %g agent GUID(s) were rejected with \"sequence number invalid\" in the window (see epo_server_agent_sequence_errors for the top offenders).", agents),
		JA: fmt.Sprintf("ePO サーバー: 期間内に %g 個のエージェント GUID が「sequence number invalid」で拒否されました(上位は epo_server_agent_sequence_errors を参照)。", agents),
	})}
}

// tetraProxyErrors say which proxy step failed, with the local.xml //tetra/lasterror code
// (sources.md S3).
var tetraProxyErrors = map[string]Text{
	"proxy_connect": {
		EN: "Cisco Secure Endpoint: the last TETRA update could not connect to the proxy (error 4294965193 / -2103).",
		JA: "Cisco Secure Endpoint: 直近の TETRA 更新でプロキシに接続できませんでした(エラー 4294965193 / -2103)。",
	},
	"proxy_auth": {
		EN: "Cisco Secure Endpoint: the last TETRA update failed because the proxy requires authentication (error 4294965196 / -2100).",
		JA: "Cisco Secure Endpoint: プロキシが認証を要求しているため、直近の TETRA 更新が失敗しました(エラー 4294965196 / -2100)。",
	},
	"proxy_download": {
		EN: "Cisco Secure Endpoint: the last TETRA update connected to the proxy but the download failed (error 4294965187 / -2109).",
		JA: "Cisco Secure Endpoint: 直近の TETRA 更新はプロキシに接続できましたが、ダウンロードに失敗しました(エラー 4294965187 / -2109)。",
	},
}

// ciscoChecks: sources.md S3 (TETRA definitions not updating: DNS, TLS/CRL, proxy), sources.md S5
// (Linux connector faults).
func ciscoChecks(m metrics, now time.Time, th Thresholds) []Finding {
	if !m.is("secagent_agent_installed", 1, "agent", "cisco_secure_endpoint") {
		return nil
	}
	var out []Finding
	if m.is("connector_running", 0) {
		out = append(out, runbook(Critical, "CiscoConnectorNotRunning",
			Text{EN: "Cisco Secure Endpoint: the connector service is not running: the host is unprotected.", JA: "Cisco Secure Endpoint: コネクタサービスが動作していません。ホストは保護されていません。"}))
	} else if m.is("connector_connected", 0) {
		out = append(out, runbook(Warning, "CiscoConnectorDisconnected",
			Text{EN: "Cisco Secure Endpoint: the connector is not connected to the cloud.", JA: "Cisco Secure Endpoint: コネクタがクラウドに接続していません。"}))
	}
	if m.is("connector_isolated", 1) {
		out = append(out, runbook(Warning, "CiscoConnectorIsolated",
			Text{EN: "Cisco Secure Endpoint: the endpoint is isolated from the network.", JA: "Cisco Secure Endpoint: エンドポイントがネットワークから隔離されています。"}))
	}
	for _, s := range m["connector_fault_active"] {
		if s.value != 1 {
			continue
		}
		out = append(out, faultFinding(s.labels["id"], s.labels["name"]))
	}
	reason := "none"
	for _, s := range m["tetra_update_last_error"] {
		if s.value == 1 {
			reason = s.labels["reason"]
		}
	}
	if a, ok := m.value("tetra_definitions_age_seconds"); ok {
		d := time.Duration(a) * time.Second
		if d > th.TetraWarning {
			sev := Warning
			if d > th.TetraCritical {
				sev = Critical
			}
			out = append(out, runbook(sev, "CiscoTetraDefinitionsStale", Text{
				EN: fmt.Sprintf("Cisco Secure Endpoint: TETRA definitions are %s old (Cisco publishes about 4 updates a day); last update error: %s.", hours(d), reason),
				JA: fmt.Sprintf("Cisco Secure Endpoint: TETRA 定義ファイルが %s 更新されていません(Cisco は 1 日約 4 回更新を配信)。直近の更新エラー: %s。", hoursJA(d), reason),
			}))
		}
	}
	if p, ok := tetraProxyErrors[reason]; ok {
		out = append(out, runbook(Warning, "CiscoTetraUpdateProxyError", p))
	}
	return out
}

// faultFinding explains an active connector fault by the alert dedicated to its id
// (sources.md S5), or by CiscoConnectorFaultActive for an id without one, as the alert rules do.
func faultFinding(idLabel, name string) Finding {
	var id int
	fmt.Sscanf(idLabel, "%d", &id)
	title := Text{EN: name, JA: name}
	if f, ok := cisco.FaultByID(id); ok {
		title = Text{EN: f.Title, JA: f.TitleJa}
	}
	alert := "CiscoConnectorFaultActive"
	if row, ok := knowledge.Default.ByFault(id); ok {
		alert = row.Alert
	}
	return runbook(Warning, alert, Text{
		EN: fmt.Sprintf("Cisco Secure Endpoint Linux connector fault %s: %s.", idLabel, title.EN),
		JA: fmt.Sprintf("Cisco Secure Endpoint Linux コネクタ障害 %s: %s。", idLabel, title.JA),
	})
}

// linuxPrerequisiteChecks explain the cause before the connector raises the fault.
func linuxPrerequisiteChecks(m metrics, _ time.Time, _ Thresholds) []Finding {
	ciscoInstalled := m.is("secagent_agent_installed", 1, "agent", "cisco_secure_endpoint")
	var out []Finding
	if ciscoInstalled && m.is("selinux_enforcing", 1) && m.is("selinux_bpf_module_loaded", 0) && !m.is("connector_fault_active", 1, "id", "19") {
		out = append(out, runbook(Warning, "CiscoSELinuxBPFModuleMissing",
			Text{EN: "SELinux enforces but the cisco-secure-bpf policy module is not installed and enabled: the connector will raise fault 19 and cannot monitor.", JA: "SELinux が enforcing ですが、ポリシーモジュール cisco-secure-bpf が導入・有効化されていません。コネクタは障害 19 となり監視できません。"}))
	}
	if ciscoInstalled && m.is("kernel_btf_available", 0) && m.is("kernel_headers_installed", 0) && !m.is("connector_fault_active", 1, "id", "11") {
		out = append(out, runbook(Warning, "CiscoConnectorKernelHeadersMissing",
			Text{EN: "Neither BTF nor kernel headers for the running kernel are present: the connector's monitors cannot start (faults 8, 9, 11).", JA: "実行中カーネルの BTF もカーネルヘッダもありません。コネクタのモニタが起動できません(障害 8、9、11)。"}))
	}
	if ciscoInstalled && m.is("connector_scan_user_present", 0) && !m.is("connector_fault_active", 1, "id", "5") {
		out = append(out, runbook(Warning, "CiscoConnectorScanUserMissing",
			Text{EN: "The connector's scan-service user cisco-amp-scan-svc does not exist (fault 5).", JA: "コネクタのスキャンサービスユーザー cisco-amp-scan-svc が存在しません(障害 5)。"}))
	}
	return out
}

// qualysChecks: sources.md S4 (platform unreachable, FIM manifest, audit netlink ownership).
func qualysChecks(m metrics, now time.Time, th Thresholds) []Finding {
	if !m.is("secagent_agent_installed", 1, "agent", "qualys_cloud_agent") {
		return nil
	}
	var out []Finding
	if m.is("qualys_agent_running", 0) {
		out = append(out, runbook(Critical, "QualysAgentNotRunning",
			Text{EN: "Qualys Cloud Agent is installed but not running.", JA: "Qualys Cloud Agent は導入されていますが動作していません。"}))
	}
	if ts, ok := m.value("qualys_last_platform_success_timestamp_seconds"); ok {
		if a := age(now, ts); ts == 0 || a > th.QualysStale {
			when := Text{EN: "never in the log read so far", JA: "読み取ったログに一度も記録されていません"}
			if ts > 0 {
				when = Text{EN: "for " + hours(a), JA: hoursJA(a) + "の間ありません"}
			}
			out = append(out, runbook(Warning, "QualysPlatformUnreachable", Text{
				EN: fmt.Sprintf("Qualys Cloud Agent: no successful exchange with the Qualys platform %s.", when.EN),
				JA: fmt.Sprintf("Qualys Cloud Agent: Qualys プラットフォームとの通信成功が%s。", when.JA),
			}))
		}
	}
	if m.is("qualys_fim_audit_conflict", 1) {
		reason := ""
		for _, s := range m["qualys_fim_audit_conflict_reason"] {
			if s.value == 1 && s.labels["reason"] != "none" {
				reason = s.labels["reason"]
			}
		}
		out = append(out, runbook(Warning, "QualysFIMAuditConflict", Text{
			EN: fmt.Sprintf("Qualys FIM: auditd and the agent disagree about who owns the audit netlink socket (%s): FIM events are being lost.", reason),
			JA: fmt.Sprintf("Qualys FIM: auditd とエージェントの audit netlink ソケットの所有が矛盾しています(%s)。FIM イベントが失われています。", reason),
		}))
	}
	return out
}

func probeChecks(m metrics, now time.Time, th Thresholds) []Finding {
	var out []Finding
	for _, s := range m["secagent_probe_success"] {
		if s.value != 0 {
			continue
		}
		agent, target := s.labels["agent"], s.labels["target"]
		phase := "unknown"
		for _, p := range m["secagent_probe_failed_phase"] {
			if p.labels["agent"] == agent && p.labels["target"] == target && p.value == 1 {
				phase = p.labels["phase"]
			}
		}
		out = append(out, runbook(Warning, "SecagentProbeFailing", Text{
			EN: fmt.Sprintf("This host cannot reach %s's back end %s: failed at %s.", agent, target, phase),
			JA: fmt.Sprintf("このホストから %s のサーバー %s に到達できません(失敗フェーズ: %s)。", agent, target, phase),
		}))
	}
	for _, s := range m["secagent_probe_tls_cert_not_after_timestamp_seconds"] {
		left := time.Unix(int64(s.value), 0).Sub(now)
		if s.value > 0 && left < th.CertExpiryWindow {
			out = append(out, runbook(Warning, "SecagentProbeTLSCertExpiring", Text{
				EN: fmt.Sprintf("The TLS certificate of %s (%s) expires in %s.", s.labels["target"], s.labels["agent"], hours(left)),
				JA: fmt.Sprintf("%s(%s)の TLS 証明書はあと %s で期限切れになります。", s.labels["target"], s.labels["agent"], hoursJA(left)),
			}))
		}
	}
	return out
}
