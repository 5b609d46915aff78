package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"mfabot.db":                                                  "mfabot.db",
		"/var/lib/mfabot/mfabot.db":                                  "/var/lib/mfabot/mfabot.db",
		"postgres://u:hunter2@db/mfabot":                             "postgres://u:xxxxx@db/mfabot",
		"postgres://u@db/x?sslmode=require&password=hunter2":         "postgres://u@db/x?password=xxxxx&sslmode=require",
		"postgresql://u@db/x?sslpassword=hunter2":                    "postgresql://u@db/x?sslpassword=xxxxx",
		"postgres://u:hunter2@[::1:bad/x":                            "(unparsable URL)",
		"https://prod.westeurope.logic.azure.com/workflows/abc?sv=1": "https://prod.westeurope.logic.azure.com/workflows/abc?sv=1",
	} {
		got := URL(in)
		if got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("URL(%q) leaks the password: %q", in, got)
		}
	}
}
