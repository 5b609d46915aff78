package wiring

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/graphfake"
)

// TestInboundRefusalsThroughTheEndpoint posts, to the production wiring,
// activities the channel would never send: tenant fields that disagree, no
// tenant, a token whose audience also names another app, and a token
// signed with a key that endorses no channel. None reaches the bot.
func TestInboundRefusalsThroughTheEndpoint(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	url := demoServe(t, ch, filepath.Join(t.TempDir(), "mfabot.db"), nil).URL
	hanna := channeltest.User{ID: "29:hanna", AADObjectID: graphfake.DemoAgentID, Name: "Hanna Helpdesk"}
	send := func(act *botframework.Activity, token string) int {
		resp, err := http.DefaultClient.Do(ch.NewRequestWithToken(url, act, token))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	otherTenant := ch.Message(hanna, "help")
	otherTenant.Conversation.TenantID = "0e0e0e0e-0000-4000-8000-000000000009"
	noTenant := ch.Message(hanna, "help")
	noTenant.Conversation.TenantID, noTenant.ChannelData = "", nil
	noTenant.Teams.Tenant.ID = ""
	for name, c := range map[string]struct {
		act    *botframework.Activity
		token  string
		status int
	}{
		"tenant fields disagree":      {otherTenant, ch.Sign(nil), http.StatusForbidden},
		"no tenant":                   {noTenant, ch.Sign(nil), http.StatusForbidden},
		"audience ours and another's": {ch.Message(hanna, "help"), ch.Sign(map[string]any{"aud": []string{ch.AppID, "b0770000-0000-4000-8000-0000000000ff"}}), http.StatusUnauthorized},
	} {
		if got := send(c.act, c.token); got != c.status {
			t.Errorf("%s: status %d, want %d", name, got, c.status)
		}
	}
	// A new signing key that endorses no channel (no endorsements field):
	// the validator fetches it for its unknown key id, and refuses it.
	ch.SetEndorsements()
	ch.RotateKey(t, false)
	if got := send(ch.Message(hanna, "help"), ch.Sign(nil)); got != http.StatusForbidden {
		t.Errorf("key without endorsements: status %d, want 403", got)
	}
	if n := len(ch.Sent()); n != 0 {
		t.Fatalf("the bot answered %d refused activities", n)
	}
}
