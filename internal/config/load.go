package config

import (
	"fmt"
	"strings"
	"time"
)

// source says where a setting's value came from.
type source string

const (
	fromUnset   source = ""
	fromDefault source = "default"
	fromEnv     source = "set"
	fromFile    source = "from file"
)

// parse reads every declared setting and returns the problems of the values
// that were given: each problem names its variable. An invalid value leaves
// the setting at its default, so every later problem is found in the same
// pass.
func parse(lookup Lookup) (Config, []string) {
	c := Config{values: map[string]string{}, sources: map[string]source{}, invalid: map[string]string{}}
	var problems []string
	for _, s := range settings {
		raw, src, err := read(lookup, s)
		if err != nil {
			problems = append(problems, err.Error())
			c.invalid[s.Name] = err.Error()
			raw = ""
		}
		if raw == "" {
			if s.Default == "" {
				continue
			}
			raw, src = s.Default, fromDefault
		}
		v, err := s.Kind.Parse(&c, raw)
		if err != nil {
			p := describe(s, raw, err.Error())
			if src == fromDefault {
				panic("config: the default of " + p) // a mistake in the table
			}
			problems = append(problems, p)
			c.invalid[s.Name] = p
			if s.Default != "" {
				v, _ = s.Kind.Parse(&c, s.Default)
			}
			src = fromDefault
		}
		c.values[s.Name], c.sources[s.Name] = v, src
	}
	c.derive()
	return c, problems
}

// read returns a setting's trimmed value; a secret may come from the file
// named by NAME_FILE instead (not both).
func read(lookup Lookup, s Setting) (string, source, error) {
	v, _ := lookup(s.Name)
	v = strings.TrimSpace(v)
	if !s.Secret {
		return v, fromEnv, nil
	}
	f, _ := lookup(s.Name + "_FILE")
	f = strings.TrimSpace(f)
	switch {
	case v != "" && f != "":
		return "", fromUnset, fmt.Errorf("%s and %s_FILE are both set; set one", s.Name, s.Name)
	case f != "":
		v, err := readSecretFile(s.Name, f)
		if err != nil {
			return "", fromUnset, err
		}
		return v, fromFile, nil
	}
	return v, fromEnv, nil
}

// describe names a variable and what is wrong with its value; a secret's
// value is not repeated.
func describe(s Setting, v, what string) string {
	if s.Secret {
		return fmt.Sprintf("%s %s", s.Name, what)
	}
	return fmt.Sprintf("%s=%q %s", s.Name, v, what)
}

// derive fills what follows from other settings, the fixed windows of
// the limits (the limits are per hour and per 24 hours) and the fixed
// length of an execution lease.
func (c *Config) derive() {
	c.applyCloud()
	if c.Graph.TenantID == "" {
		c.Graph.TenantID = c.Bot.AppTenantID
	}
	c.Policy.RequesterWindow = time.Hour
	c.Policy.TargetWindow = 24 * time.Hour
	c.Policy.BreakerWindow = time.Hour
	c.Policy.ExecutionLease = 2 * time.Minute
}

// missing names every setting use requires that is not set. A setting
// whose value was invalid is not named twice.
func (c Config) missing(use Use) []string {
	var out []string
	for _, s := range settings {
		if s.Required&use == 0 || c.values[s.Name] != "" || c.invalid[s.Name] != "" {
			continue
		}
		out = append(out, fmt.Sprintf("%s is required: %s (%s)", s.Name, s.Meaning, s.Kind.Form))
	}
	return out
}

// conflicts names settings that are each valid but wrong together.
func (c Config) conflicts(use Use) []string {
	var out []string
	if use&(Serve|Show|Reset) != 0 {
		p := c.Policy
		if p.HelpdeskGroupID != "" && p.HelpdeskGroupID == p.ApproverGroupID {
			out = append(out, "MFABOT_APPROVER_GROUP_ID must differ from MFABOT_HELPDESK_GROUP_ID (four eyes)")
		}
		if c.Graph.TenantID == "" && use&Serve == 0 {
			out = append(out, "AZURE_TENANT_ID (or MicrosoftAppTenantId) is required for Microsoft Graph")
		}
		if c.Graph.ClientSecret != "" && c.Graph.CertificatePath != "" {
			out = append(out, "set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both")
		}
	}
	if use&Serve != 0 {
		switch c.Bot.AppType {
		case "UserAssignedMSI":
			if c.Bot.AppPassword != "" {
				out = append(out, "MicrosoftAppPassword must be empty with MicrosoftAppType=UserAssignedMSI")
			}
		default:
			if c.Bot.AppPassword == "" && c.Bot.CertificatePath == "" && c.invalid["MicrosoftAppPassword"] == "" {
				out = append(out, "MicrosoftAppPassword (or MFABOT_BOT_CERTIFICATE_PATH) is required for MicrosoftAppType="+c.Bot.AppType)
			}
		}
	}
	return out
}
