package mfa_test

import (
	"errors"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// TestApprovalsConversationIsApproversOnlyAndAudited: "approvals here"
// moves where every request card goes, so only an approver may, a refusal
// is audited, and a change is audited before the bot saves it.
func TestApprovalsConversationIsApproversOnlyAndAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	conv := mfa.ApprovalsConversation{ID: "19:chan@thread.tacv2", Type: "channel"}
	err := e.svc.SetApprovalsConversation(ctx, mfatest.Agent, conv)
	if mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("a helpdesk agent chose the approvals conversation: %v", err)
	}
	if got := auditTypes(t, e.store); len(got) != 1 || got[0] != mfa.AuditRefused {
		t.Fatalf("audit after a refusal: %v", got)
	}
	if err := e.svc.SetApprovalsConversation(ctx, mfatest.Approver, conv); err != nil {
		t.Fatal(err)
	}
	recs, err := e.store.AuditRecords(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	if last.Type != mfa.AuditApprovalsSet || last.Actor != mfatest.Approver.ID || last.Detail["conversation"] != conv.ID || last.Detail["type"] != "channel" {
		t.Fatalf("audit of the change: %+v", last)
	}

	// A directory that cannot answer refuses (fail closed).
	e.dir.Fail = func(op, _ string) error {
		if op == "member" {
			return errors.New("graph down")
		}
		return nil
	}
	if err := e.svc.SetApprovalsConversation(ctx, mfatest.Approver, conv); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("membership unknown, change allowed: %v", err)
	}
}
