package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/alecthomas/kingpin/v2"
	"go.yaml.in/yaml/v3"

	"github.com/secagent-exporter/secagent_exporter/collector"
)

// explicitFlags lists the flags named on the command line, so the config file does not
// override them ("flags win").
func explicitFlags(app *kingpin.Application, args []string) (map[string]bool, error) {
	ctx, err := app.ParseContext(args)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, el := range ctx.Elements {
		if f, ok := el.Clause.(*kingpin.FlagClause); ok {
			set[f.Model().Name] = true
		}
	}
	return set, nil
}

// applyConfigFile reads a YAML mapping whose keys are flag names and sets every flag not
// given on the command line. Unknown keys are errors: a typo must not silently fall back
// to a default on thousands of hosts.
func applyConfigFile(app *kingpin.Application, path string, explicit map[string]bool) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--config.file: %w", err)
	}
	var doc map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&doc); err != nil && err.Error() != "EOF" {
		return fmt.Errorf("--config.file %s: %w", path, err)
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		name := strings.TrimPrefix(key, "--")
		// A one-shot textfile run in the file a service also reads would make the service
		// write once and exit, so that flag is command line only.
		if name == "config.file" || name == "output.textfile" {
			return fmt.Errorf("--config.file %s: key %q is not allowed in the file", path, key)
		}
		flag := app.GetFlag(name)
		if flag == nil {
			return fmt.Errorf("--config.file %s: unknown key %q (keys are flag names without --)", path, key)
		}
		if explicit[name] {
			continue
		}
		values, err := scalarValues(doc[key])
		if err != nil {
			return fmt.Errorf("--config.file %s: key %q: %w", path, key, err)
		}
		model := flag.Model()
		cumulative := isCumulative(model)
		if len(values) > 1 && !cumulative {
			return fmt.Errorf("--config.file %s: key %q takes a single value", path, key)
		}
		if cumulative {
			// The command line did not name it, so the defaults kingpin applied are
			// replaced by the file's list rather than appended to.
			if r, ok := model.Value.(interface{ Reset() }); ok {
				r.Reset()
			} else {
				resetCumulative(model)
			}
		}
		for _, v := range values {
			if err := model.Value.Set(v); err != nil {
				return fmt.Errorf("--config.file %s: key %q: %w", path, key, err)
			}
		}
		if strings.HasPrefix(name, "collector.") && !strings.Contains(strings.TrimPrefix(name, "collector."), ".") {
			collector.MarkExplicit(strings.TrimPrefix(name, "collector."))
		}
	}
	return nil
}

func isCumulative(model *kingpin.FlagModel) bool {
	r, ok := model.Value.(interface{ IsCumulative() bool })
	return ok && r.IsCumulative()
}

// resetCumulative empties a repeatable string flag whose value type has no Reset.
func resetCumulative(model *kingpin.FlagModel) {
	if sv, ok := model.Value.(kingpin.Getter); ok {
		if p, ok := sv.Get().(*[]string); ok {
			*p = (*p)[:0]
		}
	}
}

func scalarValues(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return []string{""}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, item := range t {
			switch item.(type) {
			case []any, map[string]any:
				return nil, fmt.Errorf("lists may only hold scalars")
			}
			out = append(out, fmt.Sprint(item))
		}
		return out, nil
	case map[string]any:
		return nil, fmt.Errorf("nested mappings are not supported; use the flag name as the key")
	default:
		return []string{fmt.Sprint(t)}, nil
	}
}

// applyEnabledList turns --collectors.enabled=a,b into --collector.a --collector.b with
// every other collector disabled: one install parameter (the MSI's ENABLED_COLLECTORS)
// instead of a flag per collector.
func applyEnabledList(app *kingpin.Application, list string) error {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	known := map[string]bool{}
	for _, n := range collector.Names() {
		known[n] = true
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !known[name] {
			return fmt.Errorf("--collectors.enabled: unknown collector %q (known: %s)", name, strings.Join(collector.Names(), ", "))
		}
		if err := app.GetFlag("collector." + name).Model().Value.Set("true"); err != nil {
			return fmt.Errorf("--collectors.enabled: %s: %w", name, err)
		}
		collector.MarkExplicit(name)
	}
	return nil
}
