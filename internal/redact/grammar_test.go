package redact

import (
	"strings"
	"testing"
)

// TestGrammarHostileExamples holds every leak seen against earlier versions.
func TestGrammarHostileExamples(t *testing.T) {
	cases := []struct {
		name, in, secret, keep string
	}{
		{"password with @", "proxy=http://svc:p@ss-SECRET@proxy.corp:3128/", "ss-SECRET", "proxy.corp:3128"},
		{"proxy without scheme", "ProxyServer=svc:SECRET-NS@proxy.corp:8080", "SECRET-NS", "proxy.corp:8080"},
		{"proxy without scheme in text", "using svc:SECRET-NS2@proxy.corp:8080 now", "SECRET-NS2", "proxy.corp:8080"},
		{"domain user raw slash", `proxy CORP\svc:pa/SECRET-DOM now`, "SECRET-DOM", "now"},
		{"domain user raw slash in url", `http://CORP\svc:pa/SECRET-DOMURL@proxy:8080`, "SECRET-DOMURL", "proxy:8080"},
		{"bearer", "Authorization: Bearer eyJSECRET-BEARER.x.y", "SECRET-BEARER", "Authorization"},
		{"proxy-authorization without colon", "Proxy-Authorization Basic SECRET-BASIC64=\nnext", "SECRET-BASIC64", "next"},
		{"registry export", `"ProxyPassword"="SECRET-REGEXP"` + "\n" + `"ProxyPort"=dword:00000c38`, "SECRET-REGEXP", `"ProxyPort"=dword:00000c38`},
		{"registry export hex", `"ProxyPassword"=hex:53,45,43,\` + "\n  52,45,54\n\"Other\"=\"x\"", "52,45,54", `"Other"="x"`},
		{"tab", "password\tSECRET-TAB\nlevel\t3", "SECRET-TAB", "level\t3"},
		{"key colon", "proxy_password: SECRET-COLON", "SECRET-COLON", "proxy_password"},
		{"xml own line", "<proxy>\n  <password>\n    SECRET-LINE\n  </password>\n</proxy>", "SECRET-LINE", "</proxy>"},
		{"cdata", "<password><![CDATA[SECRET-CDATA]]></password>", "SECRET-CDATA", "</password>"},
		{"cdata cut", "<password><![CDATA[SECRET-CDCUT", "SECRET-CDCUT", "<password>"},
		{"entry attribute", `<entry key="proxy_password" value="SECRET-ATTR"/><entry key="port" value="3128"/>`, "SECRET-ATTR", `value="3128"`},
		{"secret attribute", `<proxy host="p" password="SECRET-ATTR2">`, "SECRET-ATTR2", `host="p"`},
		{"multi-line install token", "<install_token>\nAAAA-SECRET-L1\nBBBB-SECRET-L2\n</install_token><x>1</x>", "SECRET-L", "<x>1</x>"},
		{"non-PEM base64 keypair", "client_keypair\n  MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDSECRET\n", "MIIEvQIBADANBgkqhkiG9w0BAQEF", "client_keypair"},
		{"reg query keypair", "    client_keypair    REG_SZ    MIIEvQSECRETKP\n    uuid    REG_SZ    abc", "SECRETKP", "uuid    REG_SZ    abc"},
		{"nested json", `{"activation":{"ActivationId":"SECRET-NESTED","n":1}}`, "SECRET-NESTED", `"n":1`},
		{"json object value", `{"credentials":{"user":"u","pass":"SECRET-OBJ"},"ok":true}`, "SECRET-OBJ", `"ok":true`},
		{"json number", `{"CustomerId": 123456789}`, "123456789", "CustomerId"},
		{"free text is", "activation id is 1d2c3b4a-SECRET-FREE for this host", "SECRET-FREE", "for this host"},
		{"free text plain", "Using ActivationId SECRET-FT2 now", "SECRET-FT2", "now"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			if strings.Contains(got, tc.secret) {
				t.Errorf("String(%q) = %q still holds %q", tc.in, got, tc.secret)
			}
			if !strings.Contains(got, tc.keep) {
				t.Errorf("String(%q) = %q lost %q", tc.in, got, tc.keep)
			}
			if again := String(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestHostIdentifiersOptIn(t *testing.T) {
	in := "agent on web01.corp.example.com (10.1.2.3, fe80::1:2) GUID {3F2504E0-4F89-41D3-9A0C-0305E82C3301} host web01 log masvc.log"
	if got := String(in); got != in {
		t.Errorf("default options changed host identifiers: %q", got)
	}
	o := Options{HostIdentifiers: true, HostNames: []string{"web01"}}
	got := o.String(in)
	for _, leak := range []string{"web01", "10.1.2.3", "fe80::1:2", "3F2504E0", "example.com"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q still holds %q", got, leak)
		}
	}
	if !strings.Contains(got, "masvc.log") {
		t.Errorf("%q: file name masked", got)
	}
	if o.String(got) != got {
		t.Errorf("not idempotent: %q", got)
	}
}

// FuzzPlantedSecret plants a secret in each grammar form around fuzzed text: the secret
// never survives and redaction is idempotent.
func FuzzPlantedSecret(f *testing.F) {
	forms := []string{
		"password=%s", `"ProxyPassword"="%s"`, "password\t%s", "token: %s",
		`{"a":{"ActivationId":"%s"}}`, "<password>%s</password>", "<password>\n%s\n</password>",
		`<entry key="proxy_password" value="%s"/>`, "http://u:%s@h:1/", "Authorization: Bearer %s",
	}
	f.Add("prefix ", " suffix", uint8(0))
	f.Add("<x>", "</x>", uint8(4))
	f.Add("a=\"", "'", uint8(8))
	f.Fuzz(func(t *testing.T, pre, post string, form uint8) {
		const secret = "Zq7SECRETx9"
		in := pre + strings.Replace(forms[int(form)%len(forms)], "%s", secret, 1) + post
		out := String(in)
		if strings.Count(out, secret) > strings.Count(pre+post, secret) {
			t.Fatalf("planted secret survived: %q -> %q", in, out)
		}
		if String(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, String(out))
		}
	})
}
