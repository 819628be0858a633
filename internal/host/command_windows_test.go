//go:build windows

package host

import (
	"strings"
	"testing"
)

func TestWindowsEnvMinimal(t *testing.T) {
	src := map[string]string{
		"SystemRoot": `C:\Windows`, "TEMP": `C:\Users\svc\AppData\Local\Temp`,
		"ProgramData": `D:\ProgramData`, "HTTPS_PROXY": "http://user:secret@proxy",
	}
	env := strings.Join(windowsEnv(func(k string) string { return src[k] }), "\n")
	for _, want := range []string{`SystemRoot=C:\Windows`, `windir=C:\Windows`,
		`TEMP=C:\Users\svc\AppData\Local\Temp`, `TMP=C:\Users\svc\AppData\Local\Temp`,
		`ProgramData=D:\ProgramData`, `ComSpec=C:\Windows\System32\cmd.exe`, `PATH=C:\Windows\System32;`} {
		if !strings.Contains(env, want) {
			t.Errorf("environment lacks %q:\n%s", want, env)
		}
	}
	if strings.Contains(env, "secret") || strings.Contains(env, "PROXY") {
		t.Errorf("exporter environment leaked:\n%s", env)
	}
}
