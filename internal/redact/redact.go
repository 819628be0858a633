// Package redact removes secrets from text before it leaves the host in a support
// bundle: Qualys ActivationId / CustomerId, Cisco client_keypair / install_token /
// unlock_code, proxy credentials in URLs and in key=value / XML / JSON settings, and
// private-key blocks. The patterns are data: a new secret-bearing key is one row.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces every secret value.
const Mask = "<redacted>"

// secretKeys names the settings whose values are secrets, wherever they appear
// (Key=Value files, XML elements, JSON members, registry dumps). Matching is
// case-insensitive and ignores '_' and '-' so ActivationId, activation_id and
// ACTIVATION-ID are one row.
var secretKeys = []string{
	"activationid",  // Qualys conf / registry (research C.2, C.7)
	"customerid",    // Qualys conf / registry
	"clientkeypair", // Cisco registry / local.xml (research A.1)
	"installtoken",  // Cisco installer token
	"unlockcode",    // Cisco isolation unlock code
	"password", "passwd", "pwd", "proxypassword", "proxypass",
	"secret", "token", "apikey", "privatekey", "keypair", "credential", "credentials",
	"proxyauth", "authorization",
}

var (
	// scheme://user:password@host — the userinfo of a URL (proxy settings of every agent).
	urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@"'<>]+@`)
	// -----BEGIN ... PRIVATE KEY----- blocks (keypairs dumped by a support tool).
	privateKeyBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----`)
	// HTTP authorization headers carry their secret after a scheme word: mask the rest of the line.
	authHeader = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization\s*:\s*)[^\r\n]+`)
	// key = value, key: value, key="value" (conf files, env files, CLI output).
	keyValue = regexp.MustCompile(`(?i)([A-Za-z][A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,;&<>"']+)`)
	// <key attr="…">value</key> (Cisco local.xml / policy.xml).
	xmlElement = regexp.MustCompile(`(?is)<([A-Za-z][A-Za-z0-9_.:-]*)(\s[^>]*)?>([^<]*)</([A-Za-z][A-Za-z0-9_.:-]*)>`)
	// "key": "value" (posture JSON, health-check JSON).
	jsonMember = regexp.MustCompile(`(?i)"([A-Za-z][A-Za-z0-9_.-]*)"(\s*:\s*)("(?:[^"\\\n]|\\.)*"|[^\s,}\]]+)`)
)

// isSecretKey reports whether a setting name carries a secret value.
func isSecretKey(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "").Replace(name))
	if i := strings.LastIndexByte(n, ':'); i >= 0 {
		n = n[i+1:] // XML namespace prefix
	}
	for _, k := range secretKeys {
		if n == k || strings.HasSuffix(n, k) {
			return true
		}
	}
	return false
}

// String returns s with every secret value masked.
func String(s string) string {
	s = privateKeyBlock.ReplaceAllString(s, Mask)
	s = urlUserinfo.ReplaceAllString(s, "${1}"+Mask+"@")
	s = authHeader.ReplaceAllString(s, "${1}"+Mask)
	s = xmlElement.ReplaceAllStringFunc(s, func(m string) string {
		sub := xmlElement.FindStringSubmatch(m)
		if !strings.EqualFold(sub[1], sub[4]) || !isSecretKey(sub[1]) || strings.TrimSpace(sub[3]) == "" {
			return m
		}
		return "<" + sub[1] + sub[2] + ">" + Mask + "</" + sub[4] + ">"
	})
	s = jsonMember.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonMember.FindStringSubmatch(m)
		if !isSecretKey(sub[1]) {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + Mask + `"`
	})
	s = keyValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := keyValue.FindStringSubmatch(m)
		if !isSecretKey(sub[1]) || sub[3] == Mask || strings.Trim(sub[3], `"'`) == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
	return s
}

// Bytes is String for byte slices.
func Bytes(b []byte) []byte { return []byte(String(string(b))) }
