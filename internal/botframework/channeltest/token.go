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
	// Entra names its own host in the document, and MSAL checks that the
	// issuer matches the authority it asked: answer for the host the
	// client asked (a test may route login.microsoftonline.us here).
	base := c.URL + "/" + tenant
	if r.Host != "" && r.TLS != nil {
		base = "https://" + r.Host + "/" + tenant
	}
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
	case !c.scopeValid(w, tr.Scope, tenant):
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": c.token,
		})
	}
}

// oidcScopes are the scopes MSAL adds to every request; Entra ignores them
// on the client-credentials grant.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true}

// scopeValid answers as Entra does for the client-credentials grant, and
// reports whether the scope passed:
//   - no scope: 400 invalid_request AADSTS900144;
//   - a scope without the /.default suffix, e.g. the bare resource
//     "https://api.botframework.com" or a named permission: 400
//     invalid_scope AADSTS1002012 ("Client credential flows must have a
//     scope value with /.default suffixed to the resource identifier
//     (application ID URI)"), as reported verbatim in
//     https://github.com/MicrosoftDocs/azure-docs/issues/99862 and
//     https://github.com/microsoftgraph/microsoft-graph-docs/issues/14323;
//     the rule itself: https://learn.microsoft.com/entra/identity-platform/scenario-daemon-acquire-token
//     ("The scope used for client credentials should always be the
//     resource ID followed by /.default");
//   - another resource than this channel's (e.g. the public cloud's
//     Connector asked of a US Government channel): 400 invalid_resource
//     AADSTS500011 ("The resource principal named … was not found in the
//     tenant …").
func (c *Channel) scopeValid(w http.ResponseWriter, scope, tenant string) bool {
	var resources []string
	for _, s := range strings.Fields(scope) {
		if oidcScopes[s] {
			continue
		}
		res, ok := strings.CutSuffix(s, "/.default")
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_scope",
				"error_description": "AADSTS1002012: The provided value for scope " + s + " is not valid. " +
					"Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."})
			return false
		}
		resources = append(resources, res)
	}
	switch {
	case len(resources) == 0:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request",
			"error_description": "AADSTS900144: The request body must contain the following parameter: 'scope'."})
		return false
	case len(resources) > 1 || resources[0] != c.resource:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_resource",
			"error_description": "AADSTS500011: The resource principal named " + resources[0] +
				" was not found in the tenant named " + tenant + "."})
		return false
	}
	return true
}

// clientAuthenticated accepts the configured secret, or a certificate
// client assertion (its signature is not checked here).
func (c *Channel) clientAuthenticated(r *http.Request) bool {
	if r.PostForm.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return strings.Count(r.PostForm.Get("client_assertion"), ".") == 2
	}
	return r.PostForm.Get("client_secret") == c.secret
}
