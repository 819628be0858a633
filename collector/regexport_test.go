package collector

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/secagent-exporter/secagent_exporter/collector/mcafee"
)

// parseRegExport reads a regedit export ("Windows Registry Editor Version 5.00" in
// UTF-16LE with a BOM, or "REGEDIT4" in ASCII) of HKEY_LOCAL_MACHINE keys into a registry
// fake: REG_SZ ("name"="text") and REG_DWORD ("name"=dword:hex) values; other types are
// refused so a fixture cannot silently lose a value.
func parseRegExport(raw []byte) (mcafee.FakeRegistry, error) {
	text := string(raw)
	if len(raw) >= 2 && raw[0] == 0xff && raw[1] == 0xfe {
		if len(raw)%2 != 0 {
			return nil, errors.New("odd UTF-16 length")
		}
		u := make([]uint16, 0, len(raw)/2-1)
		for i := 2; i+1 < len(raw); i += 2 {
			u = append(u, uint16(raw[i])|uint16(raw[i+1])<<8)
		}
		text = string(utf16.Decode(u))
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	if !sc.Scan() {
		return nil, errors.New("empty export")
	}
	if h := strings.TrimSpace(sc.Text()); h != "Windows Registry Editor Version 5.00" && h != "REGEDIT4" {
		return nil, fmt.Errorf("not a registry export: %q", h)
	}
	reg := mcafee.FakeRegistry{}
	key := ""
	for n := 2; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			k, ok := strings.CutPrefix(line[1:len(line)-1], `HKEY_LOCAL_MACHINE\`)
			if !ok || k == "" {
				return nil, fmt.Errorf("line %d: only HKEY_LOCAL_MACHINE keys: %q", n, line)
			}
			key = k
			if reg[key] == nil {
				reg[key] = map[string]any{}
			}
		case strings.HasPrefix(line, `"`):
			if key == "" {
				return nil, fmt.Errorf("line %d: value before any key", n)
			}
			name, rest, err := regQuoted(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			rest, ok := strings.CutPrefix(rest, "=")
			if !ok {
				return nil, fmt.Errorf("line %d: no '=' after the name", n)
			}
			switch {
			case strings.HasPrefix(rest, `"`):
				v, tail, err := regQuoted(rest)
				if err != nil || tail != "" {
					return nil, fmt.Errorf("line %d: bad string value", n)
				}
				reg[key][name] = v
			case strings.HasPrefix(rest, "dword:"):
				hex := strings.TrimPrefix(rest, "dword:")
				if len(hex) != 8 {
					return nil, fmt.Errorf("line %d: dword needs 8 hex digits", n)
				}
				v, err := strconv.ParseUint(hex, 16, 32)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", n, err)
				}
				reg[key][name] = v
			default:
				return nil, fmt.Errorf("line %d: unsupported value type %q", n, rest)
			}
		default:
			return nil, fmt.Errorf("line %d: unreadable %q", n, line)
		}
	}
	return reg, sc.Err()
}

// regQuoted reads a "..." token with regedit's \\ and \" escapes.
func regQuoted(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '\\' && s[i+1] != '"') {
				return "", "", errors.New("bad escape")
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated string")
}

// The registry exports the Wine lane plants describe the same hosts as the fakes: they
// give the goldens of the fake-driven tests.
func TestMcAfeeAVRegistryExportsMatchGoldens(t *testing.T) {
	for file, golden := range map[string]string{"mcafee-av-ens.reg": "ens-healthy", "mcafee-av-vse.reg": "vse-healthy"} {
		raw, err := os.ReadFile(filepath.Join("fixtures", "windows", file))
		if err != nil {
			t.Fatal(err)
		}
		reg, err := parseRegExport(raw)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		got := runAV(t, mcafeeAVConfig{goos: "windows", registry: reg, services: avServicesRunning}, "")
		avGolden(t, golden, got)
	}
}

func TestParseRegExport(t *testing.T) {
	reg, err := parseRegExport([]byte("REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n\"a\"=\"C:\\\\Program Files\\\\\\\"q\\\"\"\n\"b\"=dword:0000000a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := reg.ReadString(`SOFTWARE\X`, "a"); s != `C:\Program Files\"q"` {
		t.Errorf("string %q", s)
	}
	if n, _ := reg.ReadInt(`SOFTWARE\X`, "b"); n != 10 {
		t.Errorf("dword %d", n)
	}
	for _, bad := range []string{"", "hello\n", "REGEDIT4\n\"a\"=\"b\"\n", "REGEDIT4\n[HKEY_CURRENT_USER\\X]\n", "REGEDIT4\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=hex:00\n", "REGEDIT4\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=dword:1\n"} {
		if _, err := parseRegExport([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseRegExport(f *testing.F) {
	for _, file := range []string{"mcafee-av-ens.reg", "mcafee-av-vse.reg"} {
		if raw, err := os.ReadFile(filepath.Join("fixtures", "windows", file)); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte("REGEDIT4\n[HKEY_LOCAL_MACHINE\\A]\n\"x\"=\"\\\"\"\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		reg, err := parseRegExport(raw)
		if err != nil {
			return
		}
		for key, values := range reg {
			if key == "" {
				t.Fatal("empty key accepted")
			}
			for name, v := range values {
				switch v := v.(type) {
				case string:
				case uint64:
					if v > 0xffffffff {
						t.Fatalf("%s\\%s dword %d", key, name, v)
					}
				default:
					t.Fatalf("%s\\%s: type %T", key, name, v)
				}
			}
		}
	})
}
