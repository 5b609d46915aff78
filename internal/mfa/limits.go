package mfa

import (
	"context"
	"fmt"
	"time"
)

// BreakerState is the persisted state of the tenant-wide circuit breaker:
// kept in the store, so a trip survives restarts and is shared by every
// replica.
type BreakerState struct {
	Paused    bool      `json:"paused"`
	TrippedAt time.Time `json:"trippedAt"`
	Reason    string    `json:"reason"`
	// ResumedAt is when an approver last resumed resets: executions before
	// it no longer count, or the breaker would trip again at once.
	ResumedAt time.Time `json:"resumedAt,omitzero"`
}

// checkRequesterLimit refuses a requester over their hourly limit. The count
// comes from the store, so it survives restarts.
func (s *Service) checkRequesterLimit(ctx context.Context, actor Actor) error {
	since := s.clock.Now().UTC().Add(-s.policy.RequesterWindow)
	n, err := s.store.CountRequests(ctx, RequestFilter{RequesterID: actor.ID, Since: since})
	if err != nil {
		return Wrap(EUnavailable, err, "the request store is unavailable")
	}
	if n >= s.policy.PerRequesterLimit {
		s.raise(ctx, Alert{Kind: "requester_rate_limit", Actor: actor.String(),
			Summary: fmt.Sprintf("%s reached the limit of %d reset requests per %s", actor, s.policy.PerRequesterLimit, s.policy.RequesterWindow)})
		return Errorf(ERateLimited, "you have made %d reset requests in the last %s, the most allowed; ask an approver if this is a real emergency", n, s.policy.RequesterWindow)
	}
	return nil
}

// Breaker returns the circuit breaker's state.
func (s *Service) Breaker(ctx context.Context) (BreakerState, error) {
	st, err := s.store.Breaker(ctx)
	if err != nil {
		if Code(err) == EInternal {
			return st, Wrap(EInternal, err, "the circuit breaker state is unreadable")
		}
		return st, Wrap(EUnavailable, err, "the request store is unavailable")
	}
	return st, nil
}

// checkBreaker refuses while the breaker is open, and trips it when the
// tenant-wide count of executed resets reaches the limit.
func (s *Service) checkBreaker(ctx context.Context) error {
	st, err := s.Breaker(ctx)
	if err != nil {
		return err
	}
	if st.Paused {
		return Errorf(ERateLimited, "all MFA resets are paused since %s: %s. An approver must resume them (\"resume resets <reason>\")", st.TrippedAt.Format(time.RFC1123), st.Reason)
	}
	now := s.clock.Now().UTC()
	since := now.Add(-s.policy.BreakerWindow)
	if !st.ResumedAt.Before(since) {
		since = st.ResumedAt.Add(time.Nanosecond) // ExecutedSince is inclusive
	}
	n, err := s.store.CountRequests(ctx, RequestFilter{ExecutedSince: since})
	if err != nil {
		return Wrap(EUnavailable, err, "the request store is unavailable")
	}
	if n < s.policy.BreakerLimit {
		return nil
	}
	st = BreakerState{Paused: true, TrippedAt: now, ResumedAt: st.ResumedAt, Reason: fmt.Sprintf("%d resets ran in the last %s (limit %d)", n, s.policy.BreakerWindow, s.policy.BreakerLimit)}
	if err := s.store.SetBreaker(ctx, st); err != nil {
		return Wrap(EUnavailable, err, "the request store is unavailable")
	}
	_, _ = s.audit(ctx, AuditBreakerTripped, nil, "system", map[string]string{"reason": st.Reason})
	s.raise(ctx, Alert{Kind: "circuit_breaker", Summary: "All MFA resets are paused: " + st.Reason})
	return Errorf(ERateLimited, "all MFA resets are now paused: %s. An approver must resume them", st.Reason)
}

// ResumeResets closes the circuit breaker. Only approvers may. The resets
// counted so far are forgiven: the limit counts again from now.
func (s *Service) ResumeResets(ctx context.Context, actor Actor, reason string) error {
	if err := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"); err != nil {
		s.auditTarget(ctx, AuditRefused, "", actor, map[string]string{"action": "resume resets", "reason": Message(err)})
		return err
	}
	if reason == "" {
		return Errorf(EInvalid, "give a reason to resume resets")
	}
	if err := s.store.SetBreaker(ctx, BreakerState{ResumedAt: s.clock.Now().UTC()}); err != nil {
		return Wrap(EUnavailable, err, "the request store is unavailable")
	}
	_, err := s.audit(ctx, AuditBreakerResumed, nil, actor.ID, map[string]string{"by": actor.String(), "reason": reason})
	return err
}
