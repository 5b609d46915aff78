package mfa_test

import (
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Control 1: the target user confirms out of band ("Was this you?").

func TestConfirmOffNeverAsks(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Confirm = mfa.ConfirmOff })
	g.note.Reachable[mfatest.AliceID] = true
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if r.Confirmation != mfa.ConfirmNotAsked || len(g.note.Asked) != 0 || g.audited(mfa.AuditConfirmAsked, "") != 0 {
		t.Fatalf("policy off asked anyway: confirmation %q, asked %v", r.Confirmation, g.note.Asked)
	}
	if got := g.approveAndRun(r.ID); got.State != mfa.StateCompleted {
		t.Fatalf("state %s", got.State)
	}
}

func TestConfirmWhenReachableAsksOnlyReachableUsers(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil) // the default policy
	if g.svc.Policy().Confirm != mfa.ConfirmReachable {
		t.Fatalf("default confirmation policy %q", g.svc.Policy().Confirm)
	}
	g.note.Reachable[mfatest.AliceID] = true
	alice := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	bob := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	if alice.Confirmation != mfa.ConfirmAsked || bob.Confirmation != mfa.ConfirmUnreachable {
		t.Fatalf("alice %q bob %q", alice.Confirmation, bob.Confirmation)
	}
	if n := g.audited(mfa.AuditConfirmAsked, ""); n != 2 {
		t.Fatalf("%d confirmation_asked records, want 2 (reached and not reached)", n)
	}
	// An unreachable user does not stop the reset under this policy.
	if got := g.approveAndRun(bob.ID); got.State != mfa.StateCompleted {
		t.Fatalf("bob %s", got.State)
	}
}

func TestConfirmRequiredRefusesApprovalWithoutYes(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Confirm = mfa.ConfirmRequired })
	// Bob cannot be reached: under "required" nobody may approve for him.
	bob := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	_, err := g.svc.Approve(ctx, mfatest.Approver, bob.ID, approveIn())
	wantCode(t, "approve an unreachable user's reset", err, mfa.EForbidden)
	if s := g.get(bob.ID).State; s != mfa.StatePending {
		t.Fatalf("bob %s", s)
	}
	if g.dir.Count("delete") != 0 {
		t.Fatal("a method was deleted without the user's Yes")
	}
}

func TestNoBlocksMarksSuspiciousAndAlerts(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	g.note.Reachable[mfatest.AliceID] = true
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	got, err := g.svc.Confirm(ctx, mfatest.Alice, r.ID, false)
	if err != nil || got.State != mfa.StateBlocked || got.Confirmation != mfa.ConfirmNo {
		t.Fatalf("no: %v %+v", err, got)
	}
	_, err = g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	wantCode(t, "approve a blocked request", err, mfa.EConflict)
	_, err = g.svc.Execute(ctx, r.ID)
	wantCode(t, "execute a blocked request", err, mfa.EConflict)
	if !hasKind(g.alerts, "user_denied") || g.audited(mfa.AuditDenied, "") != 1 || g.audited(mfa.AuditAlert, "user_denied") != 1 {
		t.Fatalf("no alert or audit: alerts %v", g.alerts.Kinds())
	}
	if g.dir.Count("delete")+g.dir.Count("revoke") != 0 {
		t.Fatal("a blocked request touched the directory")
	}
}

func TestYesFromSomeoneOtherThanTheTargetIsRefused(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Confirm = mfa.ConfirmRequired })
	g.note.Reachable[mfatest.AliceID] = true
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	// The requester, the approver, the target's manager and someone using
	// the target's name but another object id all try to say Yes.
	impostor := mfatest.Alice
	impostor.ID = "u-someone-else"
	for _, who := range []mfa.Actor{mfatest.Agent, mfatest.Approver, mfatest.Manager, impostor} {
		_, err := g.svc.Confirm(ctx, who, r.ID, true)
		wantCode(t, "yes from "+who.ID, err, mfa.EForbidden)
	}
	if got := g.get(r.ID); got.Confirmation != mfa.ConfirmAsked || got.State != mfa.StatePending {
		t.Fatalf("forged yes changed the request: %s %s", got.State, got.Confirmation)
	}
	_, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	wantCode(t, "approve after forged yes", err, mfa.EForbidden)
	if n := g.audited(mfa.AuditAlert, "forged_confirmation"); n != 4 {
		t.Fatalf("%d forged_confirmation alerts audited, want 4", n)
	}
}

func TestReplayedYesFromAnotherRequestIsRefused(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Confirm = mfa.ConfirmRequired })
	g.note.Reachable[mfatest.AliceID] = true
	g.note.Reachable[mfatest.BobID] = true
	old := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if _, err := g.svc.Confirm(ctx, mfatest.Alice, old.ID, true); err != nil {
		t.Fatal(err)
	}
	bob := g.mustAsk(mfatest.Agent2, "bob@contoso.com")
	// Alice's Yes, replayed with Bob's request id.
	_, err := g.svc.Confirm(ctx, mfatest.Alice, bob.ID, true)
	wantCode(t, "alice's yes on bob's request", err, mfa.EForbidden)
	if got := g.get(bob.ID); got.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("bob's confirmation %q", got.Confirmation)
	}
	// The old request ends; a new one for Alice needs a new answer. Her old
	// Yes, replayed, neither counts for the new request nor revives the old.
	if _, err := g.svc.Cancel(ctx, mfatest.Agent, old.ID); err != nil {
		t.Fatal(err)
	}
	fresh := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	_, err = g.svc.Confirm(ctx, mfatest.Alice, old.ID, true)
	wantCode(t, "yes replayed on the old request", err, mfa.EConflict)
	if got := g.get(fresh.ID); got.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("new request's confirmation %q after a replay", got.Confirmation)
	}
	_, err = g.svc.Approve(ctx, mfatest.Approver, fresh.ID, approveIn())
	wantCode(t, "approve the new request on the old yes", err, mfa.EForbidden)
}

func TestConfirmAfterApprovalOrExecution(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	g.note.Reachable[mfatest.AliceID] = true
	g.note.Reachable[mfatest.BobID] = true
	// Approved but not yet running: "No" still stops it.
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if _, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
		t.Fatal(err)
	}
	_, err := g.svc.Confirm(ctx, mfatest.Alice, r.ID, true)
	wantCode(t, "yes after approval", err, mfa.EConflict)
	if got, err := g.svc.Confirm(ctx, mfatest.Alice, r.ID, false); err != nil || got.State != mfa.StateBlocked {
		t.Fatalf("no after approval: %v %+v", err, got)
	}
	_, err = g.svc.Execute(ctx, r.ID)
	wantCode(t, "execute after no", err, mfa.EConflict)
	if g.dir.Count("delete") != 0 {
		t.Fatal("deleted after the user said no")
	}
	// Executed: an answer changes nothing.
	b := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	done := g.approveAndRun(b.ID)
	for _, yes := range []bool{true, false} {
		_, err := g.svc.Confirm(ctx, mfa.Actor{ID: mfatest.BobID, Name: "Bob"}, b.ID, yes)
		wantCode(t, "answer after execution", err, mfa.EConflict)
	}
	if got := g.get(b.ID); got.State != done.State || got.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("executed request changed: %s %q", got.State, got.Confirmation)
	}
}
