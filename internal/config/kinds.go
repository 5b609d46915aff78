package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Kind parses one kind of value. Parse gets a trimmed, non-empty value,
// stores it in the Config and returns it in its documented form, or says
// what is wrong ("is not a GUID"). Form is the documented form of a value.
type Kind struct {
	Form  string
	Parse func(c *Config, v string) (string, error)
}

func text(set func(*Config, string)) Kind {
	return Kind{Form: "text", Parse: func(c *Config, v string) (string, error) { set(c, v); return v, nil }}
}

func path(set func(*Config, string)) Kind {
	k := text(set)
	k.Form = "file path"
	return k
}

func guid(set func(*Config, string)) Kind {
	return Kind{Form: "GUID", Parse: func(c *Config, v string) (string, error) {
		if !mfa.IsObjectID(v) {
			return "", errors.New("is not a GUID (like 00000000-0000-0000-0000-000000000000)")
		}
		v = strings.ToLower(v)
		set(c, v)
		return v, nil
	}}
}

func oneOf(set func(*Config, string), allowed ...string) Kind {
	return Kind{Form: strings.Join(allowed, "|"), Parse: func(c *Config, v string) (string, error) {
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				set(c, a)
				return a, nil
			}
		}
		return "", fmt.Errorf("is not one of %s", strings.Join(allowed, ", "))
	}}
}

func integer(min, max int, set func(*Config, int)) Kind {
	return Kind{Form: fmt.Sprintf("%d–%d", min, max), Parse: func(c *Config, v string) (string, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			return "", fmt.Errorf("is not a whole number from %d to %d", min, max)
		}
		set(c, n)
		return strconv.Itoa(n), nil
	}}
}

// duration accepts Go durations (30m, 1h30m) between min and max.
func duration(min, max string, set func(*Config, time.Duration)) Kind {
	lo, hi := mustDuration(min), mustDuration(max)
	return Kind{Form: fmt.Sprintf("duration %s–%s", min, max), Parse: func(c *Config, v string) (string, error) {
		d, err := time.ParseDuration(v)
		if err != nil || d < lo || d > hi {
			return "", fmt.Errorf("is not a duration from %s to %s (like 30m or 2h)", min, max)
		}
		set(c, d)
		return v, nil
	}}
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func boolean(set func(*Config, bool)) Kind {
	return Kind{Form: "true|false", Parse: func(c *Config, v string) (string, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", errors.New("is not true or false")
		}
		set(c, b)
		return strconv.FormatBool(b), nil
	}}
}

func httpURL(set func(*Config, string)) Kind {
	return Kind{Form: "http(s) URL", Parse: func(c *Config, v string) (string, error) {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", errors.New("is not an absolute http(s) URL")
		}
		set(c, strings.TrimRight(v, "/"))
		return v, nil
	}}
}

func httpsURL(set func(*Config, string)) Kind {
	return Kind{Form: "https URL", Parse: func(c *Config, v string) (string, error) {
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return "", errors.New("is not an absolute https URL")
		}
		set(c, v)
		return v, nil
	}}
}

// listenAddr accepts host:port (the host may be empty: all interfaces)
// or "off", which sets "".
func listenAddr(set func(*Config, string)) Kind {
	return Kind{Form: "host:port|off", Parse: func(c *Config, v string) (string, error) {
		if strings.EqualFold(v, "off") {
			set(c, "")
			return "off", nil
		}
		host, port, err := net.SplitHostPort(v)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || n < 1 || n > 65535 || (host != "" && host != "localhost" && net.ParseIP(host) == nil) {
			return "", errors.New("is not host:port (like 127.0.0.1:9464) or off")
		}
		set(c, v)
		return v, nil
	}}
}

func ipAddress(set func(*Config, string)) Kind {
	return Kind{Form: "IP address", Parse: func(c *Config, v string) (string, error) {
		if net.ParseIP(v) == nil && v != "localhost" {
			return "", errors.New("is not an IP address")
		}
		set(c, v)
		return v, nil
	}}
}

func mailbox(set func(*Config, string)) Kind {
	return Kind{Form: "mail address", Parse: func(c *Config, v string) (string, error) {
		a, err := mail.ParseAddress(v)
		if err != nil || a.Name != "" || a.Address != v {
			return "", errors.New("is not a mail address (like it-security@contoso.com)")
		}
		set(c, v)
		return v, nil
	}}
}
