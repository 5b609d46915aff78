package mfa

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// subject is what the target rules look at, gathered once per check: who
// acts, the target as the directory has them now, and every path from the
// target to power.
type subject struct {
	actor   Actor
	user    User
	priv    Privileges
	watched map[string]string // watched group id → its part ("approver")
}

// targetRules is the one list of reasons a target may not be reset. It is
// applied when a request is made, when a target is shown, and again just
// before anything is deleted (roles gained after the request refuse
// there). A new rule is a function added here, and its test.
var targetRules = []func(*subject) *Refusal{
	ruleSelf,
	ruleGuest,
	ruleExternal,
	ruleWatchedGroups,
	ruleActiveRoles,
	ruleEligibleRoles,
	ruleRoleAssignableGroups,
	ruleEligibleGroups,
	ruleAppOwner,
	ruleUnread,
}

func ruleSelf(t *subject) *Refusal {
	if SameID(t.actor.ID, t.user.ID) {
		return &Refusal{Kind: RefuseSelf, Why: "you cannot reset your own MFA", Next: nextSelf}
	}
	return nil
}

func ruleGuest(t *subject) *Refusal {
	if t.user.Guest() {
		return &Refusal{Kind: RefuseGuest, Why: "the user is a guest: their MFA is managed by their home organisation", Next: nextExternal}
	}
	return nil
}

// ruleExternal refuses a userType Member who signs in with an identity from
// another organisation (B2B member, cross-tenant synchronization): their
// MFA is registered at home, and revokeSignInSessions here does not revoke
// their sessions there.
func ruleExternal(t *subject) *Refusal {
	if t.user.Guest() {
		return nil
	}
	if ev := t.user.External(); ev != "" {
		return &Refusal{Kind: RefuseExternal, Why: "the user is an external member (" + ev + "): their MFA is registered in their home organisation, and revoking their sessions here does not end their sessions there", Next: nextExternal}
	}
	return nil
}

// ruleWatchedGroups refuses anyone who can request, approve, issue passes
// or is protected through the bot's own groups: a reset of an approver
// hands the approval itself to whoever gets their new sign-in.
func ruleWatchedGroups(t *subject) *Refusal {
	var protected, bot []string
	for _, p := range t.priv.Watched {
		part := t.watched[CanonicalID(p.GroupID)]
		if part == "" {
			part = "watched group " + p.GroupID
		}
		how := "the " + part + " group (" + p.How + ")"
		if part == "protected" {
			protected = append(protected, how)
		} else {
			bot = append(bot, how)
		}
	}
	switch {
	case len(protected) > 0:
		return &Refusal{Kind: RefuseProtectedGroup, Why: "the user is in " + names(protected) + " (break-glass/VIP)", Next: nextPrivileged}
	case len(bot) > 0:
		return &Refusal{Kind: RefuseBotGroup, Why: "the user can act through mfabot's own groups: " + names(bot), Next: nextBotGroup}
	}
	return nil
}

func ruleActiveRoles(t *subject) *Refusal {
	if rs := t.priv.ActiveRoles; len(rs) > 0 {
		return &Refusal{Kind: RefuseActiveRole, Why: "the user holds the directory role " + names(rs), Next: nextPrivileged}
	}
	return nil
}

func ruleEligibleRoles(t *subject) *Refusal {
	if rs := t.priv.EligibleRoles; len(rs) > 0 {
		return &Refusal{Kind: RefuseEligibleRole, Why: "the user is eligible (PIM), now or from a later date, for the directory role " + names(rs), Next: nextPrivileged}
	}
	return nil
}

func ruleRoleAssignableGroups(t *subject) *Refusal {
	if gs := t.priv.RoleAssignableGroups; len(gs) > 0 {
		return &Refusal{Kind: RefuseRoleGroup, Why: "the user is a member or owner of the role-assignable group " + names(gs), Next: nextPrivileged}
	}
	return nil
}

func ruleEligibleGroups(t *subject) *Refusal {
	if gs := t.priv.EligibleGroups; len(gs) > 0 {
		return &Refusal{Kind: RefuseEligibleGroup, Why: "the user is eligible or scheduled (PIM for Groups) to become a member or owner of the role-assignable group " + names(gs), Next: nextPrivileged}
	}
	return nil
}

func ruleAppOwner(t *subject) *Refusal {
	if as := t.priv.OwnedApps; len(as) > 0 {
		return &Refusal{Kind: RefuseAppOwner, Why: "the user owns " + names(as) + " (an owner can add credentials and act as the app)", Next: nextPrivileged}
	}
	return nil
}

func ruleUnread(t *subject) *Refusal {
	if u := t.priv.Unread; len(u) > 0 {
		return &Refusal{Kind: RefuseUnreadable, Why: "mfabot could not check everything that makes a user privileged (" + names(u) + "), so the reset is refused", Next: nextUnreadable}
	}
	return nil
}

// watchedGroups are the bot's own groups, by canonical id, with their part.
func (s *Service) watchedGroups() map[string]string {
	w := map[string]string{}
	for _, g := range []struct{ id, part string }{
		{s.policy.ProtectedGroupID, "protected"},
		{s.policy.ApproverGroupID, "approver"},
		{s.policy.HelpdeskGroupID, "helpdesk"},
		{s.policy.TAPGroupID, "TAP issuer"},
		{s.policy.IncidentGroupID, "incident"},
	} {
		if id := CanonicalID(g.id); id != "" && w[id] == "" {
			w[id] = g.part
		}
	}
	return w
}

// refusalsFor applies every target rule to the user. With refetch, the
// user is read again from the directory first (beside the privileges), so
// a change of user type since the request counts; a user that cannot be
// read refuses. Every failed lookup is a refusal: the check fails closed.
func (s *Service) refusalsFor(ctx context.Context, actor Actor, u User, refetch bool) (refusals, Privileges) {
	watched := s.watchedGroups()
	ids := make([]string, 0, len(watched))
	for id := range watched {
		ids = append(ids, id)
	}
	var (
		wg     sync.WaitGroup
		fresh  User
		findEr error
	)
	if refetch {
		wg.Go(func() { fresh, findEr = s.dir.FindUser(ctx, u.ID) })
	}
	p, err := s.dir.Privileges(ctx, u.ID, ids)
	wg.Wait()
	if err != nil && len(p.Unread) == 0 {
		p.Unread = []string{Message(err)}
	}
	if refetch {
		if findEr != nil {
			p.Unread = append(p.Unread, "the user's account: "+Message(findEr))
		} else if SameID(fresh.ID, u.ID) {
			u = fresh
		} else {
			p.Unread = append(p.Unread, "the user's account: the directory answered for another object")
		}
	}
	t := &subject{actor: actor, user: u, priv: p, watched: watched}
	var out refusals
	for _, rule := range targetRules {
		if r := rule(t); r != nil {
			out = append(out, r)
		}
	}
	return out, p
}

// maxNamed is how many items a refusal names; it counts the rest.
const maxNamed = 5

// names lists up to maxNamed items for people, counting the rest, so a
// refusal stays readable (and fits a card) for a user with many paths.
func names(items []string) string {
	if len(items) <= maxNamed {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxNamed], ", ") + fmt.Sprintf(" and %d more", len(items)-maxNamed)
}
