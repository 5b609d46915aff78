package botframework

import (
	"testing"
	"time"
)

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
