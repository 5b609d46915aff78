package channeltest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Key is a signing key of the channel.
type Key struct {
	ID           string
	Private      *rsa.PrivateKey
	Endorsements []string
}

// NewKey generates a key that the channel does not publish until added.
func NewKey(t testing.TB, endorsements ...string) *Key {
	t.Helper()
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("channeltest: generate key: %v", err)
	}
	return &Key{ID: "kid-" + randomID(), Private: pk, Endorsements: endorsements}
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SigningKey returns the key the channel signs with.
func (c *Channel) SigningKey() *Key {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys[len(c.keys)-1]
}

// RotateKey publishes a new signing key with the current key's
// endorsements; the old keys stay published unless dropOld.
func (c *Channel) RotateKey(t testing.TB, dropOld bool) *Key {
	t.Helper()
	k := NewKey(t, c.SigningKey().Endorsements...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if dropOld {
		c.keys = nil
	}
	c.keys = append(c.keys, k)
	return k
}

// SetEndorsements replaces the signing key's endorsements (nil: none).
func (c *Channel) SetEndorsements(e ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keys[len(c.keys)-1].Endorsements = e
}

// Claims returns the claims the channel puts in a token for serviceURL,
// with overrides applied (a nil value removes the claim).
func (c *Channel) Claims(serviceURL string, overrides map[string]any) jwt.MapClaims {
	now := c.now()
	m := jwt.MapClaims{
		"iss":        c.Issuer(),
		"aud":        c.AppID,
		"exp":        now.Add(time.Hour).Unix(),
		"nbf":        now.Add(-time.Minute).Unix(),
		"iat":        now.Add(-time.Minute).Unix(),
		"serviceurl": serviceURL,
	}
	for k, v := range overrides {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// Sign returns a channel token for the channel's own service URL, signed
// with the current key; overrides change claims (nil removes one).
func (c *Channel) Sign(overrides map[string]any) string {
	return c.SignWith(c.SigningKey(), c.Claims(c.URL, overrides))
}

// SignWith signs claims with key (RS256), naming key.ID as kid.
func (c *Channel) SignWith(key *Key, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = key.ID
	s, err := tok.SignedString(key.Private)
	if err != nil {
		panic("channeltest: sign: " + err.Error())
	}
	return s
}

// jwkOf is the published JWK form of a key, endorsements included.
func jwkOf(k *Key) map[string]any {
	pub := &k.Private.PublicKey
	m := map[string]any{
		"kty": "RSA", "use": "sig", "kid": k.ID,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
	if k.Endorsements != nil {
		m["endorsements"] = slices.Clone(k.Endorsements)
	}
	return m
}

func (c *Channel) serveMetadata(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.mdFetches++
	status := c.mdStatus
	c.mu.Unlock()
	if status != 0 && status != http.StatusOK {
		writeError(w, status, "ServiceError", "metadata unavailable", "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                c.Issuer(),
		"authorization_endpoint":                "https://invalid.botframework.com",
		"jwks_uri":                              c.URL + "/v1/.well-known/keys",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
	})
}

func (c *Channel) serveKeys(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.kFetches++
	keys := make([]map[string]any, 0, len(c.keys)+1)
	for _, k := range c.keys {
		keys = append(keys, jwkOf(k))
	}
	c.mu.Unlock()
	// A non-RSA key, which validators must ignore.
	keys = append(keys, map[string]any{"kty": "EC", "kid": "ec-key", "crv": "P-256", "x": "AA", "y": "AA"})
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message, subCode string) {
	e := map[string]any{"code": code, "message": message}
	if subCode != "" {
		e["subCode"] = subCode
	}
	writeJSON(w, status, map[string]any{"error": e})
}
