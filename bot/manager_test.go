package bot_test

import (
	"slices"
	"testing"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

var manager = channeltest.User{ID: "29:manager", AADObjectID: mfatest.ManagerID, Name: mfatest.Manager.Name}

// With MFABOT_MANAGER_APPROVAL=may the target's manager gets the request
// card, with Approve, in their personal chat, and can approve from it.
func TestManagerGetsTheCardAndApproves(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMay })
	h.say(manager, "help") // Mona has the app: the bot can reach her
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	var card map[string]any
	for _, s := range h.ch.Sent() {
		if s.ConversationID == h.ch.PersonalConversationID(manager) && contains(cardOf(s.Activity), r.ID) {
			card = cardOf(s.Activity)
		}
	}
	if card == nil {
		t.Fatal("no request card in the manager's chat")
	}
	if v := verbs(card); !slices.Contains(v, cards.VerbApprove) {
		t.Fatalf("manager's card buttons %v, want Approve", v)
	}
	resp, _ := h.click(manager, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": string(mfa.VerifiedManager)})
	if c := respCard(t, resp); contains(c, "refused") {
		t.Fatalf("manager approval refused: %s", cardJSON(c))
	}
	h.bot.Wait()
	got := h.request(r.ID)
	if !got.ManagerApproved || !got.State.Final() {
		t.Fatalf("state %s managerApproved %v", got.State, got.ManagerApproved)
	}
}

// With the policy off, the manager gets nothing and sees nothing.
func TestManagerOffGetsNoCard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(manager, "help")
	before := len(h.ch.Sent())
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	for _, s := range h.ch.Sent()[before:] {
		if s.ConversationID == h.ch.PersonalConversationID(manager) {
			t.Fatalf("manager got a card with the policy off: %s", cardJSON(cardOf(s.Activity)))
		}
	}
	resp, _ := h.click(manager, cards.VerbRefresh, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); contains(c, "Alice Example") {
		t.Fatalf("manager sees the request with the policy off: %s", cardJSON(c))
	}
}
