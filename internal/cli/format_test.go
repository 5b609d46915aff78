package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
	if regexp.MustCompile(`\+\d{1,3} ?\d{6,}`).Match(got) {
		t.Errorf("%s shows an unmasked phone number", name)
	}
}

var alice = mfa.User{ID: mfatest.AliceID, UPN: "alice@contoso.com", DisplayName: "Alice Example", JobTitle: "Account Executive", Department: "Sales", AccountEnabled: true}

func methods() []mfa.Method {
	return []mfa.Method{{Kind: mfa.KindPassword, ID: "28c10230-6103-485e-b985-444c60001490"}, mfatest.Mobile, mfatest.AltMobile, mfatest.AuthApp, mfatest.OATH, mfatest.FIDO}
}

func TestShowGolden(t *testing.T) {
	v := &mfa.TargetView{User: alice, Methods: methods(), Profile: mfa.ProfileReregister}
	v.Planned = v.Profile.Select(v.Methods)
	var b bytes.Buffer
	WriteTarget(&b, v)
	golden(t, "show-allowed.txt", b.Bytes())

	v.User = mfa.User{ID: mfatest.AdminID, UPN: "gloria@contoso.com", DisplayName: "Gloria Admin", AccountEnabled: true}
	v.Refusal = &mfa.Refusal{Kind: mfa.RefuseActiveRole, Why: "the user holds the directory role Global Administrator", Next: "Ask a Privileged Authentication Administrator"}
	b.Reset()
	WriteTarget(&b, v)
	golden(t, "show-refused.txt", b.Bytes())
}

func TestResetGolden(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	op := mfa.Actor{ID: "u-op", Name: "Olga Operator", UPN: "olga@contoso.com", Via: "cli"}
	r := &mfa.Request{ID: "R-7K3QW9", State: mfa.StateCompleted, Target: alice, Requester: op, Approver: &op, Verification: mfa.VerifiedOperator,
		Reason: "lost phone, ticket 4711", Profile: mfa.ProfileReregister, IssueTAP: true, Methods: methods(), CreatedAt: at,
		Result: &mfa.Result{Removed: []mfa.Method{mfatest.AltMobile, mfatest.AuthApp, mfatest.OATH, mfatest.Mobile}, SessionsRevoked: true,
			TAPIssued: true, TAPExpires: at.Add(time.Hour), AuditRef: "3f9a0c1d2e4b #42"}}
	var b bytes.Buffer
	WriteRequest(&b, r)
	golden(t, "reset-completed.txt", b.Bytes())

	r.State = mfa.StatePartial
	r.Result.Removed = r.Result.Removed[:3]
	r.Result.Failed = []mfa.MethodFailure{{Method: mfatest.Mobile, Reason: "default_method", Code: "badRequest", RequestID: "b1c2d3",
		Message: "Cannot delete default method with other methods configured. Please change default method before deletion."}}
	r.Result.Remaining = []mfa.Method{mfatest.Mobile}
	b.Reset()
	WriteRequest(&b, r)
	golden(t, "reset-partial.txt", b.Bytes())
}
