package msgtable

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShape(t *testing.T) {
	for in, want := range map[string]string{
		"Agent with GUID {3F2504E0-4F89-41D3-9A0C-0305E82C3301} sequence number invalid, expected 113 > 3716": "Agent with GUID <guid> sequence number invalid, expected <n> > <n>",
		"  connect to 192.0.2.10:443 failed  ": "connect to <ip>:<n> failed",
		"session 0x7f3a9c00d2e1 closed":        "session <hex> closed",
		"hash deadbeefcafe":                    "hash <hex>",
		"EPOAGENT3000 task 12":                 "EPOAGENT<n> task <n>",
		"ePOサーバーに接続しています。":                     "ePOサーバーに接続しています。",
	} {
		if got := Shape(in); got != want {
			t.Errorf("Shape(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("x", 300)
	if got := Shape(long); utf8.RuneCountInString(got) != maxShapeRunes+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("long shape not cut: %d runes", utf8.RuneCountInString(got))
	}
	if re := regexp.MustCompile(ShapeRegexp(Shape(long + "yz"))); !re.MatchString(long + "yz") {
		t.Error("the regexp of a cut shape does not match its line")
	}
}

func FuzzShape(f *testing.F) {
	for _, s := range []string{
		"Agent with GUID {3F2504E0-4F89-41D3-9A0C-0305E82C3301} sequence number invalid, expected 113 > 3716",
		"connect to 192.0.2.10:443 failed", "session 0x7f3a9c00d2e1 closed", "ePOサーバーに接続しています。", "a.b*c(d)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		shape := Shape(msg)
		if strings.ContainsAny(shape, "0123456789") && !strings.ContainsAny(msg, "<>") {
			// Digits survive only as part of a token-looking text the input wrote itself.
			t.Fatalf("shape %q of %q keeps a digit", shape, msg)
		}
		if !utf8.ValidString(shape) {
			t.Fatalf("shape %q is not UTF-8", shape)
		}
		re, err := regexp.Compile(ShapeRegexp(shape))
		if err != nil {
			t.Fatalf("regexp of %q: %v", shape, err)
		}
		if !utf8.ValidString(msg) || strings.ContainsAny(msg, "<>…\r\n") {
			return
		}
		if !re.MatchString(msg) {
			t.Fatalf("regexp %q of shape %q does not match %q", re, shape, msg)
		}
		if lit := ShapeLiteral(shape); !strings.Contains(msg, lit) {
			t.Fatalf("literal %q not in %q", lit, msg)
		}
	})
}
