package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// tapValue is the fake directory's first pass.
const tapValue = "Tap+0001!x"

// issueTAP runs a reset with a pass to completion and returns the request
// and the id of the message that showed the pass.
func issueTAP(t *testing.T, h *harness) (*mfa.Request, string) {
	t.Helper()
	h.say(agent, "hi")
	r, _ := h.reset("reset mfa bob@contoso.com --tap new phone")
	h.click(approver, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
	done := h.request(r.ID)
	if done.State != mfa.StateCompleted || !done.Result.TAPIssued {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
	for _, s := range h.ch.Sent() {
		if strings.Contains(cardJSON(s.Activity), tapValue) {
			return done, s.ID
		}
	}
	t.Fatal("no message showed the pass")
	return nil, ""
}

// tapUpdates are the updates of the pass's message, and whether any of
// them still shows the pass.
func tapUpdates(h *harness, id string) (n int, shows bool) {
	for _, u := range h.ch.Updates() {
		if u.ActivityID == id {
			n++
			shows = shows || strings.Contains(cardJSON(u.Activity), tapValue)
		}
	}
	return n, shows
}

// TestTAPCardRedactedWhenThePassExpires: once the pass has expired, its
// message is replaced by a card without it, so nothing usable stays in the
// chat history; the replacement happens once.
func TestTAPCardRedactedWhenThePassExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, id := issueTAP(t, h)
	if n, err := h.bot.RedactExpiredTAPs(ctx); err != nil || n != 0 {
		t.Fatalf("before expiry: redacted %d, %v", n, err)
	}
	if n, _ := tapUpdates(h, id); n != 0 {
		t.Fatalf("pass message changed before it expired")
	}
	h.clock.Advance(r.Result.TAPExpires.Sub(h.clock.Now()) + time.Second)
	if n, err := h.bot.RedactExpiredTAPs(ctx); err != nil || n != 1 {
		t.Fatalf("after expiry: redacted %d, %v", n, err)
	}
	n, shows := tapUpdates(h, id)
	if n != 1 || shows {
		t.Fatalf("pass message updated %d times, still shows the pass: %v", n, shows)
	}
	if n, err := h.bot.RedactExpiredTAPs(ctx); err != nil || n != 0 {
		t.Fatalf("second sweep: redacted %d, %v", n, err)
	}
	assertTAPNeverKept(t, h, r)
}

// TestTAPPassedOnRedactsAtOnce: the requester presses "Passed on" and the
// pass disappears from the chat at once; nobody else can press it for them.
func TestTAPPassedOnRedactsAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, id := issueTAP(t, h)

	// Another person's click (a forged invoke) changes nothing.
	resp, _ := h.click(approver, cards.VerbTAPPassedOn, map[string]any{"requestId": r.ID})
	if n, _ := tapUpdates(h, id); n != 0 || resp == nil || strings.Contains(cardJSON(resp), tapValue) {
		t.Fatalf("an approver redacted the requester's pass: %d updates, %s", n, cardJSON(resp))
	}

	upper := channeltest.User{ID: agent.ID, AADObjectID: strings.ToUpper(mfatest.AgentID), Name: agent.Name}
	resp, _ = h.click(upper, cards.VerbTAPPassedOn, map[string]any{"requestId": r.ID})
	c := respCard(t, resp)
	if contains(c, tapValue) || !contains(c, "Passed on") {
		t.Fatalf("answer to Passed on: %s", cardJSON(c))
	}
	n, shows := tapUpdates(h, id)
	if n != 1 || shows {
		t.Fatalf("pass message updated %d times, still shows the pass: %v", n, shows)
	}
	// Expiry later does not touch it again.
	h.clock.Advance(9 * time.Hour)
	if n, err := h.bot.RedactExpiredTAPs(ctx); err != nil || n != 0 {
		t.Fatalf("sweep after Passed on: redacted %d, %v", n, err)
	}
	assertTAPNeverKept(t, h, r)
}

// TestTAPCardOffersPassedOn: the card that shows the pass has the button.
func TestTAPCardOffersPassedOn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, _ = issueTAP(t, h)
	for _, s := range h.ch.Sent() {
		if c := cardOf(s.Activity); c != nil && contains(c, tapValue) {
			if v := verbs(c); len(v) != 1 || v[0] != cards.VerbTAPPassedOn {
				t.Fatalf("TAP card verbs %v", v)
			}
			return
		}
	}
	t.Fatal("no TAP card")
}

func assertTAPNeverKept(t *testing.T, h *harness, r *mfa.Request) {
	t.Helper()
	out := h.logs.String()
	if strings.Contains(out, tapValue) {
		t.Fatal("TAP value in the log")
	}
	for _, ns := range []string{"teams.cards:" + r.ID, "teams.cards:" + r.ID + "#tap"} {
		kv, _ := h.store.List(ctx, ns)
		if strings.Contains(cardJSON(kv), tapValue) {
			t.Fatalf("TAP value kept in store namespace %s", ns)
		}
	}
}

// TestTAPCardRedactedWhenALongPassExpires: the tenant's policy may ask for
// passes that live days (a minimum lifetime of 3 days); their message is
// still replaced once they expire, however long after the request.
func TestTAPCardRedactedWhenALongPassExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.dir.Policy = &mfa.TAPPolicy{Enabled: true, AllUsers: true, MinLifetime: 72 * time.Hour, MaxLifetime: 30 * 24 * time.Hour, DefaultLifetime: 72 * time.Hour}
	r, id := issueTAP(t, h)
	life := r.Result.TAPExpires.Sub(h.clock.Now())
	if life < 71*time.Hour {
		t.Fatalf("the pass lives %s, want the policy's 72h", life)
	}
	h.clock.Advance(life + time.Minute)
	if n, err := h.bot.RedactExpiredTAPs(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after a 3-day pass expired: redacted %d, %v", n, err)
	}
	if n, shows := tapUpdates(h, id); n != 1 || shows {
		t.Fatalf("pass message updated %d times, still shows the pass: %v", n, shows)
	}
}
