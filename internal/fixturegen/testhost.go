package fixturegen

import "testing"

// TestHost returns the tree of the scenario host name for a test: the committed
// hosts/<name> tree under fixtures (the collector/fixtures directory), or specs/<name>.spec
// expanded into a temporary directory of t. A host that cannot be had fails the test.
func TestHost(t testing.TB, fixtures, name string) string {
	t.Helper()
	tree, err := (&Hosts{Fixtures: fixtures, Dir: t.TempDir()}).Host(name)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}
