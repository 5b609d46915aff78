package mfa

import (
	"context"
	"errors"
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

// requesterLimit is the per-requester limit of a new request: requests
// made by actor within the window. The store counts it in the same step
// as the insert, so concurrent requests (goroutines, processes, replicas)
// cannot together pass it.
func (s *Service) requesterLimit(actor Actor) Limit {
	since := s.clock.Now().UTC().Add(-s.policy.RequesterWindow)
	return Limit{Name: LimitRequester, Max: s.policy.PerRequesterLimit,
		Count: []RequestFilter{{RequesterID: actor.ID, Since: since}}}
}

// checkRequesterLimit refuses a requester over their hourly limit early,
// before the directory is asked; the insert counts again, atomically.
func (s *Service) checkRequesterLimit(ctx context.Context, actor Actor) error {
	l := s.requesterLimit(actor)
	n, err := s.store.CountRequests(ctx, l.Count[0])
	if err != nil {
		return Wrap(EUnavailable, err, "the request store is unavailable")
	}
	if n >= l.Max {
		return s.requesterRefusal(ctx, actor, n)
	}
	return nil
}

// requesterRefusal alerts security and words the refusal of a requester
// who has made n requests within the window.
func (s *Service) requesterRefusal(ctx context.Context, actor Actor, n int) error {
	s.raise(ctx, Alert{Kind: "requester_rate_limit", Actor: actor.String(),
		Summary: fmt.Sprintf("%s reached the limit of %d reset requests per %s", actor, s.policy.PerRequesterLimit, s.policy.RequesterWindow)})
	return Errorf(ERateLimited, "you have made %d reset requests in the last %s, the most allowed; ask an approver if this is a real emergency", n, s.policy.RequesterWindow)
}

// limitRefused returns the *LimitError of a store refusal, if it is one.
func limitRefused(err error) (*LimitError, bool) {
	var le *LimitError
	if Code(err) == ERateLimited && errors.As(err, &le) {
		return le, true
	}
	return nil, false
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

// breakerSince is when the breaker's window starts: an hour ago, or just
// after the last resumption when that is later.
func (s *Service) breakerSince(st BreakerState) time.Time {
	since := s.clock.Now().UTC().Add(-s.policy.BreakerWindow)
	if !st.ResumedAt.Before(since) {
		since = st.ResumedAt.Add(time.Nanosecond) // ExecutedSince is inclusive
	}
	return since
}

// breakerLimit is the circuit breaker as a limit on approvals: resets that
// ran within the window plus requests approved and waiting to run. The
// store counts it in the same step as the approval, so concurrent
// approvals (in any process) never approve more resets than the limit.
func (s *Service) breakerLimit(st BreakerState) Limit {
	return Limit{Name: LimitBreaker, Max: s.policy.BreakerLimit, Count: []RequestFilter{
		{ExecutedSince: s.breakerSince(st)}, {States: []State{StateApproved}}}}
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
	n, err := s.store.CountRequests(ctx, RequestFilter{ExecutedSince: s.breakerSince(st)})
	if err != nil {
		return Wrap(EUnavailable, err, "the request store is unavailable")
	}
	if n < s.policy.BreakerLimit {
		return nil
	}
	return s.tripBreaker(ctx, st, fmt.Sprintf("%d resets ran in the last %s (limit %d)", n, s.policy.BreakerWindow, s.policy.BreakerLimit))
}

// approveWithin returns the condition of an approval: pending, and the
// breaker's room counted in the same store step. It refuses at once while
// the breaker is open.
func (s *Service) approveWithin(ctx context.Context) (Cond, BreakerState, error) {
	st, err := s.Breaker(ctx)
	if err != nil {
		return Cond{}, st, err
	}
	if err := s.checkBreaker(ctx); err != nil {
		return Cond{}, st, err
	}
	return Cond{From: []State{StatePending}, Limits: []Limit{s.breakerLimit(st)}}, st, nil
}

// breakerRefusal trips the breaker after the store refused an approval for
// want of room, and returns the refusal.
func (s *Service) breakerRefusal(ctx context.Context, st BreakerState, le *LimitError) error {
	return s.tripBreaker(ctx, st, fmt.Sprintf("%d resets ran or were approved in the last %s (limit %d)", le.Count, s.policy.BreakerWindow, le.Max))
}

// tripBreaker pauses every reset, audits and alerts, and returns the
// refusal. A breaker another caller tripped meanwhile is not tripped again.
func (s *Service) tripBreaker(ctx context.Context, st BreakerState, reason string) error {
	if cur, err := s.Breaker(ctx); err == nil && cur.Paused {
		return Errorf(ERateLimited, "all MFA resets are paused: %s. An approver must resume them", cur.Reason)
	}
	now := s.clock.Now().UTC()
	st = BreakerState{Paused: true, TrippedAt: now, ResumedAt: st.ResumedAt, Reason: reason}
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
