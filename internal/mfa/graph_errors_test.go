package mfa_test

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
)

// TestOtherBadRequestIsNotTakenForTheDefaultMethod: only Graph's
// default-method refusal sends a method to the last wave. Any other refusal
// is a failure at once, reported with Graph's own message and without the
// default-method advice.
func TestOtherBadRequestIsNotTakenForTheDefaultMethod(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	done := e.executeFailingDelete(t, 1, &mfa.DirectoryError{Op: "delete the phone method", Reason: mfa.ReasonRejected, Code: "badRequest", Message: "Invalid phone number format.", RequestID: "rid-400"})
	var rejected []mfa.MethodFailure
	for _, f := range done.Result.Failed {
		if f.Reason == string(mfa.ReasonRejected) {
			rejected = append(rejected, f)
		}
	}
	if done.State != mfa.StatePartial || len(rejected) != 1 {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
	f := rejected[0]
	if !strings.Contains(f.Message, "Invalid phone number format.") || strings.Contains(f.Message, "default") || f.Reason != string(mfa.ReasonRejected) {
		t.Fatalf("failure %+v", f)
	}
	// The refused method was not tried again in the default-method wave.
	tries := 0
	for _, c := range e.dir.Calls {
		if strings.HasPrefix(c, "delete ") && strings.HasSuffix(c, f.Method.Key()) {
			tries++
		}
	}
	if tries != 1 {
		t.Fatalf("%s tried %d times, want 1", f.Method.Key(), tries)
	}
}
