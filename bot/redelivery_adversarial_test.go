package bot_test

import (
	"net/http"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
)

// The Connector refuses the request card once (500): the bot reports the
// failure, so Teams redelivers the activity, and the redelivery posts the
// card of the request the first delivery opened instead of being dropped
// as a duplicate or refused as a second request for the same user.
func TestRequestCardLostOnceArrivesOnRedelivery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.ch.Fail(channeltest.Fault{Status: http.StatusInternalServerError, Method: http.MethodPost, PathContains: "agent/activities"})
	act := h.ch.Message(agent, "reset mfa bob@contoso.com new phone")
	if _, err := h.bot.HandleActivity(ctx, act); err == nil {
		t.Fatal("a request card that did not arrive was reported as handled")
	}
	h.bot.Wait()
	sent := h.sayAct(act) // the redelivery
	var card map[string]any
	for _, s := range sent {
		if c := cardOf(s.Activity); c != nil && s.ConversationID == h.ch.PersonalConversationID(agent) {
			card = c
		}
	}
	if card == nil {
		t.Fatalf("the redelivery posted no request card: %+v", sent)
	}
	id := requestIDRe.FindStringSubmatch(cardJSON(card))
	if id == nil {
		t.Fatalf("the card is not a request card: %s", cardJSON(card))
	}
	open, err := h.svc.List(ctx, mfa.RequestFilter{RequesterID: agent.AADObjectID})
	if err != nil || len(open) != 1 || open[0].ID != id[1] || open[0].State != mfa.StatePending {
		t.Fatalf("requests after the redelivery: %v %+v; card shows %s", err, open, id[1])
	}
	// A third delivery is a duplicate again: no second card.
	if again := h.sayAct(act); len(again) != 0 {
		t.Fatalf("a delivered request card was posted again: %+v", again)
	}
	// Not locked out: the requester can withdraw it.
	h.say(agent, "cancel "+id[1])
	if r := h.request(id[1]); r.State != mfa.StateCancelled {
		t.Fatalf("after cancel: %s", r.State)
	}
}
