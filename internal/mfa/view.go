package mfa

import "context"

// Viewer is the part a person plays towards one request, which decides
// what they see of it and which actions they are offered.
type Viewer string

// Viewers, in the order the view policy tries them.
const (
	ViewNone      Viewer = ""          // may not see the request at all
	ViewRequester Viewer = "requester" // asked for it
	ViewTarget    Viewer = "target"    // the user concerned
	ViewApprover  Viewer = "approver"  // in the approver group, or the target's approving manager while it is pending
	ViewHelpdesk  Viewer = "helpdesk"  // another helpdesk agent: sees it, acts on nothing
)

// Access is the view policy's answer for one person and one request.
type Access struct {
	As Viewer
	// Checked says whether group membership was looked up (it is not for
	// the requester and the target); Helpdesk and Approver are then set.
	Checked            bool
	Helpdesk, Approver bool
}

// May reports whether the person may see the request.
func (a Access) May() bool { return a.As != ViewNone }

// errMayNotSee is the one refusal of the view policy.
func errMayNotSee() *Error {
	return Errorf(EForbidden, "only helpdesk agents, approvers, the requester and the user concerned can see a request")
}

// View is the one view policy: who may see a request, and as whom. Every
// command and card action that shows a request asks it. Ids compare
// case-insensitively; a failed group lookup sees nothing (fail closed).
func (s *Service) View(ctx context.Context, actor Actor, r *Request) Access {
	switch {
	case SameID(actor.ID, r.Requester.ID):
		return Access{As: ViewRequester}
	case SameID(actor.ID, r.Target.ID):
		return Access{As: ViewTarget}
	}
	a := Access{Checked: true}
	a.Helpdesk, a.Approver = s.Roles(ctx, actor)
	switch {
	case a.Approver:
		a.As = ViewApprover
	case r.State == StatePending && s.isApprovingManager(ctx, actor, r):
		a.As = ViewApprover
	case a.Helpdesk:
		a.As = ViewHelpdesk
	}
	return a
}

// See returns a request with the caller's access to it, or an *Error with
// EForbidden when the view policy lets them see nothing of it.
func (s *Service) See(ctx context.Context, actor Actor, id string) (*Request, Access, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, Access{}, err
	}
	a := s.View(ctx, actor, r)
	if !a.May() {
		return nil, a, errMayNotSee()
	}
	return r, a, nil
}

// Roles reports what the actor may do, for user-specific card views. A
// failed lookup answers false: views fail closed too.
func (s *Service) Roles(ctx context.Context, actor Actor) (helpdesk, approver bool) {
	helpdesk = s.member(ctx, actor.ID, s.policy.HelpdeskGroupID, "helpdesk") == nil
	approver = s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver") == nil
	return helpdesk, approver
}

// mayLookUp is the rule for looking users up (show, history): helpdesk
// agents and approvers.
func (s *Service) mayLookUp(ctx context.Context, actor Actor) error {
	err := s.member(ctx, actor.ID, s.policy.HelpdeskGroupID, "helpdesk")
	if err == nil || s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver") == nil {
		return nil
	}
	return err
}

// isApprovingManager reports whether the actor is the target's manager and
// the manager policy gives the manager a part in approving.
func (s *Service) isApprovingManager(ctx context.Context, actor Actor, r *Request) bool {
	m, err := s.ApprovingManager(ctx, r)
	return err == nil && SameID(m.ID, actor.ID)
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
