package fixturegen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Hosts finds scenario host trees under Fixtures (the collector/fixtures directory): a
// committed hosts/<name> tree, or the spec specs/<name>.spec expanded once into a new
// directory under Dir.
type Hosts struct {
	Fixtures string
	Dir      string
	made     map[string]string
}

// Host returns the tree of the scenario host name.
func (h *Hosts) Host(name string) (string, error) {
	if err := checkPath(name); err != nil || filepath.Base(name) != name {
		return "", fmt.Errorf("fixturegen: bad host name %q", name)
	}
	if p, ok := h.made[name]; ok {
		return p, nil
	}
	tree := filepath.Join(h.Fixtures, "hosts", name)
	if fi, err := os.Stat(tree); err == nil && fi.IsDir() {
		return tree, nil
	}
	spec := filepath.Join(h.Fixtures, "specs", name+".spec")
	out := filepath.Join(h.Dir, name)
	if err := ExpandSpecFile(spec, h.Fixtures, out); err != nil {
		return "", err
	}
	if h.made == nil {
		h.made = map[string]string{}
	}
	h.made[name] = out
	return out, nil
}

var hostPlaceholder = regexp.MustCompile(`\{\{host:([^}]*)\}\}`)

// Replace replaces every {{host:NAME}} in s with the tree of host NAME.
func (h *Hosts) Replace(s string) (string, error) {
	var err error
	out := hostPlaceholder.ReplaceAllStringFunc(s, func(m string) string {
		p, e := h.Host(hostPlaceholder.FindStringSubmatch(m)[1])
		if e != nil && err == nil {
			err = e
		}
		return p
	})
	return out, err
}

// ExpandSpecFile expands the spec at path (its include: names resolved under base) into
// the directory dir, which must not exist yet.
func ExpandSpecFile(path, base, dir string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("fixturegen: no host tree and no spec %s", path)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := ExpandSpec(f, base)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("fixturegen: %s exists", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return Expand(dir, entries)
}
