package bot_test

import (
	"testing"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

// Someone outside the helpdesk and approver groups who names a request id
// in a forged Refresh learns nothing about it.
func TestStrangerRefreshingARequestSeesNoDetails(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	stranger := channeltest.User{ID: "29:stranger", AADObjectID: "u-stranger", Name: "Stranger"}
	resp, _ := h.click(stranger, cards.VerbRefresh, map[string]any{"requestId": r.ID})
	c := respCard(t, resp)
	if contains(c, "Bob Example") || contains(c, "bob@contoso.com") || contains(c, "Authenticator") {
		t.Fatalf("a stranger sees the request: %s", cardJSON(c))
	}
	if !contains(c, "Only helpdesk agents") {
		t.Fatalf("no explanation: %s", cardJSON(c))
	}
	// A helpdesk colleague may look.
	resp, _ = h.click(agent2, cards.VerbRefresh, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "Bob Example") {
		t.Fatalf("a helpdesk agent cannot see the request: %s", cardJSON(c))
	}
}
