package mfa_test

import (
	"errors"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Four eyes and control 2: who may approve.

func TestRequesterCannotApproveUnderAnotherName(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	// The requester is also an approver, and approves from another channel
	// under another display name: the object id decides.
	g.dir.AddMember(mfatest.ApproverGroup, mfatest.AgentID)
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	disguised := mfa.Actor{ID: mfatest.AgentID, Name: "H. H.", UPN: "other@contoso.com", Via: "cli"}
	_, err := g.svc.Approve(ctx, disguised, r.ID, approveIn())
	wantCode(t, "self-approval", err, mfa.EForbidden)
	if g.get(r.ID).State != mfa.StatePending || g.audited(mfa.AuditAlert, "self_approval") != 1 {
		t.Fatalf("state %s, alerts %v", g.get(r.ID).State, g.alerts.Kinds())
	}
}

func TestTargetCannotApproveTheirOwnReset(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	// Alice joins the approver group after the request was made (an
	// approver is never a target: see TestBotGroupsAreProtected).
	g.dir.AddMember(mfatest.ApproverGroup, mfatest.AliceID)
	_, err := g.svc.Approve(ctx, mfatest.Alice, r.ID, approveIn())
	wantCode(t, "target approving", err, mfa.EForbidden)
}

func TestApproverOutsideTheGroupIsRefused(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	for _, who := range []mfa.Actor{mfatest.Agent2, mfatest.Alice, mfatest.Manager, {ID: "u-unknown", Name: "Stranger"}} {
		_, err := g.svc.Approve(ctx, who, r.ID, approveIn())
		wantCode(t, "approve by "+who.ID, err, mfa.EForbidden)
		_, err = g.svc.Reject(ctx, who, r.ID, "no")
		wantCode(t, "reject by "+who.ID, err, mfa.EForbidden)
	}
	// A failing group lookup refuses too: the check fails closed.
	g.dir.Fail = func(op, user string) error {
		if op == "member" {
			return &mfa.DirectoryError{Op: "check group membership", Reason: mfa.ReasonUnavailable}
		}
		return nil
	}
	_, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	wantCode(t, "approve while the group lookup fails", err, mfa.EForbidden)
	g.dir.Fail = nil
	if got := g.get(r.ID); got.State != mfa.StatePending || got.Approver != nil {
		t.Fatalf("request changed: %s %+v", got.State, got.Approver)
	}
	if n := g.audited(mfa.AuditRefused, ""); n != 9 {
		t.Fatalf("%d refusals audited, want 9", n)
	}
}

func TestManagerOffManagerCannotApprove(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	_, err := g.svc.Approve(ctx, mfatest.Manager, r.ID, mfa.ApproveInput{})
	wantCode(t, "manager with policy off", err, mfa.EForbidden)
}

func TestManagerMayApproveAlone(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMay })
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	// Bob's manager is not Mona: she is nobody's approver for Bob.
	b := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	_, err := g.svc.Approve(ctx, mfatest.Manager, b.ID, mfa.ApproveInput{})
	wantCode(t, "a manager approving someone else's report", err, mfa.EForbidden)
	got, err := g.svc.Approve(ctx, mfatest.Manager, r.ID, mfa.ApproveInput{})
	if err != nil || got.State != mfa.StateApproved || !got.ManagerApproved || got.Manager.ID != mfatest.ManagerID {
		t.Fatalf("manager approval: %v %+v", err, got)
	}
	if got.Verification != mfa.VerifiedManager {
		t.Fatalf("verification %q, want the manager's own confirmation", got.Verification)
	}
	// The manager's approval alone runs the reset, and says who approved.
	done, err := g.svc.Execute(ctx, r.ID)
	if err != nil || done.State != mfa.StateCompleted {
		t.Fatalf("execute a manager-approved request: %v %+v", err, done)
	}
	if by := done.ApprovedBy(); by != "Mona Manager (mona@contoso.com) (manager)" {
		t.Fatalf("approved by %q", by)
	}
	if g.audited(mfa.AuditManagerApproved, "") != 1 {
		t.Fatal("manager approval not audited as such")
	}
	// An approver alone still suffices under "may".
	if got, err := g.svc.Approve(ctx, mfatest.Approver, b.ID, approveIn()); err != nil || got.State != mfa.StateApproved {
		t.Fatalf("approver under may: %v %+v", err, got)
	}
}

func TestManagerMustCoApproveWithAnotherPerson(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMust })
	// Mona is Alice's manager and also an approver: she must not fill both
	// places of a co-approval alone.
	g.dir.AddMember(mfatest.ApproverGroup, mfatest.ManagerID)
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	got, err := g.svc.Approve(ctx, mfatest.Manager, r.ID, approveIn())
	if err != nil || got.State != mfa.StatePending || !got.ManagerApproved {
		t.Fatalf("manager who is an approver, alone: %v %s", err, got.State)
	}
	got, err = g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	if err != nil || got.State != mfa.StateApproved || got.Approver.ID != mfatest.ApproverID || got.Manager.ID != mfatest.ManagerID {
		t.Fatalf("approver after manager: %v %+v", err, got)
	}
}

func TestManagerMustFailsClosedWithoutAManager(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMust })
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	g.dir.Fail = func(op, user string) error {
		if op == "manager" {
			return errors.New("graph unreachable")
		}
		return nil
	}
	_, err := g.svc.Approve(ctx, mfatest.Manager, r.ID, mfa.ApproveInput{})
	wantCode(t, "manager while the lookup fails", err, mfa.EForbidden)
	got, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	if err != nil || got.State != mfa.StatePending {
		t.Fatalf("approver alone under must: %v %s", err, got.State)
	}
	if _, err := g.svc.Execute(ctx, r.ID); mfa.Code(err) != mfa.EConflict || g.dir.Count("delete") != 0 {
		t.Fatalf("executed without the manager: %v", err)
	}
}

func TestManagerCannotOverrideThePerTargetLimit(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMay })
	first := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	g.approveAndRun(first.ID)
	g.dir.AddUser(mfa.User{ID: mfatest.AliceID, UPN: "alice@contoso.com", DisplayName: "Alice Example", AccountEnabled: true}, mfatest.AuthApp)
	again := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if !again.NeedsOverride {
		t.Fatal("second reset within the window needs no override")
	}
	_, err := g.svc.Approve(ctx, mfatest.Manager, again.ID, mfa.ApproveInput{Override: "she lost it again"})
	wantCode(t, "manager overriding the per-target limit", err, mfa.EForbidden)
	if got := g.get(again.ID); got.State != mfa.StatePending {
		t.Fatalf("state %s", got.State)
	}
	got, err := g.svc.Approve(ctx, mfatest.Approver, again.ID, mfa.ApproveInput{Verification: mfa.VerifiedCallback, Override: "confirmed by call-back"})
	if err != nil || got.State != mfa.StateApproved || got.Override == "" {
		t.Fatalf("approver override: %v %+v", err, got)
	}
}

// TestCoApprovalTakesTwoPeopleWhenTheManagerChanges: under "must" the
// approver's and the manager's places are two people's. Someone who
// approved in one place may not fill the other after the directory names
// them the target's manager (or stops naming them so).
func TestCoApprovalTakesTwoPeopleWhenTheManagerChanges(t *testing.T) {
	t.Parallel()
	t.Run("approver becomes the manager", func(t *testing.T) {
		g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMust })
		r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
		if got, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil || got.State != mfa.StatePending {
			t.Fatalf("first approval: %v", err)
		}
		g.dir.Managers[mfatest.AliceID] = mfatest.ApproverID
		_, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
		wantCode(t, "the approver again, now as the manager", err, mfa.EForbidden)
		if got := g.get(r.ID); got.State != mfa.StatePending {
			t.Fatalf("one person approved in both places: %s", got.State)
		}
	})
	t.Run("manager stops being the manager", func(t *testing.T) {
		g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMust })
		g.dir.AddMember(mfatest.ApproverGroup, mfatest.ManagerID)
		r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
		if got, err := g.svc.Approve(ctx, mfatest.Manager, r.ID, approveIn()); err != nil || !got.ManagerApproved {
			t.Fatalf("manager's approval: %v", err)
		}
		g.dir.Managers[mfatest.AliceID] = mfatest.Approver2ID
		_, err := g.svc.Approve(ctx, mfatest.Manager, r.ID, approveIn())
		wantCode(t, "the manager again, now as an approver", err, mfa.EForbidden)
		if got := g.get(r.ID); got.State != mfa.StatePending {
			t.Fatalf("one person approved in both places: %s", got.State)
		}
	})
}
