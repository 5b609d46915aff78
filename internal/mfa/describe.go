package mfa

import "context"

// TargetView is what "show mfa" and the CLI's show print: the user, the
// methods, what the profile would remove, and whether policy allows it.
type TargetView struct {
	User       User
	Methods    []Method
	Planned    []Method
	Profile    Profile
	Privileges Privileges
	// Refusal is why a reset would be refused (the first rule that holds);
	// nil when it is allowed.
	Refusal *Refusal
}

// Describe looks a target up and evaluates policy, without creating a
// request. The caller must be a helpdesk agent or an approver.
func (s *Service) Describe(ctx context.Context, actor Actor, key string) (*TargetView, error) {
	key, err := ValidateTarget(key)
	if err != nil {
		return nil, err
	}
	if err := s.mayLookUp(ctx, actor); err != nil {
		return nil, err
	}
	return s.Inspect(ctx, actor, key)
}

// Inspect is Describe without the caller's group check: for the operator
// CLI, whose user holds the bot's credentials anyway.
func (s *Service) Inspect(ctx context.Context, actor Actor, key string) (*TargetView, error) {
	key, err := ValidateTarget(key)
	if err != nil {
		return nil, err
	}
	u, err := s.dir.FindUser(ctx, key)
	if err != nil {
		return nil, err
	}
	ms, err := s.dir.ListMethods(ctx, u.ID)
	if _, err = incomplete(err); err != nil {
		return nil, err
	}
	if err := s.lookup(ctx, actor, u.UPN, "", "show mfa"); err != nil {
		return nil, err
	}
	v := &TargetView{User: u, Methods: ms, Profile: s.policy.Profile, Planned: s.policy.Profile.Select(ms)}
	var rs refusals
	rs, v.Privileges = s.refusalsFor(ctx, actor.canonical(), u, false)
	v.Refusal = rs.first()
	if v.Refusal == nil && len(v.Planned) == 0 {
		v.Refusal = &Refusal{Kind: RefuseNothing, Why: "nothing to reset: the user has no " + v.Profile.Explain()}
	}
	return v, nil
}

// History returns the requests about a target, newest first.
func (s *Service) History(ctx context.Context, actor Actor, key string) (User, []*Request, error) {
	key, err := ValidateTarget(key)
	if err != nil {
		return User{}, nil, err
	}
	if err := s.mayLookUp(ctx, actor); err != nil {
		return User{}, nil, err
	}
	u, err := s.dir.FindUser(ctx, key)
	if err != nil {
		return User{}, nil, err
	}
	if err := s.lookup(ctx, actor, u.UPN, "", "history"); err != nil {
		return User{}, nil, err
	}
	rs, err := s.store.ListRequests(ctx, RequestFilter{TargetID: u.ID, Limit: 20})
	return u, rs, err
}

// Looked records that actor is shown request r (what: "status"), unless
// they are its requester or the user it is about. An error means the
// record could not be written, and r must not be shown.
func (s *Service) Looked(ctx context.Context, actor Actor, r *Request, what string) error {
	if actor.ID == r.Requester.ID || actor.ID == r.Target.ID {
		return nil
	}
	return s.lookup(ctx, actor, r.Target.UPN, r.ID, what)
}

// lookup audits actor looking at target. Looking is shown only once it is
// recorded: a failed audit refuses the lookup.
func (s *Service) lookup(ctx context.Context, actor Actor, target, requestID, what string) error {
	e := AuditEvent{Time: s.clock.Now().UTC(), Type: AuditLookup, Actor: actor.ID, Target: target, RequestID: requestID,
		Detail: map[string]string{"what": what, "by": actor.String()}}
	if _, err := s.store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit append failed", "type", AuditLookup, "err", err)
		return Wrap(EUnavailable, err, "the audit log could not be written, so nothing is shown")
	}
	return nil
}
