package qualys

import (
	"strings"
	"testing"
)

func TestParseHostID(t *testing.T) {
	const canonical = "6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f"
	cases := []struct {
		in   string
		want string
		err  error
	}{
		{canonical + "\n", canonical, nil},
		{"  6F1C2D3E-4B5A-4C6D-9E8F-0A1B2C3D4E5F \r\n", canonical, nil},
		{"{6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f}", canonical, nil},
		{"6f1c2d3e4b5a4c6d9e8f0a1b2c3d4e5f", canonical, nil},
		{"\ufeff" + canonical, canonical, nil},
		{"", "", ErrHostIDEmpty},
		{" \n\t", "", ErrHostIDEmpty},
		{"00000000-0000-0000-0000-000000000000", "", ErrHostIDInvalid},
		{canonical + "\n" + canonical, "", ErrHostIDInvalid},
		{"6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5g", "", ErrHostIDInvalid},
		{"6f1c2d3e_4b5a-4c6d-9e8f-0a1b2c3d4e5f", "", ErrHostIDInvalid},
		{"<html>error</html>", "", ErrHostIDInvalid},
		{"{6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f", "", ErrHostIDInvalid},
	}
	for _, tc := range cases {
		got, err := ParseHostID([]byte(tc.in))
		if got != tc.want || err != tc.err {
			t.Errorf("ParseHostID(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func FuzzParseHostID(f *testing.F) {
	f.Add([]byte("6f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f\n"))
	f.Add([]byte("{6F1C2D3E-4B5A-4C6D-9E8F-0A1B2C3D4E5F}"))
	f.Add([]byte("6f1c2d3e4b5a4c6d9e8f0a1b2c3d4e5f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := ParseHostID(b)
		if err != nil {
			if id != "" {
				t.Fatalf("error %v with id %q", err, id)
			}
			return
		}
		if len(id) != 36 || strings.Trim(id, "0123456789abcdef-") != "" || strings.Count(id, "-") != 4 {
			t.Fatalf("id %q is not a canonical lower-case UUID", id)
		}
		again, err := ParseHostID([]byte(id))
		if err != nil || again != id {
			t.Fatalf("not idempotent: %q -> %q, %v", id, again, err)
		}
	})
}
