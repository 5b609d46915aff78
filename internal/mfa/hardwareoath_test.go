package mfa_test

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

var token = mfa.Method{Kind: mfa.KindHardwareOATH, ID: "aad49556-fd6d-4a8a-9b44-9c4b45e4ac11", Label: "Token 1234"}

// TestHardwareOATHTokensAreReset: the portal's "Require re-register MFA"
// deactivates hardware OATH tokens, so the default profile removes them.
func TestHardwareOATHTokensAreReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.dir.AddMethodForTest(mfatest.AliceID, token)
	r := e.request(t, "alice@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	done, err := e.svc.Execute(ctx, r.ID)
	if err != nil || done.State != mfa.StateCompleted {
		t.Fatalf("%v %s %+v", err, done.State, done.Result)
	}
	if !e.dir.Called("delete " + mfatest.AliceID + " " + token.Key()) {
		t.Fatal("the hardware OATH token was not removed")
	}
}

// TestUnlistableHardwareOATHEndsPartial: when the tokens cannot be listed
// (no beta API in the cloud, no permission), the rest is reset and the
// result is partial, naming the tokens as unchecked — never completed.
func TestUnlistableHardwareOATHEndsPartial(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.dir.AddMethodForTest(mfatest.AliceID, token)
	e.dir.HardwareOATHUnlisted = &mfa.DirectoryError{Op: "list hardware OATH tokens (Graph beta)", Reason: mfa.ReasonForbidden, Permission: "UserAuthMethod-HardwareOATH.ReadWrite.All"}
	r := e.request(t, "alice@contoso.com")
	e.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn())
	done, err := e.svc.Execute(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.State != mfa.StatePartial || len(done.Result.Removed) == 0 ||
		!strings.Contains(done.Result.Unchecked, "Hardware OATH tokens could not be checked") ||
		!strings.Contains(done.Result.Unchecked, "UserAuthMethod-HardwareOATH.ReadWrite.All") {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
}
