package mfa

import "context"

// OperatorReset is the operator CLI's reset: the operator (who holds the
// bot's credentials anyway) requests and approves in one step, recorded as
// such in the audit. Every target rule, rate limit and the circuit breaker
// still apply; protected targets are still refused.
func (s *Service) OperatorReset(ctx context.Context, operator Actor, in RequestInput) (*Request, error) {
	operator.Via = "cli"
	r, err := s.create(ctx, operator, in, false)
	if err != nil {
		return nil, err
	}
	if err := s.checkBreaker(ctx); err != nil {
		return r, err
	}
	next, err := s.transition(ctx, r, func(n *Request) {
		n.State, n.Approver, n.Verification = StateApproved, &operator, VerifiedOperator
	}, StatePending)
	if err != nil {
		return next, err
	}
	if _, err := s.audit(ctx, AuditApproved, next, operator.ID, map[string]string{
		"by": operator.String(), "verification": string(VerifiedOperator), "note": "operator CLI: requested and approved by the operator"}); err != nil {
		return next, err
	}
	return s.Execute(ctx, next.ID)
}
