// Package retryafter reads the Retry-After header as Microsoft Graph and the
// Bot Connector send it, and waits for a duration unless the context ends.
// Graph sends delta-seconds, sometimes with a fraction ("0.25"); HTTP allows
// an HTTP date too (RFC 9110 §10.2.3). Both clients of ours read it here so
// a fraction is honoured exactly everywhere.
package retryafter

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxSeconds bounds what a server may ask for: a larger value is ignored
// (the caller falls back to its own backoff) rather than obeyed for days.
const maxSeconds = 86400

// Parse reads delta-seconds (fractions kept exactly) or an HTTP date,
// relative to now. A date in the past is zero. It reports false for an
// empty, negative, unparsable or absurdly large value.
func Parse(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if !(s >= 0 && s <= maxSeconds) { // also refuses NaN, which compares false
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Sleep waits for d, or returns the context's error as soon as it ends.
// A non-positive d returns at once (with the context's error, if any).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
