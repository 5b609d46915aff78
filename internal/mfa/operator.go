package mfa

import (
	"context"
	"strings"
)

// OperatorReset is the operator CLI's reset: the operator (who holds the
// bot's credentials anyway) requests and approves in one step, recorded as
// such in the audit. Every target rule, rate limit and the circuit breaker
// still apply; protected targets are still refused. A target reset within
// the per-target window needs override, the operator's reason, which is
// audited and alerted.
func (s *Service) OperatorReset(ctx context.Context, operator Actor, in RequestInput, override string) (*Request, error) {
	operator.Via = "cli"
	r, err := s.create(ctx, operator, in, false, override)
	if err != nil {
		return nil, err
	}
	cond, breaker, err := s.approveWithin(ctx)
	if err != nil {
		return r, s.operatorRefused(ctx, r, operator, err)
	}
	next, err := s.transitionIf(ctx, r, func(n *Request) {
		n.State, n.Approver, n.Verification = StateApproved, &operator, VerifiedOperator
	}, cond)
	if le, ok := limitRefused(err); ok {
		return r, s.operatorRefused(ctx, r, operator, s.breakerRefusal(ctx, breaker, le))
	}
	if err != nil {
		return next, err
	}
	detail := map[string]string{"by": operator.String(), "verification": string(VerifiedOperator), "note": "operator CLI: requested and approved by the operator"}
	if next.SmokeTest {
		detail["smokeTest"] = "true"
		detail["note"] = "operator smoke test (mfabot check --write) of a test account: requested and approved by the operator"
	}
	if o := strings.TrimSpace(next.Override); o != "" {
		detail["override"] = o
	}
	if err := s.auditOrUndo(ctx, r, next, AuditApproved, operator.ID, detail); err != nil {
		return r, err
	}
	return s.Execute(ctx, next.ID)
}

// operatorRefused closes the operator's request, which the operator can no
// longer approve (breaker), so it does not stay open for an approver in
// Teams, and returns the refusal.
func (s *Service) operatorRefused(ctx context.Context, r *Request, operator Actor, refusal error) error {
	_, _ = s.audit(ctx, AuditRefused, r, operator.ID, map[string]string{"action": "approve", "by": operator.String(), "reason": Message(refusal)})
	next, err := s.transition(ctx, r, func(n *Request) { n.State, n.DecidedBy = StateCancelled, &operator }, StatePending)
	if err == nil {
		_, _ = s.audit(ctx, AuditCancelled, next, operator.ID, map[string]string{"by": operator.String(), "note": "operator CLI: the reset was refused"})
		s.changed(ctx, next)
	}
	return refusal
}
