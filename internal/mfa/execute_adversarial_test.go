package mfa_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// TestTargetProtectedAfterApprovalIsNotReset: a user who gains a directory
// role, joins the protected group, or whose privileges cannot be read
// between the request and its execution is not reset. The request ends
// failed with the reason, nothing is deleted, revoked or issued, and the
// refusal is audited and alerted.
func TestTargetProtectedAfterApprovalIsNotReset(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		change func(d *mfatest.Directory)
		want   string
	}{
		{"made Global Admin", func(d *mfatest.Directory) {
			d.Privs[mfatest.AliceID] = mfa.Privileges{ActiveRoles: []string{"Global Administrator"}}
		}, "Global Administrator"},
		{"made PIM-eligible", func(d *mfatest.Directory) {
			d.Privs[mfatest.AliceID] = mfa.Privileges{EligibleRoles: []string{"Privileged Role Administrator"}}
		}, "eligible"},
		{"added to the protected group", func(d *mfatest.Directory) {
			d.AddMember(mfatest.ProtectedGroup, mfatest.AliceID)
		}, "protected"},
		{"role lookup fails", func(d *mfatest.Directory) {
			d.Fail = func(op, user string) error {
				if op == "privileges" {
					return errors.New("graph unavailable")
				}
				return nil
			}
		}, "could not check"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newRig(t, nil)
			r, err := g.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "alice@contoso.com", Reason: "lost phone", TAP: new(true)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
				t.Fatal(err)
			}
			c.change(g.dir)
			done, err := g.svc.Execute(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if done.State != mfa.StateFailed || !strings.Contains(done.Result.Error, c.want) {
				t.Fatalf("state %s, error %q; want failed naming %q", done.State, done.Result.Error, c.want)
			}
			if n := g.dir.Count("delete") + g.dir.Count("revoke") + g.dir.Count("tap"); n != 0 {
				t.Fatalf("%d deletes, revocations or passes for a target that became protected: %v", n, g.dir.Calls)
			}
			if got := g.get(r.ID); got.State != mfa.StateFailed {
				t.Fatalf("stored state %s", got.State)
			}
			refused := 0
			for _, rec := range g.records() {
				if rec.Type == mfa.AuditRefused && rec.RequestID == r.ID && rec.Detail["action"] == "execute" {
					refused++
				}
			}
			if refused != 1 {
				t.Fatalf("%d execute refusals audited, want 1", refused)
			}
			if !hasKind(g.alerts, "protected_target") || hasKind(g.alerts, "verification_failed") {
				t.Fatalf("alerts %v, want protected_target only", g.alerts.Kinds())
			}
			if len(g.note.Told) != 0 {
				t.Fatal("the user was told of a reset that did not happen")
			}
		})
	}
}
