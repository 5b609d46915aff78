package botframework

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"2": 2 * time.Second, "0.25": 250 * time.Millisecond, "0": 0,
		"Fri, 20 Nov 2026 10:00:03 GMT": 3 * time.Second,
		"Fri, 20 Nov 2026 09:00:00 GMT": 0,
	} {
		got, ok := parseRetryAfter(in, now)
		if !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "soon", "-1", "1e9"} {
		if _, ok := parseRetryAfter(in, now); ok {
			t.Errorf("parseRetryAfter(%q) accepted", in)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	c := NewConnector(ConnectorConfig{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second})
	for attempt := 1; attempt <= 10; attempt++ {
		d := c.backoff(attempt, "")
		base := min(100*time.Millisecond<<(attempt-1), time.Second)
		if d < base/2 || d > base {
			t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, base/2, base)
		}
	}
	if d := c.backoff(1, "30"); d != time.Second {
		t.Fatalf("Retry-After beyond MaxDelay: %v", d)
	}
}
