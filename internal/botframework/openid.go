package botframework

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// maxMetadataBytes bounds the metadata and key documents.
	maxMetadataBytes = 1 << 20
	// fetchTimeout bounds one metadata+keys fetch, whoever waits for it.
	fetchTimeout = 30 * time.Second
	// failureRetry is how long a failed fetch is remembered before the next
	// attempt, so an outage does not turn into a fetch per request.
	failureRetry = 10 * time.Second
)

// signingKey is an RSA key of the channel's key set.
type signingKey struct {
	pub          *rsa.PublicKey
	endorsements []string
}

// keySet is one fetched generation of the OpenID metadata and its keys.
type keySet struct {
	keys    map[string]signingKey
	algs    []string // id_token_signing_alg_values_supported
	fetched time.Time
}

// fetchCall is a metadata+keys fetch in progress; others wait on done.
type fetchCall struct {
	done chan struct{}
	err  error
}

// keyCache holds the signing keys of one OpenID metadata URL. Requests read
// it under a read lock; only a stale set, an unknown key id (at most once
// per unknownKid interval) or a first use starts a fetch, and concurrent
// callers share one fetch.
type keyCache struct {
	metadataURL string
	client      *http.Client
	now         func() time.Time
	refresh     time.Duration
	unknownKid  time.Duration
	log         *slog.Logger

	mu          sync.RWMutex
	set         *keySet
	flight      *fetchCall
	lastAttempt time.Time
	lastUnknown time.Time
	lastErr     error
}

// get returns the key with id kid and the allowed algorithms.
func (c *keyCache) get(ctx context.Context, kid string) (signingKey, []string, error) {
	c.mu.RLock()
	set := c.set
	if set != nil && c.now().Sub(set.fetched) < c.refresh {
		if k, ok := set.keys[kid]; ok {
			c.mu.RUnlock()
			return k, set.algs, nil
		}
	}
	c.mu.RUnlock()
	return c.getSlow(ctx, kid)
}

func (c *keyCache) getSlow(ctx context.Context, kid string) (signingKey, []string, error) {
	for waited := false; ; waited = true {
		c.mu.Lock()
		now := c.now()
		set := c.set
		var k signingKey
		found := false
		if set != nil {
			k, found = set.keys[kid]
		}
		fresh := set != nil && now.Sub(set.fetched) < c.refresh
		if found && fresh {
			c.mu.Unlock()
			return k, set.algs, nil
		}
		call := c.flight
		if call == nil && !waited {
			start := false
			switch {
			case set == nil || !fresh:
				start = c.lastAttempt.IsZero() || now.Sub(c.lastAttempt) >= failureRetry
			case !found:
				start = c.lastUnknown.IsZero() || now.Sub(c.lastUnknown) >= c.unknownKid
				if start {
					c.lastUnknown = now
				}
			}
			if start {
				call = c.startFetch(ctx, now)
			}
		}
		lastErr := c.lastErr
		c.mu.Unlock()

		if call != nil && !waited {
			select {
			case <-call.done:
				continue
			case <-ctx.Done():
				return signingKey{}, nil, unauthorized("waiting for signing keys", ctx.Err())
			}
		}
		switch {
		case found:
			c.log.Warn("using stale bot connector signing keys; refresh failed", "error", lastErr)
			return k, set.algs, nil
		case set == nil:
			if lastErr == nil {
				lastErr = errors.New("no keys fetched yet")
			}
			return signingKey{}, nil, unauthorized("cannot verify token", fmt.Errorf("%w: %w", ErrKeysUnavailable, lastErr))
		}
		return signingKey{}, nil, unauthorized(fmt.Sprintf("unknown signing key id %q", kid), nil)
	}
}

// startFetch starts a fetch; c.mu must be held. The fetch does not inherit
// the caller's cancellation, since other callers wait for it too.
func (c *keyCache) startFetch(ctx context.Context, now time.Time) *fetchCall {
	call := &fetchCall{done: make(chan struct{})}
	c.flight = call
	c.lastAttempt = now
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	go func() {
		defer cancel()
		set, err := c.fetch(fctx)
		c.mu.Lock()
		if err == nil {
			c.set, c.lastErr = set, nil
		} else {
			c.lastErr = err
			c.log.Error("fetching bot connector signing keys failed", "error", err)
		}
		c.flight = nil
		c.mu.Unlock()
		call.err = err
		close(call.done)
	}()
	return call
}

// openIDMetadata is the part of the OpenID configuration used here.
type openIDMetadata struct {
	Issuer  string   `json:"issuer"`
	JWKSURI string   `json:"jwks_uri"`
	Algs    []string `json:"id_token_signing_alg_values_supported"`
}

// jwk is a JSON Web Key with the channel's endorsements.
type jwk struct {
	Kty          string   `json:"kty"`
	Kid          string   `json:"kid"`
	N            string   `json:"n"`
	E            string   `json:"e"`
	Endorsements []string `json:"endorsements"`
}

func (c *keyCache) fetch(ctx context.Context) (*keySet, error) {
	var md openIDMetadata
	if err := c.getJSON(ctx, "OpenID metadata", c.metadataURL, &md); err != nil {
		return nil, err
	}
	u, err := url.Parse(md.JWKSURI)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("OpenID metadata %s: invalid jwks_uri %q", c.metadataURL, md.JWKSURI)
	}
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := c.getJSON(ctx, "signing keys", md.JWKSURI, &doc); err != nil {
		return nil, err
	}
	set := &keySet{keys: make(map[string]signingKey, len(doc.Keys)), algs: md.Algs, fetched: c.now()}
	for _, k := range doc.Keys {
		pub, ok := rsaKey(k)
		if !ok || k.Kid == "" {
			continue
		}
		set.keys[k.Kid] = signingKey{pub: pub, endorsements: k.Endorsements}
	}
	if len(set.keys) == 0 {
		return nil, fmt.Errorf("signing keys %s: no usable RSA key", md.JWKSURI)
	}
	return set, nil
}

// rsaKey decodes an RSA JWK; keys without n/e are not usable.
func rsaKey(k jwk) (*rsa.PublicKey, bool) {
	if (k.Kty != "" && k.Kty != "RSA") || k.N == "" || k.E == "" {
		return nil, false
	}
	n, err1 := b64url(k.N)
	e, err2 := b64url(k.E)
	if err1 != nil || err2 != nil || len(e) > 4 || len(n) < 128 {
		return nil, false
	}
	exp := int(new(big.Int).SetBytes(e).Int64())
	if exp < 3 {
		return nil, false
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, true
}

func b64url(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func (c *keyCache) getJSON(ctx context.Context, what, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("fetch %s %s: %w", what, u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxMetadataBytes))
		return fmt.Errorf("fetch %s %s: status %d", what, u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataBytes+1))
	if err != nil {
		return fmt.Errorf("fetch %s %s: read body: %w", what, u, err)
	}
	if len(body) > maxMetadataBytes {
		return fmt.Errorf("fetch %s %s: document larger than %d bytes", what, u, maxMetadataBytes)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("fetch %s %s: malformed JSON: %w", what, u, err)
	}
	return nil
}
