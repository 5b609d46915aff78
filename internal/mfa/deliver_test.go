package mfa_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Every approver sees every request: whom to tell, and what became of it.

func TestRecipientsAreTheApproversButNeitherRequesterNorTarget(t *testing.T) {
	g := newRig(t, nil)
	g.dir.AddUser(mfa.User{ID: "u-left", UPN: "lee@contoso.com", DisplayName: "Lee Left", AccountEnabled: false})
	g.dir.AddMember(mfatest.ApproverGroup, "u-left")
	g.dir.AddMember(mfatest.HelpdeskGroup, mfatest.ApproverID) // an approver who asks
	r, err := g.svc.Request(ctx, mfatest.Approver, mfa.RequestInput{Target: "bob@contoso.com", Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := g.svc.Recipients(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range rc.Approvers {
		names = append(names, u.DisplayName)
	}
	// Ada asked (she may not approve her own), Lee's account is disabled:
	// Abe alone may act. (A target in the approver group is refused before
	// any request is made.)
	if strings.Join(names, ",") != "Abe Approver" || !rc.AskTarget {
		t.Fatalf("approvers %v, ask target %v", names, rc.AskTarget)
	}
}

func TestNobodyReachedIsRecordedAndAlerted(t *testing.T) {
	g := newRig(t, nil)
	r, err := g.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "bob@contoso.com", Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := g.note.Deliver(ctx, g.svc, r, false) // no approver reachable
	if err != nil {
		t.Fatal(err)
	}
	if got.Delivery == nil || got.Delivery.Approvers != 0 || got.Delivery.Eligible != 2 || got.Delivery.Reached() {
		t.Fatalf("delivery %+v", got.Delivery)
	}
	if g.audited(mfa.AuditAlert, "no_approver_reached") != 1 || g.audited(mfa.AuditDelivered, "") != 1 {
		t.Fatalf("alerts %v", g.alerts.Kinds())
	}
	// Reaching one approver raises nothing.
	g.note.Reachable[mfatest.Approver2ID] = true
	r2, err := g.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "alice@contoso.com", Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := g.note.Deliver(ctx, g.svc, r2, false); err != nil || got.Delivery.Approvers != 1 {
		t.Fatalf("delivery %+v %v", got, err)
	}
	if g.audited(mfa.AuditAlert, "no_approver_reached") != 1 {
		t.Fatalf("alerts %v", g.alerts.Kinds())
	}
}

func TestApproverGroupUnreadableReachesNobody(t *testing.T) {
	g := newRig(t, nil)
	g.dir.Fail = func(op, id string) error {
		if op == "members" {
			return &mfa.DirectoryError{Op: "list group members", Reason: mfa.ReasonForbidden, Permission: "GroupMember.Read.All"}
		}
		return nil
	}
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	if r.Delivery == nil || r.Delivery.Approvers != 0 || g.audited(mfa.AuditAlert, "no_approver_reached") != 1 {
		t.Fatalf("delivery %+v, alerts %v", r.Delivery, g.alerts.Kinds())
	}
	if _, err := g.svc.Recipients(ctx, r); err == nil || !strings.Contains(mfa.Message(err), "GroupMember.Read.All") {
		t.Fatalf("recipients error %v", err)
	}
}

func TestReminderOnceAtHalfLife(t *testing.T) {
	g := newRig(t, nil) // 30 minutes
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	g.clock.Advance(14 * time.Minute)
	if n, err := g.svc.RemindDue(ctx); err != nil || n != 0 {
		t.Fatalf("before half-life: %d %v", n, err)
	}
	g.clock.Advance(time.Minute)
	if n, err := g.svc.RemindDue(ctx); err != nil || n != 1 {
		t.Fatalf("at half-life: %d %v", n, err)
	}
	g.clock.Advance(5 * time.Minute)
	if n, _ := g.svc.RemindDue(ctx); n != 0 {
		t.Fatal("reminded twice")
	}
	if len(g.note.Reminded) != 1 || g.note.Reminded[0] != r.ID || g.audited(mfa.AuditReminded, "") != 1 {
		t.Fatalf("reminded %v", g.note.Reminded)
	}
	// A decided request is never reminded.
	r2 := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if _, err := g.svc.Reject(ctx, mfatest.Approver, r2.ID, "no"); err != nil {
		t.Fatal(err)
	}
	g.clock.Advance(20 * time.Minute)
	if n, _ := g.svc.RemindDue(ctx); n != 0 {
		t.Fatal("reminded of a rejected request")
	}
}

func TestTwoApproversAtOnceOneCountsTheOtherLearnsWho(t *testing.T) {
	for range 20 {
		g := newRig(t, nil)
		r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, who := range []mfa.Actor{mfatest.Approver, mfatest.Approver2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = g.svc.Approve(ctx, who, r.ID, approveIn())
			}()
		}
		wg.Wait()
		ok, lost := 0, error(nil)
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				lost = err
			}
		}
		if ok != 1 || g.audited(mfa.AuditApproved, "") != 1 {
			t.Fatalf("%d approvals counted (%v)", ok, errs)
		}
		first := g.get(r.ID).Approver
		var me *mfa.Error
		if !errors.As(lost, &me) || me.Code != mfa.EConflict || !strings.Contains(mfa.Message(lost), first.String()+" already approved") {
			t.Fatalf("the second approver was told %v; want who approved first (%s)", lost, first.Name)
		}
	}
}
