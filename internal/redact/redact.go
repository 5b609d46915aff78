// Package redact hides secrets in strings meant for people and logs. It
// imports nothing of mfabot, so configuration and stores can share it.
package redact

import (
	"net/url"
	"strings"
)

// URL returns s with a URL's password hidden: the user-info password and
// every query parameter whose name contains "password" (PostgreSQL URLs
// accept password= and sslpassword=) become "xxxxx". A string that is not a
// URL (a file path) is returned as it is; one that looks like a URL but
// does not parse is replaced whole, since where its password is cannot be
// told.
func URL(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	q := u.Query()
	changed := false
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			q[k] = []string{"xxxxx"}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
