package mfa

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// RequestInput is what a requester asks for.
type RequestInput struct {
	Target string
	Reason string
	// Profile overrides the deployment's profile when set.
	Profile Profile
	// TAP overrides the deployment's TAP default when set.
	TAP *bool
	// smoke marks the operator's smoke test (OperatorSmokeTest): only this
	// package sets it, so no request from Teams can claim to be one.
	smoke bool
}

// MaxReason bounds the reason, in characters, kept in the store and audit.
const MaxReason = 500

// Request creates a pending reset request after every check. Refusals are
// audited and returned as *Error with EForbidden, EInvalid, ENotFound or
// ERateLimited.
func (s *Service) Request(ctx context.Context, actor Actor, in RequestInput) (*Request, error) {
	return s.create(ctx, actor, in, true, "")
}

// create makes a request; helpdesk says whether the requester must be in the
// helpdesk group (false only for the operator CLI). override is the
// operator's reason to pass the per-target limit (operator CLI only).
func (s *Service) create(ctx context.Context, actor Actor, in RequestInput, helpdesk bool, override string) (*Request, error) {
	actor = actor.canonical()
	// Who is asking is checked before what they typed is looked at: the
	// audit of a refusal keeps a bounded form of the input only.
	key := Bounded(strings.TrimSpace(in.Target))
	refuse := func(err error) (*Request, error) {
		s.auditTarget(ctx, AuditRefused, key, actor, map[string]string{"reason": Message(err)})
		return nil, err
	}
	if helpdesk {
		if err := s.member(ctx, actor.ID, s.policy.HelpdeskGroupID, "helpdesk"); err != nil {
			return refuse(err)
		}
	}
	valid, err := ValidateTarget(in.Target)
	if err != nil {
		return refuse(err)
	}
	key = valid
	reason := strings.TrimSpace(in.Reason)
	if n := utf8.RuneCountInString(reason); n > MaxReason {
		return refuse(Errorf(EInvalid, "the reason is %d characters long; keep it to %d", n, MaxReason))
	}
	profile := s.policy.Profile
	if in.Profile != "" {
		if profile, err = ParseProfile(string(in.Profile)); err != nil {
			return refuse(err)
		}
	}
	tap := s.policy.TAPDefault
	if in.TAP != nil {
		tap = *in.TAP
	}
	if tap {
		if !s.policy.TAPEnabled {
			return refuse(Errorf(EForbidden, "Temporary Access Passes are turned off in this deployment"))
		}
		if s.policy.TAPGroupID != "" && helpdesk {
			if err := s.member(ctx, actor.ID, s.policy.TAPGroupID, "TAP issuer"); err != nil {
				return refuse(Wrap(EForbidden, err, "you may not issue Temporary Access Passes: %s", Message(err)))
			}
		}
	}
	if err := s.checkRequesterLimit(ctx, actor); err != nil {
		return refuse(err)
	}
	if err := s.checkBreaker(ctx); err != nil {
		return refuse(err)
	}
	u, err := s.dir.FindUser(ctx, key)
	if err != nil {
		return refuse(err)
	}
	if rs, _ := s.refusalsFor(ctx, actor, u, false); len(rs) > 0 {
		return nil, s.refuseTarget(ctx, actor, u, rs)
	}
	// From the open-request check to the insert, one request per target at
	// a time (in this process; see SECURITY.md for several replicas).
	unlock := sync.OnceFunc(s.lockTarget(u.ID))
	defer unlock()
	open, err := s.store.ListRequests(ctx, RequestFilter{TargetID: u.ID, States: []State{StatePending, StateApproved, StateExecuting}, Limit: 1})
	if err != nil {
		return nil, Wrap(EUnavailable, err, "the request store is unavailable")
	}
	for _, o := range open {
		if o, _ := s.expireIfDue(ctx, o); o != nil && !o.State.Final() {
			return refuse(Errorf(EConflict, "%s already has an open request, %s (%s); cancel it or wait for it", u.UPN, o.ID, o.State))
		}
	}
	ms, err := s.dir.ListMethods(ctx, u.ID)
	unchecked, err := incomplete(err)
	if err != nil {
		return refuse(err)
	}
	// The tenant's TAP policy decides whether a pass can be issued, and for
	// how long; a pass asked for explicitly that it does not allow refuses
	// the request, a default one is left out, saying why.
	var offer TAPOffer
	if tap {
		offer = s.tapOffer(ctx, u)
		if offer.Why != "" {
			if in.TAP != nil {
				return refuse(Errorf(EInvalid, "a Temporary Access Pass cannot be issued to %s: %s", u.UPN, offer.Why))
			}
			tap = false
		}
	}
	planned := profile.Select(ms)
	if len(planned) == 0 && !tap {
		if unchecked != "" {
			return refuse(Errorf(EInvalid, "%s has no %s that mfabot could list, so there is nothing it can reset (%s)", u.UPN, profile.Explain(), unchecked))
		}
		return refuse(Errorf(EInvalid, "%s has no %s registered, so there is nothing to reset", u.UPN, profile.Explain()))
	}
	now := s.clock.Now().UTC()
	r := &Request{
		ID: s.newID(), State: StatePending, Target: u, Requester: actor, Reason: reason,
		Profile: profile, IssueTAP: tap, TAP: offer, Methods: ms, SmokeTest: in.smoke && !helpdesk,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(s.policy.RequestTTL),
	}
	recent, err := s.recentResets(ctx, u.ID, now.Add(-s.policy.TargetWindow))
	if err != nil {
		return nil, Wrap(EUnavailable, err, "the request store is unavailable")
	}
	r.NeedsOverride = recent >= s.policy.PerTargetLimit
	detail := map[string]string{
		"requester": actor.String(), "reason": reason, "profile": string(profile), "tap": strconv.FormatBool(tap),
		"planned": describeMethods(planned), "needsOverride": strconv.FormatBool(r.NeedsOverride),
	}
	if r.SmokeTest {
		detail["smokeTest"] = "true"
	}
	if r.NeedsOverride && !helpdesk {
		// The operator approves their own request: the override is theirs
		// to give, with a reason, at once.
		if override = strings.TrimSpace(override); override == "" {
			return refuse(Errorf(EForbidden, "%s's MFA was already reset in the last %s; to reset it again, give a reason with --override \"reason\" (it is audited and security is alerted)", u.UPN, s.policy.TargetWindow))
		}
		if n := utf8.RuneCountInString(override); n > MaxReason {
			return refuse(Errorf(EInvalid, "the override reason is %d characters long; keep it to %d", n, MaxReason))
		}
		r.Override, detail["override"] = override, override
	}
	if _, err := s.audit(ctx, AuditRequested, r, actor.ID, detail); err != nil {
		return nil, err
	}
	if err := s.store.CreateRequest(ctx, r, s.requesterLimit(actor)); err != nil {
		if le, ok := limitRefused(err); ok {
			// Requests made meanwhile (another goroutine, process or
			// replica) used up the room the early check saw.
			_, _ = s.audit(ctx, AuditRefused, r, actor.ID, map[string]string{"reason": "per-requester limit", "count": strconv.Itoa(le.Count)})
			return nil, s.requesterRefusal(ctx, actor, le.Count)
		}
		if Code(err) == EConflict {
			// Another replica created an open request for this user since
			// the check above: the store keeps one open request per user.
			_, _ = s.audit(ctx, AuditRefused, r, actor.ID, map[string]string{"reason": Message(err)})
			return nil, Errorf(EConflict, "%s already has an open request; cancel it or wait for it", u.UPN)
		}
		return nil, Wrap(EUnavailable, err, "the request could not be saved")
	}
	unlock()
	if r.NeedsOverride {
		s.raise(ctx, Alert{Kind: "target_rate_limit", RequestID: r.ID, Target: u.UPN, Actor: actor.String(),
			Summary: fmt.Sprintf("%s's MFA was already reset in the last %s; %s asks again (an approver must override with a reason)", u.UPN, s.policy.TargetWindow, actor)})
	}
	// Whom to tell is the caller's part (Recipients, then Delivered): the
	// request is made here, and nobody is called back in the middle of it.
	return r, nil
}

// recentResets counts the target's resets since a time that changed
// something (an operator's smoke test does not count): a run that failed before removing a method or issuing a pass
// (Graph down, target refused at execution) does not use up the per-target
// limit, so retrying it needs no override. A run still executing counts.
func (s *Service) recentResets(ctx context.Context, targetID string, since time.Time) (int, error) {
	rs, err := s.store.ListRequests(ctx, RequestFilter{TargetID: targetID, ExecutedSince: since})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if r.SmokeTest {
			continue // the operator's smoke test of a test account
		}
		if res := r.Result; res == nil || len(res.Removed) > 0 || res.TAPIssued {
			n++
		}
	}
	return n, nil
}

func describeMethods(ms []Method) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Describe()
	}
	return strings.Join(parts, "; ")
}

// refuseTarget audits a refused target with every path that holds, alerts
// security when a path leads to power, and returns the refusal as an
// *Error carrying the typed *Refusal (the first path) for the edges.
func (s *Service) refuseTarget(ctx context.Context, actor Actor, u User, rs refusals) error {
	first := rs.first()
	s.auditTarget(ctx, AuditRefused, u.UPN, actor, map[string]string{"reason": first.Why, "kind": string(first.Kind), "paths": rs.paths()})
	if first.Kind.Protected() {
		s.raise(ctx, Alert{Kind: "protected_target", Summary: fmt.Sprintf("%s asked to reset the MFA of %s, which is refused: %s", actor, u.UPN, rs.paths()), Target: u.UPN, Actor: actor.String()})
	}
	return Wrap(EForbidden, first, "%s cannot be reset: %s.", u.UPN, first.String())
}
