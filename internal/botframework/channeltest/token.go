package channeltest

import (
	"net/http"
	"strings"
)

// TokenRequest is one request to the channel's OAuth token endpoint.
type TokenRequest struct {
	Tenant   string // the authority's tenant segment
	ClientID string
	Scope    string
}

// LoginURL is a ToChannelFromBotLoginUrl pointing at this channel for the
// tenant (for azidentity; needs Config.TLS).
func (c *Channel) LoginURL(tenant string) string { return c.URL + "/" + tenant }

// TokenRequestLog returns the token requests received so far.
func (c *Channel) TokenRequestLog() []TokenRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]TokenRequest(nil), c.tokLog...)
}

// serveAADMetadata answers the tenant discovery MSAL does before asking
// for a token.
func (c *Channel) serveAADMetadata(w http.ResponseWriter, r *http.Request) {
	tenant, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	base := c.URL + "/" + tenant
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":         base + "/oauth2/v2.0/token",
		"authorization_endpoint": base + "/oauth2/v2.0/authorize",
		"issuer":                 base + "/v2.0",
		"jwks_uri":               base + "/discovery/v2.0/keys",
	})
}

// serveToken is a client-credentials token endpoint that accepts the
// configured client id (the app id) and secret.
func (c *Channel) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "POST only", "")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	tenant, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	tr := TokenRequest{Tenant: tenant, ClientID: r.PostForm.Get("client_id"), Scope: r.PostForm.Get("scope")}
	c.mu.Lock()
	c.tokReqs++
	c.tokLog = append(c.tokLog, tr)
	c.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
	case tr.ClientID != c.AppID || !c.clientAuthenticated(r):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
			"error_description": "AADSTS7000215: Invalid client secret provided."})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": c.token,
		})
	}
}

// clientAuthenticated accepts the configured secret, or a certificate
// client assertion (its signature is not checked here).
func (c *Channel) clientAuthenticated(r *http.Request) bool {
	if r.PostForm.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return strings.Count(r.PostForm.Get("client_assertion"), ".") == 2
	}
	return r.PostForm.Get("client_secret") == c.secret
}
