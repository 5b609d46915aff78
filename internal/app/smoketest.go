package app

import (
	"context"
	"fmt"
	"io"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/wiring"
)

// smokePhone is the phone the smoke test registers: a number of the range
// the North American Numbering Plan keeps for fiction (555-0100 to
// 555-0199), in Graph's "+{country} {number}" form. It is only ever shown
// masked.
const (
	smokePhone     = "+1 2065550100"
	smokePhoneType = mfa.PhoneMobile
	smokeReason    = "operator smoke test before go-live (mfabot check --write): a fictional phone registered on a test account and reset"
)

// phoneRegistrar registers a phone method (internal/graph.Directory); only
// the smoke test writes one.
type phoneRegistrar interface {
	AddPhone(ctx context.Context, userID, number, phoneType string) (mfa.Method, error)
}

// smokeStep is one step of the smoke test: what it does, and its run,
// which reports what it found.
type smokeStep struct {
	what string
	run  func(ctx context.Context) (string, error)
}

// smokeTest is `mfabot check --write`: on a dedicated test account (a
// plain member; anything else is refused before anything is written) it
// registers a fictional phone, resets the account through the same reset
// service as `mfabot reset` (audited as an operator smoke test), verifies
// the phone is gone and removes whatever the run left. Each step is
// printed with the request-id of its last Graph call, for Microsoft
// support. It fails naming the first step that failed.
func smokeTest(ctx context.Context, w *wiring.Wiring, cfg config.Config, upn string, out io.Writer) error {
	reg, ok := w.Dir.(phoneRegistrar)
	if !ok {
		return mfa.Errorf(mfa.EInternal, "this directory cannot register a phone method")
	}
	op, err := operatorActor(ctx, w.Dir, cfg.Operator)
	if err != nil {
		return err
	}
	masked := mfa.MaskPhone(smokePhone)
	var (
		u          mfa.User
		phone      mfa.Method
		registered bool // a test phone is (or may be) on the account
		gone       bool // the last listing shows no test phone
	)
	isTestPhone := func(m mfa.Method) bool {
		return m.Kind == mfa.KindPhone && m.PhoneType == smokePhoneType && m.Label == masked
	}
	steps := []smokeStep{
		{"refuse anything but a plain member", func(ctx context.Context) (string, error) {
			var err error
			u, err = w.Svc.SmokeTestTarget(ctx, op, upn)
			if err != nil {
				return "", err
			}
			w.Svc.AuditSmokeTest(ctx, op, u.UPN, map[string]string{"step": "started", "phone": masked})
			return u.DisplayName + " (" + u.ID + ") is an enabled member with no role, no role-assignable or mfabot group and no owned app", nil
		}},
		{"register the test phone " + masked + " (" + smokePhoneType + ")", func(ctx context.Context) (string, error) {
			ms, err := w.Dir.ListMethods(ctx, u.ID)
			if err != nil {
				return "", err
			}
			for _, m := range ms {
				if isTestPhone(m) {
					phone, registered = m, true
					return "already registered (left by an earlier run); the reset will remove it", nil
				}
				if m.Kind == mfa.KindPhone && m.PhoneType == smokePhoneType {
					return "", mfa.Errorf(mfa.EInvalid, "%s already has a %s phone (%s): a test account must not have one; remove it or use another account", u.UPN, smokePhoneType, m.Label)
				}
			}
			registered = true // an unknown outcome may have registered it
			phone, err = reg.AddPhone(ctx, u.ID, smokePhone, smokePhoneType)
			if err != nil {
				return "", err
			}
			return "registered, method " + phone.ID, nil
		}},
		{"reset through mfabot's reset service (audited as an operator smoke test)", func(ctx context.Context) (string, error) {
			noTAP := false
			r, err := w.Svc.OperatorSmokeTest(ctx, op, mfa.RequestInput{Target: u.ID, Reason: smokeReason, Profile: cfg.Policy.Profile, TAP: &noTAP})
			if err != nil {
				if r != nil {
					return "", fmt.Errorf("request %s: %w", r.ID, err)
				}
				return "", err
			}
			if r.State != mfa.StateCompleted {
				why := ""
				if r.Result != nil && r.Result.Error != "" {
					why = ": " + r.Result.Error
				}
				return "", mfa.Errorf(mfa.EInternal, "request %s ended %s%s", r.ID, r.State, why)
			}
			removed, revoked := 0, "sessions not revoked"
			if r.Result != nil {
				removed = len(r.Result.Removed)
				if r.Result.SessionsRevoked {
					revoked = "sessions revoked"
				}
			}
			return fmt.Sprintf("request %s completed: %d method(s) removed, %s", r.ID, removed, revoked), nil
		}},
		{"verify the test phone is gone", func(ctx context.Context) (string, error) {
			ms, err := w.Dir.ListMethods(ctx, u.ID)
			if err != nil {
				return "", err
			}
			for _, m := range ms {
				if isTestPhone(m) {
					return "", mfa.Errorf(mfa.EInternal, "the test phone %s is still registered after the reset", masked)
				}
			}
			gone = true
			return fmt.Sprintf("gone (%d method(s) left)", len(ms)), nil
		}},
	}

	fmt.Fprintf(out, "Smoke test on %s as the operator %s: registers the fictional phone %s, resets it through mfabot's reset service, verifies and cleans up.\n\n", upn, op, masked)
	failedAt := ""
	for i, s := range steps {
		sctx, ids := graph.WithRequestIDs(ctx)
		got, err := s.run(sctx)
		if err != nil {
			failedAt = fmt.Sprintf("step %d, %s", i+1, s.what)
			fmt.Fprintf(out, "FAIL  %d. %s: %s%s\n", i+1, s.what, failure(err), requestIDs(ids))
			break
		}
		fmt.Fprintf(out, "ok    %d. %s: %s%s\n", i+1, s.what, got, requestIDs(ids))
	}
	// Clean up whatever the run may have left on the account: the test
	// phone, when it was (or may have been) registered and is not known
	// to be gone.
	if registered && !gone {
		cctx, ids := graph.WithRequestIDs(context.WithoutCancel(ctx))
		got, err := cleanUpPhone(cctx, w.Dir, u.ID, isTestPhone)
		n := len(steps) + 1
		if err != nil {
			fmt.Fprintf(out, "FAIL  %d. clean up: %s%s\n", n, failure(err), requestIDs(ids))
			if failedAt == "" {
				failedAt = fmt.Sprintf("step %d, clean up", n)
			}
			failedAt += fmt.Sprintf("; the test phone %s may still be on %s: remove it in the Entra admin center", masked, u.UPN)
		} else {
			fmt.Fprintf(out, "ok    %d. clean up: %s%s\n", n, got, requestIDs(ids))
		}
	} else if u.ID != "" {
		fmt.Fprintf(out, "ok    %d. clean up: nothing left on the account\n", len(steps)+1)
	}
	if failedAt != "" {
		if u.UPN != "" {
			w.Svc.AuditSmokeTest(context.WithoutCancel(ctx), op, u.UPN, map[string]string{"step": "failed", "failedAt": failedAt})
		}
		fmt.Fprintf(out, "\nThe smoke test failed at %s.\n", failedAt)
		return &refusedError{"the smoke test failed at " + failedAt}
	}
	w.Svc.AuditSmokeTest(ctx, op, u.UPN, map[string]string{"step": "passed", "phone": masked})
	fmt.Fprintln(out, "\nThe smoke test passed: mfabot can register, reset, verify and revoke in this tenant. The audit records it as an operator smoke test (mfabot audit export --kind smoke_test).")
	return nil
}

// cleanUpPhone deletes the test phone if it is still registered.
func cleanUpPhone(ctx context.Context, dir mfa.Directory, userID string, isTest func(mfa.Method) bool) (string, error) {
	ms, err := dir.ListMethods(ctx, userID)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if isTest(m) {
			if err := dir.DeleteMethod(ctx, userID, m); err != nil {
				return "", err
			}
			return "the test phone was removed", nil
		}
	}
	return "the test phone is not registered: nothing to remove", nil
}

// requestIDs prints the request-id of a step's last Graph call.
func requestIDs(ids *graph.RequestIDs) string {
	all := ids.All()
	switch len(all) {
	case 0:
		return ""
	case 1:
		return "\n      request-id " + all[0]
	}
	return fmt.Sprintf("\n      request-id %s (last of %d Graph calls)", all[len(all)-1], len(all))
}
