package channeltest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

// TestTokenEndpointScopeRules checks that the token endpoint treats the
// scope as Entra does for the client-credentials grant.
func TestTokenEndpointScopeRules(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	for _, c := range []struct {
		scope, wantErr, wantCode string
	}{
		{"https://api.botframework.com/.default", "", ""},
		{"https://api.botframework.com/.default openid profile offline_access", "", ""},
		{"https://api.botframework.com", "invalid_scope", "AADSTS1002012"},
		{"https://api.botframework.com/Some.Permission", "invalid_scope", "AADSTS1002012"},
		{"", "invalid_request", "AADSTS900144"},
		{"https://api.botframework.us/.default", "invalid_resource", "AADSTS500011"},
	} {
		t.Run(c.scope, func(t *testing.T) {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {ch.AppID},
				"client_secret": {channeltest.DefaultClientSecret}, "scope": {c.scope}}
			resp, err := http.PostForm(ch.URL+"/"+ch.TenantID+"/oauth2/v2.0/token", form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
				Token       string `json:"access_token"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if c.wantErr == "" {
				if resp.StatusCode != http.StatusOK || body.Token != ch.Token() {
					t.Fatalf("status %d, body %+v", resp.StatusCode, body)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest || body.Error != c.wantErr || !strings.HasPrefix(body.Description, c.wantCode+":") || body.Token != "" {
				t.Fatalf("status %d, body %+v; want 400 %s %s", resp.StatusCode, body, c.wantErr, c.wantCode)
			}
		})
	}
}
