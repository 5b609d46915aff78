package botframework

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff is the wait before retry number attempt: Retry-After when the
// connector sent one, else exponential with full jitter; both capped at
// maxDelay.
func (c *Connector) backoff(attempt int, retryAfter string) time.Duration {
	if d, ok := parseRetryAfter(retryAfter, time.Now()); ok {
		return min(d, c.maxDelay)
	}
	d := c.baseDelay << (attempt - 1)
	if d <= 0 || d > c.maxDelay {
		d = c.maxDelay
	}
	// Jitter between half and the full delay.
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads delta-seconds (fractions allowed) or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 || s > 86400 {
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
