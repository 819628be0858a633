package cisco

import "testing"

// Declared non-Unicode encodings a localised Windows connector could write.
func TestParseXMLTreeDeclaredCharsets(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want string
	}{
		{"windows-1252", "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a><b>caf\xe9</b></a>", "café"},
		{"iso-8859-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a><b>caf\xe9</b></a>", "café"},
		{"shift_jis", "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a><b>\x82\xa0</b></a>", "あ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := parseXMLTree([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := root.textAt("b"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := parseXMLTree([]byte(`<?xml version="1.0" encoding="gb2312"?><a/>`)); err == nil {
		t.Error("an encoding outside the table must be an error, not mojibake")
	}
}
