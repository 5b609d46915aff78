package botframework

import (
	"math/rand/v2"
	"time"

	"github.com/mfabot/mfabot/internal/retryafter"
)

// backoff is the wait before retry number attempt: Retry-After when the
// connector sent one, else exponential with full jitter; both capped at
// maxDelay.
func (c *Connector) backoff(attempt int, retryAfter string) time.Duration {
	if d, ok := retryafter.Parse(retryAfter, time.Now()); ok {
		return min(d, c.maxDelay)
	}
	d := c.baseDelay << (attempt - 1)
	if d <= 0 || d > c.maxDelay {
		d = c.maxDelay
	}
	// Jitter between half and the full delay.
	return d/2 + rand.N(d/2+1)
}
