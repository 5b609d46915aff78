package main

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
)

// login is a local Microsoft Entra token endpoint over TLS (azidentity
// wants https): tenant discovery and client-credentials tokens for any
// client, so `mfabot serve` and the CLI authenticate to the fake Graph
// (which checks no token) with their production credential code. It also
// answers the Bot Connector's OpenID metadata with no keys: no activity
// comes in during the benchmark.
type login struct {
	srv *httptest.Server
}

func newLogin() *login {
	l := &login{}
	l.srv = httptest.NewUnstartedServer(http.HandlerFunc(l.serve))
	l.srv.StartTLS()
	return l
}

func (l *login) close() { l.srv.Close() }

// authority is AZURE_AUTHORITY_HOST.
func (l *login) authority() string { return l.srv.URL + "/" }

// metadataURL is ToBotFromChannelOpenIdMetadataUrl.
func (l *login) metadataURL() string { return l.srv.URL + "/v1/.well-known/openidconfiguration" }

// loginURL is ToChannelFromBotLoginUrl.
func (l *login) loginURL() string { return l.srv.URL + "/" + tenantID }

// writeCert writes the server's certificate as PEM, for SSL_CERT_FILE.
func (l *login) writeCert(path string) error {
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: l.srv.Certificate().Raw})
	return os.WriteFile(path, b, 0o600)
}

func (l *login) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	base := "https://" + r.Host
	switch {
	case p == "/v1/.well-known/openidconfiguration":
		writeJSON(w, map[string]any{"issuer": "https://api.botframework.com", "jwks_uri": base + "/v1/.well-known/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	case p == "/v1/.well-known/keys":
		writeJSON(w, map[string]any{"keys": []any{}})
	case strings.HasSuffix(p, "/v2.0/.well-known/openid-configuration"):
		t := base + "/" + tenantID
		writeJSON(w, map[string]any{"token_endpoint": t + "/oauth2/v2.0/token", "authorization_endpoint": t + "/oauth2/v2.0/authorize",
			"issuer": t + "/v2.0", "jwks_uri": t + "/discovery/v2.0/keys"})
	case strings.HasSuffix(p, "/oauth2/v2.0/token") && r.Method == http.MethodPost:
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": "bench-graph-token"})
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
