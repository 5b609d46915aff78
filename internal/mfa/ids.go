package mfa

import "strings"

// SameID reports whether two Entra object ids name the same object. Graph
// compares object ids (GUIDs) case-insensitively, and Teams, Graph and an
// operator may spell one id in different cases: every comparison of ids in
// the domain goes through here. An empty id is never the same as anything.
func SameID(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a != "" && strings.EqualFold(a, b)
}

// CanonicalID is an object id in the one spelling the domain stores:
// trimmed and lower case, as Graph writes GUIDs.
func CanonicalID(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// canonical returns the actor with its id in canonical form, so what is
// stored and filtered on (requester, approver) matches whatever case the
// channel sent.
func (a Actor) canonical() Actor {
	a.ID = CanonicalID(a.ID)
	return a
}
