package mcafee

import (
	"errors"
	"testing"
	"time"
)

func TestParseContentDate(t *testing.T) {
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2026-11-15", want: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)},
		{in: " 2026/11/14 ", want: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC)},
		{in: "", bad: true},
		{in: "0", bad: true},
		{in: "2027-01-01", bad: true},
		{in: "15.11.2026", bad: true},
		{in: "1970-01-01", bad: true},
	} {
		got, err := ParseContentDate(tc.in, time.UTC, now)
		if tc.bad {
			if !errors.Is(err, ErrBadContentDate) || !got.IsZero() {
				t.Errorf("%q: got %v, %v; want ErrBadContentDate", tc.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseContentDate(f *testing.F) {
	for _, s := range []string{"2026-11-15", "2026/11/14", "", "0", "9999-12-31"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseContentDate(s, time.UTC, now)
		if err == nil && (got.After(now.Add(24*time.Hour)) || got.Year() < 1990) {
			t.Fatalf("%q accepted as %v", s, got)
		}
		if err != nil && !got.IsZero() {
			t.Fatalf("%q: timestamp %v with error %v", s, got, err)
		}
	})
}

var avNow = time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)

func ensRegistry(values map[string]any) FakeRegistry {
	return FakeRegistry{ENSContentKey: values, ENSEngineKey: {RegistryENSEngine: "6600.9927"}}
}

func TestReadAVRegistry(t *testing.T) {
	denied := errors.New("Access is denied.")
	for _, tc := range []struct {
		name    string
		reg     FakeRegistry
		want    AVContent
		wantErr error
	}{
		{name: "absent", reg: FakeRegistry{}},
		{name: "ENS", reg: ensRegistry(map[string]any{RegistryENSContentDate: "2026-11-15", RegistryENSContentMajor: uint64(5971), RegistryENSContentMinor: uint64(1)}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Version: 5971.0001, HasVersion: true, Engine: "6600.9927"}},
		{name: "ENS without minor or engine", reg: FakeRegistry{ENSContentKey: {RegistryENSContentDate: "2026-11-15", RegistryENSContentMajor: uint64(5971)}},
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Version: 5971, HasVersion: true}},
		{name: "ENS empty date", reg: ensRegistry(map[string]any{RegistryENSContentDate: "", RegistryENSContentMajor: uint64(5971)}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Version: 5971, HasVersion: true, Engine: "6600.9927"}, wantErr: ErrBadContentDate},
		{name: "ENS date 0", reg: ensRegistry(map[string]any{RegistryENSContentDate: "0", RegistryENSContentMajor: uint64(5971)}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Version: 5971, HasVersion: true, Engine: "6600.9927"}, wantErr: ErrBadContentDate},
		{name: "ENS future date", reg: ensRegistry(map[string]any{RegistryENSContentDate: "2027-03-01", RegistryENSContentMajor: uint64(5971)}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Version: 5971, HasVersion: true, Engine: "6600.9927"}, wantErr: ErrBadContentDate},
		{name: "ENS date of the wrong type", reg: ensRegistry(map[string]any{RegistryENSContentDate: uint64(20261115), RegistryENSContentMajor: uint64(5971)}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Version: 5971, HasVersion: true, Engine: "6600.9927"}, wantErr: ErrRegistryValueType},
		{name: "ENS version of the wrong type", reg: ensRegistry(map[string]any{RegistryENSContentDate: "2026-11-15", RegistryENSContentMajor: "5971"}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Engine: "6600.9927"}, wantErr: ErrRegistryValueType},
		{name: "ENS version 0", reg: ensRegistry(map[string]any{RegistryENSContentDate: "2026-11-15", RegistryENSContentMajor: uint64(0)}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Engine: "6600.9927"}, wantErr: ErrBadContentVersion},
		{name: "ENS date denied", reg: ensRegistry(map[string]any{RegistryENSContentDate: denied}),
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Engine: "6600.9927"}, wantErr: denied},
		{name: "ENS unusable engine", reg: FakeRegistry{ENSContentKey: {RegistryENSContentDate: "2026-11-15", RegistryENSContentMajor: uint64(5971)}, ENSEngineKey: {RegistryENSEngine: "n/a"}},
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Version: 5971, HasVersion: true}, wantErr: ErrBadContentVersion},
		{name: "VSE in WOW6432Node", reg: FakeRegistry{VSEContentKeys[0]: {RegistryVSEDatDate: "2026/11/14", RegistryVSEDatVersion: uint64(9999), RegistryVSEDatMinor: uint64(0), RegistryVSEEngineMajor: uint64(5800), RegistryVSEEngineMinor: uint64(7501)}},
			want: AVContent{Product: ProductVSE, Source: `HKLM\` + VSEContentKeys[0], Created: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC), Version: 9999, HasVersion: true, Engine: "5800.7501"}},
		{name: "VSE 32-bit OS, 32-bit engine values", reg: FakeRegistry{VSEContentKeys[1]: {RegistryVSEDatDate: "2026/11/14", RegistryVSEDatVersion: uint64(9999), RegistryVSEEngine32Major: uint64(5800), RegistryVSEEngine32Minor: uint64(7501)}},
			want: AVContent{Product: ProductVSE, Source: `HKLM\` + VSEContentKeys[1], Created: time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC), Version: 9999, HasVersion: true, Engine: "5800.7501"}},
		{name: "VSE key without date", reg: FakeRegistry{VSEContentKeys[1]: {RegistryVSEDatVersion: uint64(9999)}},
			want: AVContent{Product: ProductVSE, Source: `HKLM\` + VSEContentKeys[1], Version: 9999, HasVersion: true}, wantErr: ErrRegistryValueNotFound},
		{name: "ENS wins over VSE leftovers", reg: FakeRegistry{ENSContentKey: {RegistryENSContentDate: "2026-11-15", RegistryENSContentMajor: uint64(5971)}, VSEContentKeys[0]: {RegistryVSEDatDate: "2020/01/01"}},
			want: AVContent{Product: ProductENS, Source: `HKLM\` + ENSContentKey, Created: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Version: 5971, HasVersion: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadAVRegistry(tc.reg, time.UTC, avNow)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// Off Windows the registry is unsupported: no product, no error.
	if got, err := ReadAVRegistry(NewRegistryReader(), time.UTC, avNow); got.Product != "" && err != nil {
		t.Errorf("unsupported registry: %+v %v", got, err)
	}
}

func TestReadENSOnAccessEnabled(t *testing.T) {
	for _, tc := range []struct {
		reg         FakeRegistry
		enabled, ok bool
		bad         bool
	}{
		{reg: FakeRegistry{ENSOnAccessKey: {RegistryENSOnAccess: uint64(1)}}, enabled: true, ok: true},
		{reg: FakeRegistry{ENSOnAccessKey: {RegistryENSOnAccess: uint64(0)}}, ok: true},
		{reg: FakeRegistry{}},
		{reg: FakeRegistry{ENSOnAccessKey: {RegistryENSOnAccess: "1"}}, bad: true},
	} {
		enabled, ok, err := ReadENSOnAccessEnabled(tc.reg)
		if enabled != tc.enabled || ok != tc.ok || (err != nil) != tc.bad {
			t.Errorf("%v: got %v %v %v", tc.reg, enabled, ok, err)
		}
	}
}

func FuzzReadAVRegistry(f *testing.F) {
	f.Add("2026-11-15", uint64(5971), uint64(1), "6600.9927", "2026/11/14", uint64(9999))
	f.Add("", uint64(0), uint64(10000), "", "0", uint64(1<<32))
	f.Add("2099-01-01", uint64(1<<31), uint64(0), "1..2", "1999/12/31", uint64(1))
	f.Fuzz(func(t *testing.T, date string, major, minor uint64, engine, vseDate string, vseVersion uint64) {
		for _, reg := range []FakeRegistry{
			{ENSContentKey: {RegistryENSContentDate: date, RegistryENSContentMajor: major, RegistryENSContentMinor: minor}, ENSEngineKey: {RegistryENSEngine: engine}},
			{VSEContentKeys[0]: {RegistryVSEDatDate: vseDate, RegistryVSEDatVersion: vseVersion, RegistryVSEDatMinor: minor, RegistryVSEEngineMajor: major, RegistryVSEEngineMinor: minor}},
		} {
			c, err := ReadAVRegistry(reg, time.UTC, avNow)
			if c.Product == "" {
				t.Fatalf("product not found: %v", err)
			}
			if !c.Created.IsZero() && (c.Created.After(avNow.Add(24*time.Hour)) || c.Created.Year() < 1990) {
				t.Fatalf("date %v accepted", c.Created)
			}
			if c.HasVersion && (c.Version < 1 || c.Version >= 1<<31) {
				t.Fatalf("version %v accepted", c.Version)
			}
			if len(c.Engine) > 32 {
				t.Fatalf("engine %q", c.Engine)
			}
			if c.Created.IsZero() && err == nil {
				t.Fatalf("no date and no error")
			}
		}
	})
}
