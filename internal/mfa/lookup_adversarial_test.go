package mfa_test

import (
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// lookups are the lookup records of the audit.
func lookups(g *rig) []mfa.AuditRecord {
	var out []mfa.AuditRecord
	for _, r := range g.records() {
		if r.Type == mfa.AuditLookup {
			out = append(out, r)
		}
	}
	return out
}

// Looking at another person's methods, history or request leaves a record
// of who looked at whom and at what; looking at one's own request does not.
func TestLookingAtAnotherPersonIsAudited(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	if _, err := g.svc.Describe(ctx, mfatest.Agent, "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := g.svc.History(ctx, mfatest.Approver, "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	if err := g.svc.Looked(ctx, mfatest.Approver, r, "status"); err != nil {
		t.Fatal(err)
	}
	before := len(lookups(g))
	if err := g.svc.Looked(ctx, mfatest.Agent, r, "status"); err != nil { // the requester's own request
		t.Fatal(err)
	}
	if len(lookups(g)) != before {
		t.Fatal("the requester looking at their own request was recorded as a lookup of another person")
	}
	got := lookups(g)
	want := []struct{ actor, target, what string }{
		{mfatest.AgentID, "alice@contoso.com", "show mfa"},
		{mfatest.ApproverID, "alice@contoso.com", "history"},
		{mfatest.ApproverID, "bob@contoso.com", "status"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d lookup records, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Actor != w.actor || got[i].Target != w.target || got[i].Detail["what"] != w.what {
			t.Errorf("lookup %d: %s looked at %s (%q), want %+v", i, got[i].Actor, got[i].Target, got[i].Detail["what"], w)
		}
	}
	if got[2].RequestID != r.ID {
		t.Errorf("status lookup names request %q, want %s", got[2].RequestID, r.ID)
	}
}
