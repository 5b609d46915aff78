package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuer is the Bot Connector's token issuer.
const issuer = "https://api.botframework.com"

// channel is a lean stand-in for the Bot Connector: OpenID metadata and
// keys, a client-credentials token endpoint (plain and TLS), and connector
// endpoints that only count the replies. It keeps nothing per request, so
// it stays cheap under load.
type channel struct {
	appID, tenantID string
	key             *rsa.PrivateKey
	kid             string
	outToken        string // the token the bot must present to the connector

	plain *httptest.Server // metadata, keys, token, connector
	tls   *httptest.Server // token endpoint for azidentity, which needs https

	replies    atomic.Int64 // activities posted to the connector with the right token
	badReplies atomic.Int64 // connector calls refused (wrong token or path)
	tokens     atomic.Int64 // tokens issued
	conns      atomic.Int64 // TCP connections accepted by the server of the serviceUrl
	checked    atomic.Int64 // replies that passed the cheap check

	// https serves the connector (the activities' serviceUrl) over TLS, as
	// the Bot Connector does; else over plain HTTP.
	https bool
}

// newChannel generates a signing key and starts the servers.
func newChannel(appID, tenantID string, https bool) (*channel, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	c := &channel{appID: appID, tenantID: tenantID, key: key, kid: "bench-" + randHex(6), outToken: "bench-connector-" + randHex(16), https: https}
	countConns := func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			c.conns.Add(1)
		}
	}
	c.plain = httptest.NewUnstartedServer(http.HandlerFunc(c.serve))
	c.tls = httptest.NewUnstartedServer(http.HandlerFunc(c.serve))
	if https {
		c.tls.Config.ConnState = countConns
	} else {
		c.plain.Config.ConnState = countConns
	}
	c.plain.Start()
	c.tls.StartTLS()
	return c, nil
}

func (c *channel) close() {
	c.plain.Close()
	c.tls.Close()
}

// metadataURL is ToBotFromChannelOpenIdMetadataUrl.
func (c *channel) metadataURL() string { return c.plain.URL + "/v1/.well-known/openidconfiguration" }

// serviceURL is the serviceUrl of the activities and the token's claim:
// where the bots post their replies.
func (c *channel) serviceURL() string {
	if c.https {
		return c.tls.URL + "/"
	}
	return c.plain.URL + "/"
}

// tlsLoginURL is ToChannelFromBotLoginUrl for azidentity.
func (c *channel) tlsLoginURL() string { return c.tls.URL + "/" + c.tenantID }

// plainTokenURL is the token endpoint the Node bot's credentials call.
func (c *channel) plainTokenURL() string {
	return c.plain.URL + "/" + c.tenantID + "/oauth2/v2.0/token"
}

// writeCert writes the TLS server's certificate as PEM, for SSL_CERT_FILE.
func (c *channel) writeCert(path string) error {
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.tls.Certificate().Raw})
	return os.WriteFile(path, b, 0o600)
}

// sign returns the one channel token the load reuses, as the Bot Connector
// reuses its token across activities.
func (c *channel) sign(validFor time.Duration) (string, error) {
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss":        issuer,
		"aud":        c.appID,
		"serviceurl": c.serviceURL(),
		"nbf":        now.Add(-time.Minute).Unix(),
		"iat":        now.Add(-time.Minute).Unix(),
		"exp":        now.Add(validFor).Unix(),
	})
	tok.Header["kid"] = c.kid
	return tok.SignedString(c.key)
}

func (c *channel) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v1/.well-known/openidconfiguration":
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer":                                issuer,
			"authorization_endpoint":                "https://invalid.botframework.com",
			"jwks_uri":                              c.plain.URL + "/v1/.well-known/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		})
	case p == "/v1/.well-known/keys":
		pub := &c.key.PublicKey
		writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
			"kty": "RSA", "use": "sig", "kid": c.kid,
			"n":            base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e":            base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			"endorsements": []string{"msteams"},
		}}})
	case strings.HasSuffix(p, "/v2.0/.well-known/openid-configuration"):
		// Tenant discovery, which MSAL does before its first token request.
		base := "https://" + r.Host + "/" + c.tenantID
		writeJSON(w, http.StatusOK, map[string]any{
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"issuer":                 base + "/v2.0",
			"jwks_uri":               base + "/discovery/v2.0/keys",
		})
	case strings.HasSuffix(p, "/oauth2/v2.0/token"):
		c.serveToken(w, r)
	case strings.HasPrefix(p, "/v3/conversations/"):
		c.serveConnector(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (c *channel) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") != c.appID {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	c.tokens.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": c.outToken,
	})
}

// serveConnector answers POST /v3/conversations/{id}/activities[/{replyTo}]
// with a ResourceResponse and counts it. Every reply is read whole and must
// carry the issued token and look like an activity (an object with a "type"
// member); the first and one in fullCheckEvery are also decoded by
// encoding/json. Decoding every one cost the cores the targets share about
// 25 µs per help card (4.4 KB), against 3 µs for a one-line echo: the
// channel's own work was charged to the bots that answer with cards.
func (c *channel) serveConnector(w http.ResponseWriter, r *http.Request) {
	ok := r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/activities") &&
		r.Header.Get("Authorization") == "Bearer "+c.outToken
	buf := replyBuffers.Get().(*bytes.Buffer)
	defer replyBuffers.Put(buf)
	buf.Reset()
	if ok {
		_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20))
		ok = err == nil && looksLikeActivity(buf.Bytes())
	}
	if ok && c.checked.Add(1)%fullCheckEvery == 1 {
		var body struct {
			Type string `json:"type"`
		}
		ok = json.Unmarshal(buf.Bytes(), &body) == nil && body.Type != ""
	}
	if !ok {
		c.badReplies.Add(1)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{"code": "Unauthorized"}})
		return
	}
	n := c.replies.Add(1)
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(strconv.AppendInt(append(buf.Bytes()[:0], `{"id":"1`...), n, 10))
	_, _ = w.Write([]byte("\"}\n"))
}

// fullCheckEvery is how often a reply is decoded by encoding/json.
const fullCheckEvery = 16

var (
	replyBuffers    = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	jsonContentType = []string{"application/json; charset=utf-8"}
)

// looksLikeActivity reports whether b is an object with a "type" member
// (in the cheapest check: braces around, the member's name inside).
func looksLikeActivity(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 1 && b[0] == '{' && b[len(b)-1] == '}' && bytes.Contains(b, []byte(`"type"`))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}
