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
// (Key=Value files, XML elements, JSON members, registry dumps, CLI output). Matching is
// case-insensitive, ignores '_', '-', '.' and ' ', and a key ending in one of these
// (ProxyPassword, USERPROP-password) counts too.
var secretKeys = []string{
	"activationid",  // Qualys conf / registry (sources.md S9, C.7)
	"customerid",    // Qualys conf / registry
	"clientkeypair", // Cisco registry / local.xml (sources.md S6)
	"installtoken",  // Cisco installer token
	"unlockcode",    // Cisco isolation unlock code
	"password", "passwd", "pwd", "passphrase",
	"username", "proxyuser", "proxylogin",
	"secret", "token", "apikey", "privatekey", "keypair", "credential", "credentials",
	"proxyauth", "authorization",
	// McAfee custom properties (cmdagent -i UserProperty1..8) hold whatever an ePO
	// administrator put there; the parsers never need their values.
	"userproperty",
}

// identifierKeys are secrets whose value may follow the key after plain white space in
// free text ("... for ActivationId 1d2c-..."): they name an identifier, never prose.
var identifierKeys = []string{"activationid", "customerid", "clientkeypair", "installtoken", "unlockcode"}

// keyPattern matches any spelling of the given keys: letters optionally separated by
// '_', '-', '.' or ' ' (activation_id, Activation-Id, ACTIVATION ID).
func keyPattern(keys []string) string {
	alts := make([]string, len(keys))
	for i, k := range keys {
		var b strings.Builder
		for j, r := range k {
			if j > 0 {
				b.WriteString(`[_.\- ]?`)
			}
			b.WriteRune(r)
		}
		alts[i] = b.String()
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

const valuePattern = `("[^"\n]*"?|'[^'\n]*'?|[^\s,;&<>"']+)`

var (
	// scheme://user:password@host — the userinfo of a URL (proxy settings of every agent).
	urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@"'<>]+@`)
	// -----BEGIN ... PRIVATE KEY----- blocks, also when the file was cut inside one.
	privateKeyBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)`)
	// HTTP authorization headers carry their secret after a scheme word: mask the rest of the line.
	authHeader = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization\s*:\s*)[^\r\n]+`)
	// <key attr="…">value — the text after a secret element's start tag, up to the next tag
	// or the end of the line (closed or not: a file may end inside the element).
	xmlStart = regexp.MustCompile(`(?i)<((?:[A-Za-z][\w.-]*:)?[A-Za-z][\w.-]*)(\s[^>]*)?>([^<\n]*)`)
	// McAfee custom properties are free text: mask the rest of the line.
	userProperty = regexp.MustCompile(`(?im)^(\s*(?:user[_ ]?property|custom[_ ]?props?)\d*\s*[:=]\s*)\S[^\r\n]*`)
	// "key": "value" (posture JSON, health-check JSON).
	jsonMember = regexp.MustCompile(`(?i)"([A-Za-z][A-Za-z0-9_. -]*)"(\s*:\s*)("(?:[^"\\\n]|\\.)*"?|[^\s,}\]]+)`)
	// [prefix]key = value, key: value, key="value" (conf files, env files, CLI output).
	keyValue = regexp.MustCompile(`(?i)([A-Za-z0-9_.-]*` + keyPattern(secretKeys) + `\d*)(\s*[=:]\s*)` + valuePattern)
	// identifier key, white space, value (free text in agent logs).
	// The value must end at white space, punctuation or the end, never at '=': in
	// <install_token type="x"> the word after the key is an attribute name, not a value.
	keySpaceValue = regexp.MustCompile(`(?i)\b(` + keyPattern(identifierKeys) + `)(\s+)([^\s,;&<>"'=]+)([\s,;&<>"']|$)`)
)

// isSecretKey reports whether a setting name carries a secret value.
func isSecretKey(name string) bool {
	n := strings.TrimRight(strings.ToLower(strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(name)), "0123456789")
	if i := strings.LastIndexByte(n, ':'); i >= 0 {
		n = n[i+1:] // XML namespace prefix
	}
	for _, k := range secretKeys {
		if strings.HasSuffix(n, k) {
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
	s = userProperty.ReplaceAllString(s, "${1}"+Mask)
	s = xmlStart.ReplaceAllStringFunc(s, func(m string) string {
		sub := xmlStart.FindStringSubmatch(m)
		if !isSecretKey(sub[1]) || strings.TrimSpace(sub[3]) == "" || sub[3] == Mask {
			return m
		}
		return "<" + sub[1] + sub[2] + ">" + Mask
	})
	s = jsonMember.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonMember.FindStringSubmatch(m)
		if !isSecretKey(sub[1]) || sub[3] == `"`+Mask+`"` {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + Mask + `"`
	})
	s = keyValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := keyValue.FindStringSubmatch(m)
		if strings.Trim(sub[3], `"'`) == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
	s = keySpaceValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := keySpaceValue.FindStringSubmatch(m)
		if sub[3] == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask + sub[4]
	})
	return s
}

// Bytes is String for byte slices.
func Bytes(b []byte) []byte { return []byte(String(string(b))) }
