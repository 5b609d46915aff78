// Package channeltest is a test double of the Bot Connector service: an
// httptest server that serves the OpenID metadata and signing keys, signs
// activities the way the channel does, issues connector tokens, serves the
// /v3/conversations endpoints and records everything the bot sends, with
// injectable faults.
package channeltest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework"
)

// Config configures a Channel. Zero fields take the defaults shown.
type Config struct {
	AppID        string   // "b0770000-0000-4000-8000-000000000001"
	TenantID     string   // "7e4a0000-0000-4000-8000-000000000001"
	ChannelID    string   // "msteams"
	Endorsements []string // endorsements of the signing key: ["msteams"]
	// ClientSecret is the secret the token endpoint accepts ("channeltest-secret").
	ClientSecret string
	// TLS serves https (needed when azidentity talks to the token endpoint).
	TLS bool
	// Now is the clock tokens are dated by (time.Now).
	Now func() time.Time
	// Issuer is the iss of the tokens the channel signs and of its
	// metadata (botframework.DefaultIssuer, the public cloud's).
	Issuer string
	// Resource is the Connector's resource, the only one the token
	// endpoint issues tokens for (botframework.DefaultOAuthResource).
	Resource string
}

// Defaults of Config.
const (
	DefaultAppID        = "b0770000-0000-4000-8000-000000000001"
	DefaultTenantID     = "7e4a0000-0000-4000-8000-000000000001"
	DefaultClientSecret = "channeltest-secret"
)

// Channel is a running test double of the Bot Connector.
type Channel struct {
	// URL is the server's base URL; it is the serviceUrl of the activities
	// the channel makes, and the issuer host of its metadata.
	URL       string
	AppID     string
	TenantID  string
	ChannelID string

	now      func() time.Time
	issuer   string
	resource string
	srv      *httptest.Server
	secret   string
	token    string

	mu        sync.Mutex
	keys      []*Key // published keys; the last is the signing key
	mdStatus  int
	faults    []*Fault
	sent      []Sent
	updates   []Update
	convs     []Conversation
	nextID    int
	changed   chan struct{}
	mdFetches int
	kFetches  int
	tokReqs   int
	tokLog    []TokenRequest
}

// New starts a Channel; it stops when the test ends.
func New(t testing.TB, cfg Config) *Channel {
	t.Helper()
	c := &Channel{
		AppID: or(cfg.AppID, DefaultAppID), TenantID: or(cfg.TenantID, DefaultTenantID),
		ChannelID: or(cfg.ChannelID, botframework.ChannelMSTeams), secret: or(cfg.ClientSecret, DefaultClientSecret),
		token: "channeltest-token-" + randomID(), changed: make(chan struct{}), now: cfg.Now,
		issuer: or(cfg.Issuer, botframework.DefaultIssuer), resource: or(cfg.Resource, botframework.DefaultOAuthResource),
	}
	if c.now == nil {
		c.now = time.Now
	}
	endorse := cfg.Endorsements
	if endorse == nil {
		endorse = []string{c.ChannelID}
	}
	c.keys = []*Key{NewKey(t, endorse...)}
	h := http.HandlerFunc(c.serve)
	if cfg.TLS {
		c.srv = httptest.NewTLSServer(h)
	} else {
		c.srv = httptest.NewServer(h)
	}
	c.URL = c.srv.URL
	t.Cleanup(c.srv.Close)
	return c
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Client returns an HTTP client that trusts the channel (for TLS).
func (c *Channel) Client() *http.Client { return c.srv.Client() }

// MetadataURL is the OpenID metadata URL (ToBotFromChannelOpenIdMetadataUrl).
func (c *Channel) MetadataURL() string { return c.URL + "/v1/.well-known/openidconfiguration" }

// Issuer is the token issuer (Config.Issuer).
func (c *Channel) Issuer() string { return c.issuer }

// Resource is the Connector resource the token endpoint issues tokens for
// (Config.Resource).
func (c *Channel) Resource() string { return c.resource }

// ValidatorConfig returns a validator configuration that trusts this channel.
func (c *Channel) ValidatorConfig() botframework.ValidatorConfig {
	return botframework.ValidatorConfig{
		AppID: c.AppID, TenantID: c.TenantID, OpenIDMetadataURL: c.MetadataURL(), HTTPClient: c.Client(),
		Issuers: []string{c.issuer},
	}
}

// Token is the connector token the channel accepts.
func (c *Channel) Token() string { return c.token }

// TokenSource returns a token source of the token the channel accepts.
func (c *Channel) TokenSource() botframework.TokenSource {
	return botframework.StaticTokenSource(c.token)
}

// Connector returns a connector client wired to this channel, with short
// backoffs for tests.
func (c *Channel) Connector() *botframework.Connector {
	return botframework.NewConnector(botframework.ConnectorConfig{
		Tokens: c.TokenSource(), HTTPClient: c.Client(), BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond,
	})
}

// MetadataFetches counts GETs of the OpenID metadata.
func (c *Channel) MetadataFetches() int { c.mu.Lock(); defer c.mu.Unlock(); return c.mdFetches }

// KeyFetches counts GETs of the key set.
func (c *Channel) KeyFetches() int { c.mu.Lock(); defer c.mu.Unlock(); return c.kFetches }

// TokenRequests counts token requests to the OAuth endpoint.
func (c *Channel) TokenRequests() int { c.mu.Lock(); defer c.mu.Unlock(); return c.tokReqs }

// SetMetadataStatus makes the metadata endpoint answer status (0 or 200
// restores it).
func (c *Channel) SetMetadataStatus(status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mdStatus = status
}

func (c *Channel) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v1/.well-known/openidconfiguration":
		c.serveMetadata(w, r)
	case p == "/v1/.well-known/keys":
		c.serveKeys(w, r)
	case strings.HasSuffix(p, "/v2.0/.well-known/openid-configuration"):
		c.serveAADMetadata(w, r)
	case strings.HasSuffix(p, "/oauth2/v2.0/token"):
		c.serveToken(w, r)
	case strings.HasPrefix(p, "/v3/conversations"):
		c.serveConnector(w, r)
	default:
		writeError(w, http.StatusNotFound, "NotFound", "no such endpoint: "+p, "")
	}
}

// notify wakes waiters; c.mu must be held.
func (c *Channel) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}
