package botframework

import (
	"crypto/sha256"
	"sync"
	"time"
)

// tokenCache remembers tokens whose signature, issuer, audience and times
// were verified, so the Bot Connector's habit of sending the same token on
// every activity costs one RSA verification per token, not per request.
// What depends on the activity (serviceurl, endorsements, tenant) is still
// checked every time. An entry lives until the token expires (plus the
// skew) and at most maxTokenAge, so a key removed from the metadata stops
// being honoured soon after.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[32]byte]verifiedToken
	// lastRaw and lastKey are the last token hashed: the Bot Connector
	// sends the same token on every activity, so its hash (and the copy of
	// the token sha256 needs) is made once, not per request.
	lastRaw string
	lastKey [32]byte
}

type verifiedToken struct {
	issuer       string
	serviceURL   string
	kid          string
	endorsements []string
	notBefore    time.Time // zero when the token has no nbf
	expires      time.Time
	until        time.Time // entry's own end: min(exp+skew, cached+maxTokenAge)
}

const (
	maxTokenAge    = 10 * time.Minute
	maxTokenCached = 1024
)

func tokenKey(raw string) [32]byte { return sha256.Sum256([]byte(raw)) }

// key returns tokenKey(raw), from lastKey when raw is the last token; c.mu
// is held.
func (c *tokenCache) key(raw string) [32]byte {
	if raw != c.lastRaw || raw == "" {
		c.lastRaw, c.lastKey = raw, tokenKey(raw)
	}
	return c.lastKey
}

// get returns a cached verification still valid at now.
func (c *tokenCache) get(raw string, now time.Time, skew time.Duration) (verifiedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.entries[c.key(raw)]
	if !ok || !now.Before(t.until) || (!t.notBefore.IsZero() && now.Before(t.notBefore.Add(-skew))) {
		return verifiedToken{}, false
	}
	return t, true
}

// put caches a verification made at now.
func (c *tokenCache) put(raw string, t verifiedToken, now time.Time, skew time.Duration) {
	t.until = t.expires.Add(skew)
	if limit := now.Add(maxTokenAge); limit.Before(t.until) {
		t.until = limit
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxTokenCached {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if c.entries == nil || len(c.entries) >= maxTokenCached {
			c.entries = make(map[[32]byte]verifiedToken)
		}
	}
	c.entries[c.key(raw)] = t
}
