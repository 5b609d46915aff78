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
	// Refusal is why a reset would be refused; "" when it is allowed.
	Refusal string
}

// Describe looks a target up and evaluates policy, without creating a
// request. The caller must be a helpdesk agent or an approver.
func (s *Service) Describe(ctx context.Context, actor Actor, key string) (*TargetView, error) {
	key, err := ValidateTarget(key)
	if err != nil {
		return nil, err
	}
	if err := s.member(ctx, actor.ID, s.policy.HelpdeskGroupID, "helpdesk"); err != nil {
		if err2 := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"); err2 != nil {
			return nil, err
		}
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
	v := &TargetView{User: u, Methods: ms, Profile: s.policy.Profile, Planned: s.policy.Profile.Select(ms)}
	v.Refusal, v.Privileges = s.targetRefusal(ctx, actor, u)
	if v.Refusal == "" && len(v.Planned) == 0 {
		v.Refusal = "nothing to reset: the user has no " + v.Profile.Explain()
	}
	return v, nil
}

// targetRefusal applies every target rule.
func (s *Service) targetRefusal(ctx context.Context, actor Actor, u User) (string, Privileges) {
	switch {
	case u.Guest():
		return "the user is a guest: their MFA is managed by their home organisation", Privileges{}
	case u.ID == actor.ID:
		return "you cannot reset your own MFA", Privileges{}
	}
	return s.protection(ctx, u)
}

// History returns the requests about a target, newest first.
func (s *Service) History(ctx context.Context, actor Actor, key string) (User, []*Request, error) {
	key, err := ValidateTarget(key)
	if err != nil {
		return User{}, nil, err
	}
	if err := s.member(ctx, actor.ID, s.policy.HelpdeskGroupID, "helpdesk"); err != nil {
		if err2 := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"); err2 != nil {
			return User{}, nil, err
		}
	}
	u, err := s.dir.FindUser(ctx, key)
	if err != nil {
		return User{}, nil, err
	}
	rs, err := s.store.ListRequests(ctx, RequestFilter{TargetID: u.ID, Limit: 20})
	return u, rs, err
}

// Roles reports what the actor may do, for user-specific card views. A
// failed lookup answers false: views fail closed too.
func (s *Service) Roles(ctx context.Context, actor Actor) (helpdesk, approver bool) {
	helpdesk = s.member(ctx, actor.ID, s.policy.HelpdeskGroupID, "helpdesk") == nil
	approver = s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver") == nil
	return helpdesk, approver
}

// ApprovingManager returns the target's manager when the manager policy
// gives them a part in approving the request; ENotFound when it does not
// or the target has no manager.
func (s *Service) ApprovingManager(ctx context.Context, r *Request) (User, error) {
	if s.policy.Manager == ManagerOff {
		return User{}, Errorf(ENotFound, "managers take no part in approvals here")
	}
	return s.dir.Manager(ctx, r.Target.ID)
}
