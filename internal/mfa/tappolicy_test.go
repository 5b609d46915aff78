package mfa_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

func tapRequest(t *testing.T, e *env, explicit bool) (*mfa.Request, error) {
	t.Helper()
	in := mfa.RequestInput{Target: "alice@contoso.com", Reason: "lost phone, ticket 4711"}
	if explicit {
		yes := true
		in.TAP = &yes
	}
	return e.svc.Request(ctx, mfatest.Agent, in)
}

// TestTAPIsIssuedBeforeAnythingIsDeleted: the pass comes first, so the
// user is never left with a password only.
func TestTAPIsIssuedBeforeAnythingIsDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r, err := tapRequest(t, e, true)
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	done, err := e.svc.Execute(ctx, r.ID)
	if err != nil || done.State != mfa.StateCompleted || !done.Result.TAPIssued {
		t.Fatalf("%v %s %+v", err, done.State, done.Result)
	}
	tap := slices.IndexFunc(e.dir.Calls, func(c string) bool { return strings.HasPrefix(c, "tap ") })
	del := slices.IndexFunc(e.dir.Calls, func(c string) bool { return strings.HasPrefix(c, "delete ") })
	if tap < 0 || del < 0 || tap > del {
		t.Fatalf("pass at call %d, first delete at %d: %v", tap, del, e.dir.Calls)
	}
}

// TestRefusedTAPDeletesNothing: when Graph refuses the pass, nothing is
// deleted or revoked, and the request fails with Graph's reason.
func TestRefusedTAPDeletesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	r, err := tapRequest(t, e, true)
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	e.dir.Fail = func(op, user string) error {
		if op == "tap" {
			return &mfa.DirectoryError{Op: "issue a Temporary Access Pass", Reason: mfa.ReasonRejected, Code: "badRequest",
				Message: "Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass]."}
		}
		return nil
	}
	done, err := e.svc.Execute(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != mfa.StateFailed || len(done.Result.Removed) != 0 || e.dir.Count("delete") != 0 || e.dir.Count("revoke") != 0 ||
		!strings.Contains(done.Result.Error, "Converged UserCredentialPolicy") || !strings.Contains(done.Result.Error, "nothing was deleted") {
		t.Fatalf("state %s, %d deletes, %d revokes, result %+v", done.State, e.dir.Count("delete"), e.dir.Count("revoke"), done.Result)
	}
}

// TestTAPPolicyIsReadWhenTheRequestIsMade: a policy that does not allow a
// pass refuses an explicit ask and leaves a default one out, saying why;
// the lifetime is clamped to the policy and one-time follows it.
func TestTAPPolicyIsReadWhenTheRequestIsMade(t *testing.T) {
	t.Parallel()
	t.Run("disabled, asked for", func(t *testing.T) {
		e := newEnv(t, nil)
		e.dir.Policy = &mfa.TAPPolicy{Enabled: false}
		if _, err := tapRequest(t, e, true); mfa.Code(err) != mfa.EInvalid || !strings.Contains(mfa.Message(err), "turned off in the tenant") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("not in an included group, by default", func(t *testing.T) {
		e := newEnv(t, func(p *mfa.Policy) { p.TAPDefault = true })
		e.dir.Policy = &mfa.TAPPolicy{Enabled: true, IncludeGroups: []string{"g-tap-users"}, MinLifetime: time.Hour, MaxLifetime: 8 * time.Hour}
		r, err := tapRequest(t, e, false)
		if err != nil || r.IssueTAP || !strings.Contains(r.TAP.Why, "not in a group") {
			t.Fatalf("%v %+v", err, r)
		}
		e.dir.AddMember("g-tap-users", mfatest.AliceID)
		e.svc.Cancel(ctx, mfatest.Agent, r.ID)
		r, err = tapRequest(t, e, false)
		if err != nil || !r.IssueTAP || r.TAP.Why != "" {
			t.Fatalf("member: %v %+v", err, r)
		}
	})
	t.Run("excluded", func(t *testing.T) {
		e := newEnv(t, nil)
		e.dir.Policy = &mfa.TAPPolicy{Enabled: true, AllUsers: true, ExcludeGroups: []string{"g-no-tap"}}
		e.dir.AddMember("g-no-tap", mfatest.AliceID)
		if _, err := tapRequest(t, e, true); !strings.Contains(mfa.Message(err), "excluded") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("clamped", func(t *testing.T) {
		e := newEnv(t, func(p *mfa.Policy) { p.TAPLifetime, p.TAPOneTime = 4*time.Hour, false })
		e.dir.Policy = &mfa.TAPPolicy{Enabled: true, AllUsers: true, MinLifetime: 10 * time.Minute, MaxLifetime: 2 * time.Hour, OneTimeOnly: true}
		r, err := tapRequest(t, e, true)
		if err != nil || r.TAP.Lifetime != 2*time.Hour || !r.TAP.OneTime {
			t.Fatalf("%v %+v", err, r.TAP)
		}
		if !strings.Contains(r.TAP.Describe(), "one-time, valid 2 h") {
			t.Fatalf("describe %q", r.TAP.Describe())
		}
		e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
		if _, err := e.svc.Execute(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if len(e.dir.TAPAsked) != 1 || e.dir.TAPAsked[0] != (mfa.TAPRequest{Lifetime: 2 * time.Hour, OneTime: true}) {
			t.Fatalf("asked %+v", e.dir.TAPAsked)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		e := newEnv(t, nil)
		e.dir.Fail = func(op, _ string) error {
			if op == "tappolicy" {
				return &mfa.DirectoryError{Op: "read the Temporary Access Pass policy", Reason: mfa.ReasonForbidden, Permission: "Policy.Read.All"}
			}
			return nil
		}
		if _, err := tapRequest(t, e, true); !strings.Contains(mfa.Message(err), "Policy.Read.All") {
			t.Fatalf("err %v", err)
		}
	})
}
