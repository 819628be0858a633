package winreg

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

func TestFakeMatchesWindowsSemantics(t *testing.T) {
	f := Fake{`SOFTWARE\Immunet Protect`: {"guid": "{AB}", "Reboot": uint64(1), "denied": fs.ErrPermission}}
	if s, err := f.ReadString(`software\immunet protect`, "GUID"); err != nil || s != "{AB}" {
		t.Errorf("case-insensitive read = %q, %v", s, err)
	}
	if n, err := f.ReadInt(`SOFTWARE\Immunet Protect`, "reboot"); err != nil || n != 1 {
		t.Errorf("ReadInt = %d, %v", n, err)
	}
	if _, err := f.ReadInt(`SOFTWARE\Immunet Protect`, "guid"); !errors.Is(err, ErrValueType) {
		t.Errorf("type mismatch: %v", err)
	}
	if _, err := f.ReadString(`SOFTWARE\Immunet Protect`, "missing"); !errors.Is(err, ErrValueNotFound) {
		t.Errorf("missing value: %v", err)
	}
	if _, err := f.ReadString(`SOFTWARE\Other`, "x"); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := f.ReadString(`SOFTWARE\Immunet Protect`, "denied"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("planted error: %v", err)
	}
	if names, err := f.ValueNames(`software\IMMUNET protect`); err != nil || strings.Join(names, ",") != "Reboot,denied,guid" {
		t.Errorf("ValueNames = %v, %v", names, err)
	}
	if _, err := f.ValueNames(`SOFTWARE\Other`); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("ValueNames of a missing key: %v", err)
	}
}
