package bot_test

import (
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Asking for a request's status 60 times in one chat keeps one card there
// up to date: the cancel that follows costs one update per conversation,
// not one per status card.
func TestStatusRepeatedDoesNotMultiplyCardUpdates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	for range 60 {
		h.say(agent, "status "+r.ID)
	}
	before := len(h.ch.Updates())
	start := time.Now()
	h.say(agent, "cancel "+r.ID)
	n := len(h.ch.Updates()) - before
	if n < 1 || n > 2 {
		t.Fatalf("one cancel cost %d card updates, want one per conversation (at most 2)", n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the updates took %v", d)
	}
}

// An approver reading someone else's request with `status <id>` leaves a
// lookup record; the requester reading their own does not.
func TestStatusOfAnotherPersonsRequestIsAudited(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	h.say(agent, "status "+r.ID)
	if n := h.auditCount(mfa.AuditLookup); n != 0 {
		t.Fatalf("the requester's own status made %d lookup records", n)
	}
	h.say(approver, "status "+r.ID)
	if n := h.auditCount(mfa.AuditLookup); n != 1 {
		t.Fatalf("an approver's status of another's request made %d lookup records, want 1", n)
	}
}
