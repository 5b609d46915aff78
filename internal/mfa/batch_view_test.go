package mfa_test

import (
	"slices"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// A caller that announces the batch before planning names it; a name that
// is not a batch id is refused and nothing is stored.
func TestBatchInputIDNamesTheBatch(t *testing.T) {
	e := newIncidentEnv(t, 1, nil)
	for _, bad := range []string{"R-ABCDEF", "B-ABC", "B-ABCDE0", "b-abcdef", "B-ABCDEF; drop"} {
		if _, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{ID: bad, Group: phishedGroup, Reason: "phish"}); mfa.Code(err) != mfa.EInvalid {
			t.Errorf("id %q: %v, want EInvalid", bad, err)
		}
	}
	if bs, _ := e.svc.ListBatches(ctx, mfatest.Agent, 0); len(bs) != 0 {
		t.Fatalf("refused ids stored %d batches", len(bs))
	}
	id := mfa.NewBatchID()
	b, err := e.svc.PlanBatch(ctx, mfatest.Agent, mfa.BatchInput{ID: id, Group: phishedGroup, Reason: "phish"})
	if err != nil || b.ID != id {
		t.Fatalf("PlanBatch with id %s: %+v, %v", id, b, err)
	}
	if !mfa.IsBatchID(" "+"b"+id[1:]) || mfa.IsBatchID("R-7K3QW9") {
		t.Fatal("IsBatchID")
	}
}

func TestMayPlanBatchIsTheIncidentGroup(t *testing.T) {
	e := newIncidentEnv(t, 1, nil)
	if err := e.svc.MayPlanBatch(ctx, mfatest.Agent); err != nil {
		t.Fatalf("an incident responder: %v", err)
	}
	for _, a := range []mfa.Actor{mfatest.Agent2, mfatest.Approver} {
		if err := e.svc.MayPlanBatch(ctx, a); mfa.Code(err) != mfa.EForbidden {
			t.Errorf("%s: %v, want EForbidden", a.Name, err)
		}
	}
	off := newEnv(t, nil)
	if err := off.svc.MayPlanBatch(ctx, mfatest.Agent); mfa.Code(err) != mfa.EForbidden {
		t.Errorf("incident mode off: %v", err)
	}
}

// SeeBatch gives incident responders and approvers their part, others
// nothing, and writes no audit record (a card refresh is not a lookup).
func TestSeeBatchGivesEachTheirPartUnaudited(t *testing.T) {
	e := newIncidentEnv(t, 3, nil)
	b := e.planGroup(t)
	before := len(auditTypes(t, e.store))
	st, a, err := e.svc.SeeBatch(ctx, mfatest.Agent, b.ID)
	if err != nil || !a.Requester || a.Approver || st.Batch.ID != b.ID || st.Counts.Pending != b.Plan.ToReset {
		t.Fatalf("requester: %+v %+v %v", st, a, err)
	}
	if _, a, err := e.svc.SeeBatch(ctx, mfatest.Approver, b.ID); err != nil || a.Requester || !a.Approver {
		t.Fatalf("approver: %+v %v", a, err)
	}
	if _, _, err := e.svc.SeeBatch(ctx, mfatest.Agent2, b.ID); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("a helpdesk agent outside the incident group saw the batch: %v", err)
	}
	if n := len(auditTypes(t, e.store)); n != before {
		t.Fatalf("SeeBatch wrote %d audit records", n-before)
	}
}

func TestBatchApproversLeaveOutTheRequester(t *testing.T) {
	e := newIncidentEnv(t, 1, nil)
	e.dir.AddMember(mfatest.ApproverGroup, mfatest.AgentID) // Hanna is an approver too
	b := e.planGroup(t)
	us, err := e.svc.BatchApprovers(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	if slices.Contains(ids, mfatest.AgentID) || !slices.Contains(ids, mfatest.ApproverID) || !slices.Contains(ids, approver3.ID) || len(ids) != 3 {
		t.Fatalf("approvers %v", ids)
	}
}
