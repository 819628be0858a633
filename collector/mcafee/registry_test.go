package mcafee

import (
	"errors"
	"runtime"
	"testing"
	"time"
)

func TestReadAgentRegistry(t *testing.T) {
	wow, native := AgentRegistryKeys[0], AgentRegistryKeys[1]
	denied := errors.New("Access is denied.")
	cases := []struct {
		name    string
		reg     FakeRegistry
		want    RegistryAgentInfo
		wantErr bool
	}{
		{name: "absent", reg: FakeRegistry{}},
		{name: "64-bit OS, string time, sources.md S12 list form",
			reg: FakeRegistry{wow: {
				RegistryAgentGUID:     "{d2e157f4-b917-4d31-bef0-32074badf081}",
				RegistryLastASCTime:   "20261116090001",
				RegistryEPOServerList: "epo01.example.com;epo02.example.com",
			}},
			want: RegistryAgentInfo{KeyPresent: true, Key: wow, GUID: "D2E157F4-B917-4D31-BEF0-32074BADF081",
				LastASCTime: time.Date(2026, 11, 16, 9, 0, 1, 0, time.UTC),
				EPOServers:  []EPOServer{{Host: "epo01.example.com"}, {Host: "epo02.example.com"}}}},
		{name: "32-bit OS, integer time",
			reg: FakeRegistry{native: {
				RegistryAgentGUID:   "D2E157F4-B917-4D31-BEF0-32074BADF081",
				RegistryLastASCTime: uint64(1794819601),
			}},
			want: RegistryAgentInfo{KeyPresent: true, Key: native, GUID: "D2E157F4-B917-4D31-BEF0-32074BADF081",
				LastASCTime: time.Unix(1794819601, 0)}},
		{name: "key without values", reg: FakeRegistry{native: {}},
			want: RegistryAgentInfo{KeyPresent: true, Key: native}},
		{name: "access denied on the GUID keeps the rest",
			reg:  FakeRegistry{wow: {RegistryAgentGUID: denied, RegistryEPOServerList: "epo01"}},
			want: RegistryAgentInfo{KeyPresent: true, Key: wow, EPOServers: []EPOServer{{Host: "epo01"}}}, wantErr: true},
		{name: "garbage time", reg: FakeRegistry{wow: {RegistryLastASCTime: "yesterday"}},
			want: RegistryAgentInfo{KeyPresent: true, Key: wow}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadAgentRegistry(tc.reg, time.UTC)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got.KeyPresent != tc.want.KeyPresent || got.Key != tc.want.Key || got.GUID != tc.want.GUID ||
				!got.LastASCTime.Equal(tc.want.LastASCTime) || len(got.EPOServers) != len(tc.want.EPOServers) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got.EPOServers {
				if got.EPOServers[i] != tc.want.EPOServers[i] {
					t.Errorf("server %d = %+v, want %+v", i, got.EPOServers[i], tc.want.EPOServers[i])
				}
			}
		})
	}
}

func TestUnsupportedRegistryIsAFailureNotAbsence(t *testing.T) {
	if _, err := NewRegistryReader().ReadString(AgentRegistryKeys[0], RegistryAgentGUID); err == nil && runtime.GOOS != "windows" {
		t.Fatal("the non-Windows registry reader must fail")
	}
}

func FuzzReadAgentRegistry(f *testing.F) {
	f.Add("{d2e157f4-b917-4d31-bef0-32074badf081}", "20261116090001", "epo01.example.com;epo02:8443")
	f.Add("N/A", "0", "")
	f.Add("", "N/A", "[::1]:443|10.0.0.1")
	f.Fuzz(func(t *testing.T, guid, last, servers string) {
		info, _ := ReadAgentRegistry(FakeRegistry{AgentRegistryKeys[1]: {
			RegistryAgentGUID: guid, RegistryLastASCTime: last, RegistryEPOServerList: servers,
		}}, time.UTC)
		if !info.KeyPresent {
			t.Fatal("key present but not reported")
		}
		for _, s := range info.EPOServers {
			if s.Host == "" || s.Port < 0 || s.Port > 65535 {
				t.Fatalf("bad server %+v", s)
			}
		}
	})
}
