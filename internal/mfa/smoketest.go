package mfa

import (
	"context"
	"fmt"
	"strings"
)

// SmokeTestTarget resolves the account of the operator's smoke test
// (`mfabot check --write`) and refuses, saying why, any account that is not
// a plain member: the smoke test registers a phone on it and resets it, so
// it must be a dedicated test account — userType Member, enabled, and clear
// of every target rule (no role, active or eligible, at any scope, no
// role-assignable or mfabot group, no owned app, everything readable). A
// refusal is audited as a smoke_test record; nothing is written to the
// directory.
func (s *Service) SmokeTestTarget(ctx context.Context, operator Actor, key string) (User, error) {
	operator = operator.canonical()
	valid, err := ValidateTarget(key)
	if err != nil {
		return User{}, err
	}
	u, err := s.dir.FindUser(ctx, valid)
	if err != nil {
		return User{}, err
	}
	var why []string
	if u.UserType != "Member" {
		why = append(why, fmt.Sprintf("its userType is %q, not Member", u.UserType))
	}
	if !u.AccountEnabled {
		why = append(why, "the account is disabled")
	}
	rs, _ := s.refusalsFor(ctx, operator, u, false)
	for _, r := range rs {
		why = append(why, r.Why)
	}
	if len(why) > 0 {
		reason := strings.Join(why, "; ")
		s.auditTarget(ctx, AuditSmokeTest, u.UPN, operator, map[string]string{"step": "refused", "by": operator.String(), "reason": reason})
		return u, Errorf(EForbidden, "%s cannot be the smoke test's account: %s. Use a dedicated test account: an enabled member with no roles, no role-assignable or mfabot group and no owned app", u.UPN, reason)
	}
	return u, nil
}

// OperatorSmokeTest runs the smoke test's reset: an OperatorReset of the
// test account whose request is marked SmokeTest, so its audit records say
// so and it does not count against the account's per-target limit. Every
// target rule, the requester limit and the circuit breaker still apply.
//
// Because it passes the per-target limit, every smoke test alerts security
// (kind smoke_test): run on a real user instead of a test account, it is a
// reset without an override, and must not go unseen.
func (s *Service) OperatorSmokeTest(ctx context.Context, operator Actor, in RequestInput) (*Request, error) {
	in.smoke = true
	r, err := s.OperatorReset(ctx, operator, in, "")
	if r != nil {
		s.raise(ctx, Alert{Kind: "smoke_test", RequestID: r.ID, Target: r.Target.UPN, Actor: operator.String(),
			Summary: fmt.Sprintf("%s ran the go-live smoke test (mfabot check --write) on %s: a fictional phone registered and the account reset", operator, r.Target.UPN)})
	}
	return r, err
}

// AuditSmokeTest records a step of the operator's smoke test (started,
// passed, failed) against the test account.
func (s *Service) AuditSmokeTest(ctx context.Context, operator Actor, target string, detail map[string]string) {
	operator = operator.canonical()
	d := map[string]string{"by": operator.String()}
	for k, v := range detail {
		d[k] = v
	}
	s.auditTarget(ctx, AuditSmokeTest, target, operator, d)
}
