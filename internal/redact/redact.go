// Package redact removes secrets from text before it leaves the host (support bundle,
// diagnose report) or reaches the exporter's own log: Qualys ActivationId / CustomerId,
// Cisco client_keypair / install_token / unlock_code, proxy credentials in URLs and in
// settings, HTTP authorization headers, private keys and base64 key material.
//
// The grammar, each rule applied in turn until nothing changes (so String is idempotent):
//   - PEM private-key blocks, also when cut;
//   - HTTP Authorization / Proxy-Authorization: the whole header value;
//   - URL userinfo (scheme://user:pass@host), split at the last '@' of the token, and
//     the same without a scheme (user:pass@host:port);
//   - DOMAIN\user:password;
//   - XML elements named like a secret, their whole content up to the close tag (lines,
//     CDATA and nested elements included, or to the next tag when the file was cut);
//     attributes named like a secret, and value="…" of <entry key="secret" value="…"/>;
//   - JSON members named like a secret at any depth, the whole value (objects too);
//   - key=value, "key"="value" (registry export, hex values included), key<TAB>value,
//     key: value, and reg query's key  REG_SZ  value;
//   - identifier keys in free text (ActivationId 1d2c…, activation id is 1d2c…);
//   - base64 runs that look like key material (40+ characters of mixed case and digits).
//
// Options.HostIdentifiers also masks host names, IP addresses and GUIDs, for bundles
// that leave the company.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces every secret value.
const Mask = "<redacted>"

// Masks of host identifiers (Options.HostIdentifiers).
const (
	HostMask = "<host>"
	IPMask   = "<ip>"
	GUIDMask = "<guid>"
)

// secretKeys names the settings whose values are secrets, wherever they appear
// (Key=Value files, XML elements, JSON members, registry dumps, CLI output). Matching is
// case-insensitive, ignores '_', '-', '.' and ' ', and a key ending in one of these
// (ProxyPassword, USERPROP-password) counts too.
var secretKeys = []string{
	"activationid",  // Qualys conf / registry
	"customerid",    // Qualys conf / registry
	"clientkeypair", // Cisco registry / local.xml
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

// valuePattern is a setting's value: a registry hex value (continued lines included),
// a quoted string, a <…> word or a bare word.
const valuePattern = `(hex(?:\([0-9a-fA-F]+\))?:(?:[0-9a-fA-F]{2},?|\\\r?\n[ \t]*)*|"[^"\n]*"?|'[^'\n]*'?|<[^\s<>]*>|[^\s,;&<>"']+)`

var (
	privateKeyBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)`)
	// Authorization: Bearer x, Proxy-Authorization Basic x, "Authorization"="x".
	authHeader = regexp.MustCompile(`(?i)((?:proxy-)?authorization"?[ \t]*[:=\t ][ \t]*)[^\r\n]+`)
	// scheme://userinfo@ — greedy, so the userinfo ends at the token's last '@'.
	urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^\s"'<>]*@`)
	// user:pass@host[:port] without a scheme.
	bareUserinfo = regexp.MustCompile(`(^|[\s=;,"'(\[])([^\s"'<>@:=;,(\[]+:[^\s"'<>]*)@([A-Za-z0-9][A-Za-z0-9.-]*)`)
	// DOMAIN\user:password
	domainUser = regexp.MustCompile(`\b([A-Za-z][\w.-]*\\[\w.$-]+):([^\s"'<>]+)`)
	// An XML start tag (attributes may span lines).
	xmlTag  = regexp.MustCompile(`<([A-Za-z][\w.:-]*)(\s[^<>]*?)?(/?)>`)
	xmlAttr = regexp.MustCompile(`([A-Za-z][\w.:-]*)(\s*=\s*)("[^"]*"|'[^']*')`)
	// McAfee custom properties are free text: mask the rest of the line.
	userProperty = regexp.MustCompile(`(?im)^([ \t]*(?:user[_ ]?property|custom[_ ]?props?)\d*[ \t]*[:=][ \t]*)\S[^\r\n]*`)
	jsonKey      = regexp.MustCompile(`"([A-Za-z][A-Za-z0-9_. -]*)"\s*:\s*`)
	// [prefix]key = value, key: value, "key"="value", key<TAB>value.
	keyValue = regexp.MustCompile(`(?i)([A-Za-z0-9_.-]*` + keyPattern(secretKeys) + `\d*"?)([ \t]*[=:][ \t]*|\t+)` + valuePattern)
	// reg query: name    REG_SZ    value
	regQuery = regexp.MustCompile(`(?i)([A-Za-z0-9_.-]*` + keyPattern(secretKeys) + `\d*)([ \t]+REG_[A-Z_]+[ \t]+)([^\r\n]*\S)`)
	// identifier key, white space (and "is"/"was"), value in free text. The value ends
	// at white space, punctuation or the end, never at '=': in <install_token type="x">
	// the word after the key is an attribute name.
	keySpaceValue = regexp.MustCompile(`(?i)\b(` + keyPattern(identifierKeys) + `)(\s+(?:(?:is|was|of)\s+)?)([^\s,;&<>"'=]+)([\s,;&<>"']|$)`)
	base64Run     = regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`)

	ipv4 = regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b`)
	ipv6 = regexp.MustCompile(`(?i)\b(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})\b|(?i)::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}\b`)
	guid = regexp.MustCompile(`\{?\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b\}?`)
	fqdn = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.){2,}[a-z]{2,24}\b`)
)

// fileExtensions are last labels that make a dotted word a file name, not a host.
var fileExtensions = map[string]bool{"log": true, "xml": true, "txt": true, "conf": true, "json": true,
	"exe": true, "dll": true, "so": true, "gz": true, "zip": true, "ini": true, "yml": true, "yaml": true,
	"go": true, "sh": true, "db": true, "bak": true, "old": true, "pem": true, "crt": true, "key": true}

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

// Options select optional rules.
type Options struct {
	// HostIdentifiers also masks host names, IP addresses and GUIDs.
	HostIdentifiers bool
	// HostNames are names of this host masked as HostMask wherever they appear
	// (with HostIdentifiers), also when they have no dot.
	HostNames []string
}

// maxPasses bounds the fixpoint loop; every rule leaves its own output alone, so two
// passes are the rule and the bound is never reached in practice.
const maxPasses = 8

// String returns s with every secret value masked.
func String(s string) string { return Options{}.String(s) }

// Bytes is String for byte slices.
func Bytes(b []byte) []byte { return []byte(String(string(b))) }

// Bytes is String for byte slices.
func (o Options) Bytes(b []byte) []byte { return []byte(o.String(string(b))) }

// String returns s with every secret value (and host identifier, if asked) masked. The
// rules are applied until the text no longer changes, so String(String(s)) == String(s).
func (o Options) String(s string) string {
	for range maxPasses {
		next := o.pass(s)
		if next == s {
			return s
		}
		s = next
	}
	return s
}

func (o Options) pass(s string) string {
	s = privateKeyBlock.ReplaceAllString(s, Mask)
	s = authHeader.ReplaceAllString(s, "${1}"+Mask)
	s = urlUserinfo.ReplaceAllString(s, "${1}"+Mask+"@")
	s = bareUserinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := bareUserinfo.FindStringSubmatch(m)
		if sub[2] == Mask {
			return m
		}
		return sub[1] + Mask + "@" + sub[3]
	})
	s = domainUser.ReplaceAllString(s, Mask)
	s = userProperty.ReplaceAllString(s, "${1}"+Mask)
	s = xmlElements(s)
	s = jsonMembers(s)
	s = keyValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := keyValue.FindStringSubmatch(m)
		if strings.Trim(sub[3], `"'`) == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
	s = regQuery.ReplaceAllString(s, "${1}${2}"+Mask)
	s = keySpaceValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := keySpaceValue.FindStringSubmatch(m)
		if sub[3] == Mask {
			return m
		}
		return sub[1] + sub[2] + Mask + sub[4]
	})
	s = base64Run.ReplaceAllStringFunc(s, func(m string) string {
		if looksLikeKeyMaterial(m) {
			return Mask
		}
		return m
	})
	if o.HostIdentifiers {
		s = o.hostIdentifiers(s)
	}
	return s
}

// looksLikeKeyMaterial: upper and lower case letters and digits, as base64 of random
// bytes has and words, paths and hex hashes do not. A file path has them too (a temp
// dir with digits, ProgramData/McAfee), but it has a '/' every few characters, where
// random base64 has one in 64: more than one in 12 is a path.
func looksLikeKeyMaterial(m string) bool {
	if strings.Count(m, "/")*12 > len(m) {
		return false
	}
	var up, low, dig bool
	for _, r := range m {
		switch {
		case r >= 'A' && r <= 'Z':
			up = true
		case r >= 'a' && r <= 'z':
			low = true
		case r >= '0' && r <= '9':
			dig = true
		}
	}
	return up && low && dig
}

// xmlElements masks the content of secret elements and the values of secret attributes.
func xmlElements(s string) string {
	var b strings.Builder
	last := 0
	for {
		loc := xmlTag.FindStringSubmatchIndex(s[last:])
		if loc == nil {
			break
		}
		for i := range loc {
			if loc[i] >= 0 {
				loc[i] += last
			}
		}
		name := s[loc[2]:loc[3]]
		attrs := ""
		if loc[4] >= 0 {
			attrs = s[loc[4]:loc[5]]
		}
		selfClosing := loc[6] < loc[7]
		b.WriteString(s[last:loc[0]])
		b.WriteString("<" + name + maskAttributes(attrs) + s[loc[6]:loc[7]] + ">")
		last = loc[1]
		if selfClosing || !isSecretKey(name) {
			continue
		}
		rest := s[last:]
		end := len(rest)
		closeRe := regexp.MustCompile(`(?i)</` + regexp.QuoteMeta(name) + `\s*>`)
		if c := closeRe.FindStringIndex(rest); c != nil {
			end = c[0]
		} else if strings.HasPrefix(rest, "<![CDATA[") {
			if c := strings.Index(rest, "]]>"); c >= 0 {
				end = c + 3
			}
		} else if c := strings.IndexByte(rest, '<'); c >= 0 {
			end = c
		}
		content := rest[:end]
		if strings.TrimSpace(content) == "" || content == Mask {
			continue
		}
		b.WriteString(Mask)
		last += end
	}
	b.WriteString(s[last:])
	return b.String()
}

// maskAttributes masks secret-named attributes, and value/data attributes of an element
// whose key/name attribute names a secret.
func maskAttributes(attrs string) string {
	if attrs == "" {
		return ""
	}
	keyed := false
	for _, m := range xmlAttr.FindAllStringSubmatch(attrs, -1) {
		switch strings.ToLower(m[1]) {
		case "key", "name", "id":
			if isSecretKey(strings.Trim(m[3], `"'`)) {
				keyed = true
			}
		}
	}
	return xmlAttr.ReplaceAllStringFunc(attrs, func(m string) string {
		sub := xmlAttr.FindStringSubmatch(m)
		n := strings.ToLower(sub[1])
		if isSecretKey(sub[1]) || (keyed && (n == "value" || n == "data" || n == "text")) {
			return sub[1] + sub[2] + `"` + Mask + `"`
		}
		return m
	})
}

// jsonMembers masks the whole value of every secret JSON member at any depth.
func jsonMembers(s string) string {
	var b strings.Builder
	last := 0
	for {
		loc := jsonKey.FindStringSubmatchIndex(s[last:])
		if loc == nil {
			break
		}
		start, keyEnd := last+loc[0], last+loc[1]
		name := s[last+loc[2] : last+loc[3]]
		b.WriteString(s[last:keyEnd])
		last = keyEnd
		_ = start
		if !isSecretKey(name) {
			continue
		}
		end := jsonValueEnd(s, keyEnd)
		if end == keyEnd || s[keyEnd:end] == `"`+Mask+`"` {
			continue
		}
		b.WriteString(`"` + Mask + `"`)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// jsonValueEnd returns the end of the JSON value starting at i: a string (to its closing
// quote or the end of the line), an object or array (balanced, to the end if cut), or a
// bare word.
func jsonValueEnd(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			case '\n':
				return j
			}
		}
		return len(s)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				j = jsonValueEnd(s, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && !strings.ContainsRune(" \t\r\n,}]", rune(s[j])) {
		j++
	}
	return j
}

func (o Options) hostIdentifiers(s string) string {
	s = guid.ReplaceAllString(s, GUIDMask)
	s = ipv4.ReplaceAllString(s, IPMask)
	s = ipv6.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Count(m, ":") < 2 {
			return m
		}
		return IPMask
	})
	s = fqdn.ReplaceAllStringFunc(s, func(m string) string {
		if fileExtensions[strings.ToLower(m[strings.LastIndexByte(m, '.')+1:])] {
			return m
		}
		return HostMask
	})
	for _, h := range o.HostNames {
		if len(h) < 2 {
			continue
		}
		s = regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(h)+`\b`).ReplaceAllString(s, HostMask)
	}
	return s
}
