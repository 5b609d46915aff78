package mfa

import (
	"errors"
	"strings"
)

// RefusalKind names why a target may not be reset. Callers decide on the
// kind, never on the human text.
type RefusalKind string

// Refusal kinds, one per path to a refused reset.
const (
	RefuseSelf           RefusalKind = "self"            // the actor is the target
	RefuseGuest          RefusalKind = "guest"           // userType Guest
	RefuseExternal       RefusalKind = "external_member" // userType Member with an identity from outside the tenant
	RefuseProtectedGroup RefusalKind = "protected_group" // member or owner of the protected group
	RefuseBotGroup       RefusalKind = "bot_group"       // member or owner of the helpdesk, approver or TAP group
	RefuseActiveRole     RefusalKind = "directory_role"  // holds a directory role now
	RefuseEligibleRole   RefusalKind = "eligible_role"   // PIM-eligible for a directory role, now or later
	RefuseRoleGroup      RefusalKind = "role_assignable_group"
	RefuseEligibleGroup  RefusalKind = "pim_group" // PIM for Groups: eligible or scheduled member/owner of a role-assignable group
	RefuseAppOwner       RefusalKind = "app_owner" // owns an app or service principal with power
	RefuseUnreadable     RefusalKind = "unreadable"
	RefuseNothing        RefusalKind = "nothing_to_reset"
)

// Protected reports whether the kind is a path to power: such refusals
// alert security, because asking for them is what an attacker does.
func (k RefusalKind) Protected() bool {
	switch k {
	case RefuseSelf, RefuseGuest, RefuseExternal, RefuseNothing:
		return false
	}
	return true
}

// Refusal is why a target may not be reset: a kind to decide on, the path
// in people's words, and what to do instead.
type Refusal struct {
	Kind RefusalKind `json:"kind"`
	// Why names the path, e.g. "the user holds the directory role Global
	// Administrator".
	Why string `json:"why"`
	// Next says what to do instead.
	Next string `json:"next,omitempty"`
}

// String is the refusal in one sentence for people, with what to do next.
func (r *Refusal) String() string {
	if r == nil {
		return ""
	}
	if r.Next == "" {
		return r.Why
	}
	return r.Why + ". " + r.Next
}

func (r *Refusal) Error() string { return string(r.Kind) + ": " + r.Why }

// AsRefusal returns the refusal in err's chain.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// refusals is every refusal that holds for a target, the first being the
// one shown.
type refusals []*Refusal

func (rs refusals) first() *Refusal {
	if len(rs) == 0 {
		return nil
	}
	return rs[0]
}

// paths lists every refusal's kind and path, for the audit.
func (rs refusals) paths() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r.Kind) + ": " + r.Why
	}
	return strings.Join(parts, "; ")
}

// What to do next, per kind of refusal.
const (
	nextPrivileged = "Only a Privileged Authentication Administrator (or a Global Administrator) can reset a privileged user's MFA: ask one to do it in the Microsoft Entra admin center (Users → the user → Authentication methods → Require re-register multifactor authentication), after verifying the caller"
	nextExternal   = "Their MFA lives in their home organisation: ask them to contact their own helpdesk, which can reset it there"
	nextSelf       = "Ask another helpdesk agent to request it for you"
	nextUnreadable = "Nothing was changed. Try again; if it keeps failing, an admin should run `mfabot check` to find the missing permission"
	nextBotGroup   = "People who can request, approve or change who may are reset by an administrator, not through the bot: ask a Privileged Authentication Administrator"
)
