package mfa

import (
	"context"
	"fmt"
	"strings"
)

// transition applies change to a copy of r and stores it if r is still in
// one of from. On a conflict it returns the stored request's current state
// in the error.
func (s *Service) transition(ctx context.Context, r *Request, change func(*Request), from ...State) (*Request, error) {
	return s.transitionIf(ctx, r, change, Cond{From: from})
}

// transitionIf is transition under a store condition: limits counted and an
// execution lease checked in the same atomic step as the write. A limit
// that has no room answers its ERateLimited as the store gave it.
func (s *Service) transitionIf(ctx context.Context, r *Request, change func(*Request), c Cond) (*Request, error) {
	next := *r
	change(&next)
	next.UpdatedAt = s.clock.Now().UTC()
	if err := s.store.WriteRequest(ctx, &next, c); err != nil {
		if Code(err) == EConflict {
			if cur, gerr := s.store.GetRequest(ctx, r.ID); gerr == nil {
				if c.Lease != nil && cur.State == StateExecuting {
					return cur, err // another process holds the lease
				}
				return cur, Errorf(EConflict, "request %s is already %s", r.ID, cur.State)
			}
		}
		return nil, err
	}
	return &next, nil
}

// expireIfDue moves a pending request past its expiry to expired.
func (s *Service) expireIfDue(ctx context.Context, r *Request) (*Request, error) {
	if r.State != StatePending || s.clock.Now().Before(r.ExpiresAt) {
		return r, nil
	}
	next, err := s.transition(ctx, r, func(n *Request) { n.State = StateExpired }, StatePending)
	if err != nil {
		if Code(err) == EConflict && next != nil {
			return next, nil
		}
		return r, err
	}
	_, _ = s.audit(ctx, AuditExpired, next, "system", map[string]string{"expiredAt": r.ExpiresAt.Format("2006-01-02T15:04:05Z")})
	s.changed(ctx, next)
	return next, nil
}

// ExpireDue expires every pending request whose time is up and returns how
// many it expired.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	rs, err := s.store.ListRequests(ctx, RequestFilter{States: []State{StatePending}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		next, err := s.expireIfDue(ctx, r)
		if err != nil {
			return n, err
		}
		if next.State == StateExpired && r.State == StatePending {
			n++
		}
	}
	return n, nil
}

// pending loads a request that must be pending for the action.
func (s *Service) pending(ctx context.Context, id, action string) (*Request, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.State != StatePending {
		return r, alreadyDecided(r, action)
	}
	return r, nil
}

// alreadyDecided is the conflict of acting on a request that is no longer
// pending: it names who decided first, so a second approver pressing
// Approve a moment later reads who approved.
func alreadyDecided(r *Request, action string) error {
	switch {
	case r.Approver != nil && r.State != StateRejected && r.State != StateCancelled && r.State != StatePending:
		return Errorf(EConflict, "%s already approved request %s (it is %s now)", r.Approver, r.ID, r.State)
	case r.DecidedBy != nil && (r.State == StateRejected || r.State == StateCancelled):
		return Errorf(EConflict, "%s already %s request %s", r.DecidedBy, r.State, r.ID)
	}
	return Errorf(EConflict, "request %s is %s and can no longer be %s", r.ID, r.State, action)
}

// ApproveInput is the approver's decision.
type ApproveInput struct {
	Verification Verification
	// Override is required when the request NeedsOverride.
	Override string
}

// Approve records an approval. It checks the four-eyes rule, the approver
// group (or the manager policy), the caller verification, the user's
// confirmation and the rate limits. The request is approved when every
// required approval is in; execution is a separate call (Execute), so the
// bot can answer Teams at once and run the reset in the background.
func (s *Service) Approve(ctx context.Context, actor Actor, id string, in ApproveInput) (*Request, error) {
	actor = actor.canonical()
	r, err := s.pending(ctx, id, "approved")
	if err != nil {
		return r, err
	}
	refuse := func(err error) (*Request, error) {
		_, _ = s.audit(ctx, AuditRefused, r, actor.ID, map[string]string{"action": "approve", "by": actor.String(), "reason": Message(err)})
		return r, err
	}
	if SameID(actor.ID, r.Requester.ID) {
		s.raise(ctx, Alert{Kind: "self_approval", RequestID: r.ID, Target: r.Target.UPN, Actor: actor.String(), Summary: fmt.Sprintf("%s tried to approve their own request %s", actor, r.ID)})
		return refuse(Errorf(EForbidden, "you asked for this reset, so someone else must approve it"))
	}
	if SameID(actor.ID, r.Target.ID) {
		return refuse(Errorf(EForbidden, "you cannot approve a reset of your own MFA"))
	}
	// One person fills one place: someone who approved as the approver may
	// not approve again as the manager, or the reverse, even when the
	// directory names them the target's manager (or stops naming them)
	// between the two.
	if (r.Approver != nil && SameID(actor.ID, r.Approver.ID)) || (r.ManagerApproved && r.Manager != nil && SameID(actor.ID, r.Manager.ID)) {
		return refuse(Errorf(EForbidden, "you already approved this request; it needs another person's approval"))
	}
	isManager := false
	if s.policy.Manager != ManagerOff {
		if m, err := s.dir.Manager(ctx, r.Target.ID); err == nil && SameID(m.ID, actor.ID) {
			isManager = true
		} else if err != nil && Code(err) != ENotFound {
			s.log.Warn("manager lookup failed", "request", r.ID, "err", err)
		}
	}
	isApprover := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver") == nil
	if !isApprover && !isManager {
		return refuse(s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"))
	}
	v := in.Verification
	if v, err = ParseVerification(string(v)); err != nil && !(isManager && !isApprover) {
		return refuse(err)
	}
	switch r.Confirmation {
	case ConfirmNo:
		return refuse(Errorf(EForbidden, "%s said they did not ask for this reset", r.Target.DisplayName))
	case ConfirmAsked, ConfirmUnreachable, ConfirmNotAsked:
		if s.policy.Confirm == ConfirmRequired {
			return refuse(Errorf(EForbidden, "%s must first confirm in Teams that they asked for this reset", r.Target.DisplayName))
		}
	}
	override := strings.TrimSpace(in.Override)
	if r.NeedsOverride && override == "" && isApprover {
		return refuse(Errorf(EForbidden, "%s's MFA was already reset in the last %s: give an override reason to approve again", r.Target.UPN, s.policy.TargetWindow))
	}
	// Under "may" a manager's approval alone would run the reset, so it must
	// not pass the per-target limit: only an approver overrides it. Under
	// "must" an approver's override is still required beside it.
	if r.NeedsOverride && !isApprover && s.policy.Manager != ManagerMust {
		return refuse(Errorf(EForbidden, "%s's MFA was already reset in the last %s: only an approver can override that", r.Target.UPN, s.policy.TargetWindow))
	}
	cond, breaker, err := s.approveWithin(ctx)
	if err != nil {
		return refuse(err)
	}
	needManager := s.policy.Manager == ManagerMust
	change := func(n *Request) {
		if isManager {
			n.Manager, n.ManagerApproved = &actor, true
			if !isApprover && n.Verification == "" {
				// The manager vouches for the caller: that is the check.
				n.Verification = VerifiedManager
			}
		}
		// Under "must" the manager's approval fills the manager's place
		// only: a co-approval takes two people even when the manager is
		// also an approver.
		if isApprover && (!isManager || n.Approver == nil && !needManager) {
			n.Approver, n.Verification = &actor, v
			if override != "" {
				n.Override = override
			}
		}
		done := n.Approver != nil && (!needManager || n.ManagerApproved)
		if s.policy.Manager == ManagerMay && n.ManagerApproved && n.Approver == nil {
			done = true
		}
		if done {
			n.State = StateApproved
		}
	}
	probe := *r
	change(&probe)
	if probe.State != StateApproved {
		cond.Limits = nil // a first of two approvals runs nothing yet
	}
	next, err := s.transitionIf(ctx, r, change, cond)
	if le, ok := limitRefused(err); ok {
		return refuse(s.breakerRefusal(ctx, breaker, le))
	}
	if err != nil {
		if Code(err) == EConflict && next != nil && next.State != StatePending {
			// Another approver was faster: say who.
			err = alreadyDecided(next, "approved")
		}
		return next, err
	}
	detail := map[string]string{"by": actor.String(), "verification": string(next.Verification)}
	if override != "" {
		detail["override"] = override
	}
	typ := AuditApproved
	if isManager && !isApprover {
		typ = AuditManagerApproved
	}
	if err := s.auditOrUndo(ctx, r, next, typ, actor.ID, detail); err != nil {
		return r, err
	}
	s.changed(ctx, next)
	return next, nil
}

// auditOrUndo records the transition prev → next, or, when the audit cannot
// be written, puts the request back as prev, so no decision stands that the
// audit does not hold (an unaudited approval must never run). The error
// tells the caller that nothing was done.
func (s *Service) auditOrUndo(ctx context.Context, prev, next *Request, typ, actor string, detail map[string]string) error {
	_, err := s.audit(ctx, typ, next, actor, detail)
	if err == nil {
		return nil
	}
	if _, rerr := s.transition(ctx, next, func(n *Request) { *n = *prev }, next.State); rerr != nil {
		s.log.Error("unaudited decision could not be undone", "request", prev.ID, "type", typ, "err", rerr)
	}
	return err
}

// Reject records an approver's refusal.
func (s *Service) Reject(ctx context.Context, actor Actor, id, note string) (*Request, error) {
	actor = actor.canonical()
	r, err := s.pending(ctx, id, "rejected")
	if err != nil {
		return r, err
	}
	if err := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"); err != nil {
		_, _ = s.audit(ctx, AuditRefused, r, actor.ID, map[string]string{"action": "reject", "reason": Message(err)})
		return r, err
	}
	next, err := s.transition(ctx, r, func(n *Request) {
		n.State, n.DecidedBy, n.DecisionNote = StateRejected, &actor, strings.TrimSpace(note)
	}, StatePending)
	if err != nil {
		if Code(err) == EConflict && next != nil && next.State != StatePending {
			err = alreadyDecided(next, "rejected")
		}
		return next, err
	}
	if err := s.auditOrUndo(ctx, r, next, AuditRejected, actor.ID, map[string]string{"by": actor.String(), "note": next.DecisionNote}); err != nil {
		return r, err
	}
	s.changed(ctx, next)
	return next, nil
}

// Cancel withdraws a pending request; only its requester may.
func (s *Service) Cancel(ctx context.Context, actor Actor, id string) (*Request, error) {
	actor = actor.canonical()
	r, err := s.pending(ctx, id, "cancelled")
	if err != nil {
		return r, err
	}
	if !SameID(actor.ID, r.Requester.ID) {
		_, _ = s.audit(ctx, AuditRefused, r, actor.ID, map[string]string{"action": "cancel", "reason": "not the requester"})
		return r, Errorf(EForbidden, "only %s, who asked for it, can cancel request %s (approvers can reject it)", r.Requester, r.ID)
	}
	next, err := s.transition(ctx, r, func(n *Request) { n.State, n.DecidedBy = StateCancelled, &actor }, StatePending)
	if err != nil {
		return next, err
	}
	if err := s.auditOrUndo(ctx, r, next, AuditCancelled, actor.ID, map[string]string{"by": actor.String()}); err != nil {
		return r, err
	}
	s.changed(ctx, next)
	return next, nil
}

// Confirm records the target user's answer to "Was this you?". Only the
// target of that very request may answer; "No" blocks the request and
// alerts security.
func (s *Service) Confirm(ctx context.Context, actor Actor, id string, yes bool) (*Request, error) {
	actor = actor.canonical()
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !SameID(actor.ID, r.Target.ID) {
		_, _ = s.audit(ctx, AuditRefused, r, actor.ID, map[string]string{"action": "confirm", "by": actor.String(), "reason": "not the target user"})
		s.raise(ctx, Alert{Kind: "forged_confirmation", RequestID: r.ID, Target: r.Target.UPN, Actor: actor.String(),
			Summary: fmt.Sprintf("%s answered the confirmation meant for %s on request %s", actor, r.Target.UPN, r.ID)})
		// Whose reset it is stays unsaid: whoever names a request id
		// may not see it (the view policy).
		return r, Errorf(EForbidden, "only the user whose MFA it concerns can answer this question")
	}
	if r.State != StatePending && !(r.State == StateApproved && !yes) {
		return r, Errorf(EConflict, "request %s is already %s", r.ID, r.State)
	}
	if r.Confirmation == ConfirmYes || r.Confirmation == ConfirmNo {
		return r, Errorf(EConflict, "you already answered for request %s", r.ID)
	}
	if yes {
		next, err := s.transition(ctx, r, func(n *Request) { n.Confirmation = ConfirmYes }, StatePending)
		if err != nil {
			return next, err
		}
		if err := s.auditOrUndo(ctx, r, next, AuditConfirmed, actor.ID, nil); err != nil {
			return r, err
		}
		s.changed(ctx, next)
		return next, nil
	}
	// A "No" blocks even if the audit cannot be written: stopping a reset
	// is the safe direction (the failure is logged and the alert still goes).
	next, err := s.transition(ctx, r, func(n *Request) {
		n.Confirmation, n.State = ConfirmNo, StateBlocked
	}, StatePending, StateApproved)
	if err != nil {
		return next, err
	}
	_, _ = s.audit(ctx, AuditDenied, next, actor.ID, map[string]string{"requester": r.Requester.String()})
	s.raise(ctx, Alert{Kind: "user_denied", RequestID: r.ID, Target: r.Target.UPN, Actor: r.Requester.String(),
		Summary: fmt.Sprintf("%s says they did NOT ask for the MFA reset that %s requested (%s). The request is blocked; treat it as a possible social-engineering attempt.", r.Target.UPN, r.Requester, r.ID)})
	s.changed(ctx, next)
	return next, nil
}
