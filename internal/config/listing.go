package config

import (
	"fmt"
	"strings"
)

// Listing is the effective configuration for people, one line per
// declared setting under its README section: each value in its documented
// form, secrets as "(set)", and what is missing or invalid marked. use
// says which requirements count as MISSING; the others are noted.
func (c Config) Listing(use Use) []string {
	var out []string
	section := Section("")
	for _, s := range settings {
		if s.Section != section {
			if section != "" {
				out = append(out, "")
			}
			section = s.Section
			out = append(out, "# "+string(section))
		}
		out = append(out, c.line(s, use))
	}
	return out
}

func (c Config) line(s Setting, use Use) string {
	v, src := c.values[s.Name], c.sources[s.Name]
	if p := c.invalid[s.Name]; p != "" {
		return pad(s.Name+"=") + "INVALID: " + strings.TrimPrefix(p, s.Name)
	}
	shown := v
	switch {
	case v == "":
	case s.show != nil:
		shown = s.show(v)
	case s.Secret:
		shown = "(set)"
	}
	var note string
	switch {
	case v == "" && s.Required&use != 0:
		note = "MISSING: required by " + uses(s.Required) + "; " + s.Meaning + " (" + s.Kind.Form + ")"
	case v == "" && s.Required != 0:
		note = "unset; required by " + uses(s.Required)
	case v == "" && s.Unset != "":
		note = "unset: " + s.Unset
	case v == "":
		note = "unset"
	case src == fromDefault:
		note = "default"
	case src == fromCloud:
		note = "from MFABOT_CLOUD=" + c.Cloud
	case src == fromFile:
		note = "from " + s.Name + "_FILE"
	}
	if v != "" && s.Kind.Form != "text" && s.Kind.Form != "file path" {
		note = strings.TrimPrefix(note+"; "+s.Kind.Form, "; ")
	}
	if note == "" {
		return s.Name + "=" + shown
	}
	return pad(s.Name+"="+shown) + note
}

// pad aligns the notes in a column.
func pad(s string) string {
	const width = 48
	if len(s) >= width {
		return s + "  "
	}
	return s + strings.Repeat(" ", width-len(s))
}

// uses names the commands of a set of uses.
func uses(u Use) string {
	var names []string
	for _, n := range []struct {
		use  Use
		name string
	}{{Serve, "serve"}, {Show, "show, check"}, {Reset, "reset"}, {Package, "manifest"}} {
		if u&n.use != 0 {
			names = append(names, n.name)
		}
	}
	return "mfabot " + strings.Join(names, ", ")
}

// Value returns a setting's effective value in its documented form, "" when
// unset. It panics for a name that is not declared.
func (c Config) Value(name string) string {
	if _, ok := lookupSetting(name); !ok {
		panic(fmt.Sprintf("config: %s is not a declared setting", name))
	}
	return c.values[name]
}

// PlaceholderURLs names the developer URLs of the Teams app package that
// are still the placeholders.
func (c Config) PlaceholderURLs() []string {
	var out []string
	for _, n := range []string{"MFABOT_WEBSITE_URL", "MFABOT_PRIVACY_URL", "MFABOT_TERMS_URL"} {
		if isPlaceholder(c.values[n]) {
			out = append(out, n)
		}
	}
	return out
}
