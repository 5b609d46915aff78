package bot_test

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
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

// TestLookupInAChannelIsAnsweredPrivately: everyone in a team channel reads
// the bot's answers there, helpdesk or not. A lookup of another person
// (their methods, privileges, history) asked in a channel is answered in
// the asker's personal chat; the channel is told only where it went.
func TestLookupInAChannelIsAnsweredPrivately(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(agent, "hi")
	for _, text := range []string{"show mfa alice@contoso.com", "history alice@contoso.com"} {
		sent := h.sayAct(h.channelMessage(agent, text))
		private := false
		for _, s := range sent {
			j := s.Activity.Text + cardJSON(cardOf(s.Activity))
			switch s.ConversationID {
			case h.ch.PersonalConversationID(agent):
				private = private || strings.Contains(j, "alice@contoso.com")
			default:
				if strings.Contains(j, "alice@contoso.com") || strings.Contains(j, "Alice") {
					t.Errorf("%q: the channel reads the answer: %s", text, j)
				}
			}
		}
		if !private {
			t.Errorf("%q: no answer in the agent's personal chat: %+v", text, sent)
		}
	}
	// The conversation an approver chose for approvals is answered in place.
	h.sayAct(h.channelMessage(approver, "approvals here"))
	inPlace := false
	for _, s := range h.sayAct(h.channelMessage(agent, "show mfa alice@contoso.com")) {
		inPlace = inPlace || s.ConversationID != h.ch.PersonalConversationID(agent) && contains(cardOf(s.Activity), "alice@contoso.com")
	}
	if !inPlace {
		t.Error("the approvals channel is not answered in place")
	}
}

// TestStrangerForgingAnAnswerLearnsNothing: someone outside every group
// who sends "Yes" or "No" naming a request id is refused without learning
// whose reset it is, on the first delivery and on a redelivery.
func TestStrangerForgingAnAnswerLearnsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	stranger := channeltest.User{ID: "29:stranger", AADObjectID: "u-stranger", Name: "Stranger"}
	for _, verb := range []string{cards.VerbConfirmYes, cards.VerbConfirmNo} {
		resp, act := h.click(stranger, verb, map[string]any{"requestId": r.ID})
		for i, resp := range []any{resp, h.send(act)} {
			if j := cardJSON(resp); strings.Contains(j, "Alice") || strings.Contains(j, "alice@") || strings.Contains(j, "lost phone") {
				t.Fatalf("%s (delivery %d) tells a stranger whose reset it is: %s", verb, i+1, j)
			}
		}
	}
	if got := h.request(r.ID); got.Confirmation == mfa.ConfirmYes || got.Confirmation == mfa.ConfirmNo {
		t.Fatalf("a stranger's answer counted: %s", got.Confirmation)
	}
}
