package graphfake

import (
	"path"
	"slices"
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Seed replaces the directory with t. Requests, mails and faults are kept.
func (s *Server) Seed(t Tenant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = map[string]*User{}
	s.groups = map[string]*Group{}
	s.revoked = map[string]int{}
	for _, u := range t.Users {
		u := u
		u.Methods = slices.Clone(u.Methods)
		if u.UserType == "" {
			u.UserType = "Member"
		}
		if !slices.ContainsFunc(u.Methods, func(m Method) bool { return m.Kind == mfa.KindPassword }) {
			u.Methods = append([]Method{{Kind: mfa.KindPassword, ID: PasswordMethodID}}, u.Methods...)
		}
		s.users[u.ID] = &u
	}
	for _, g := range t.Groups {
		g := g
		g.Members, g.Owners = slices.Clone(g.Members), slices.Clone(g.Owners)
		s.groups[g.ID] = &g
	}
	s.roles = slices.Clone(t.Roles)
	s.eligible = slices.Clone(t.Eligible)
	s.assigns = slices.Clone(t.Assignments)
	s.gsched = slices.Clone(t.GroupSchedules)
	s.apps = slices.Clone(t.Apps)
	s.sps = slices.Clone(t.ServicePrincipals)
	s.tapPolicy = DefaultTAPPolicy()
	if t.TAPPolicy != nil {
		s.tapPolicy = *t.TAPPolicy
	}
}

// AddUser adds or replaces one user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UserType == "" {
		u.UserType = "Member"
	}
	u.Methods = slices.Clone(u.Methods)
	s.users[u.ID] = &u
}

// AddMethod registers a method for a user.
func (s *Server) AddMethod(userID string, m Method) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		u.Methods = append(u.Methods, m)
	}
}

// SetDefaultMethod makes methodID the user's default method.
func (s *Server) SetDefaultMethod(userID, methodID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		u.DefaultMethodID = methodID
	}
}

// Methods returns a copy of the user's current methods (nil for an
// unknown user).
func (s *Server) Methods(userID string) []Method {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		return slices.Clone(u.Methods)
	}
	return nil
}

// Revocations counts revokeSignInSessions calls that succeeded for a user.
func (s *Server) Revocations(userID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoked[userID]
}

// Mails returns the mails sent so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mails)
}

// Requests returns the requests answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// CallCount is the number of requests answered so far.
func (s *Server) CallCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Count counts the requests with the method ("" for any) whose path,
// without its version prefix, matches the path.Match pattern.
func (s *Server) Count(method, pattern string) int {
	n := 0
	for _, r := range s.Requests() {
		_, rest, _ := splitVersion(r.Path)
		if ok, _ := path.Match(pattern, rest); ok && (method == "" || method == r.Method) {
			n++
		}
	}
	return n
}

// ResetRequests forgets the requests seen so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// user finds a user by id or UPN; the caller holds s.mu.
func (s *Server) user(key string) *User {
	if u := s.users[key]; u != nil {
		return u
	}
	for _, u := range s.users {
		if strings.EqualFold(u.UPN, key) {
			return u
		}
	}
	return nil
}

// groupsOf returns the ids of the groups the principal is a transitive
// member of; the caller holds s.mu.
func (s *Server) groupsOf(principal string) []string {
	seen := map[string]bool{}
	frontier := []string{principal}
	var out []string
	for len(frontier) > 0 {
		var next []string
		for _, id := range frontier {
			for _, g := range s.sortedGroups() {
				if !seen[g.ID] && slices.Contains(g.Members, id) {
					seen[g.ID] = true
					out = append(out, g.ID)
					next = append(next, g.ID)
				}
			}
		}
		frontier = next
	}
	return out
}

func (s *Server) sortedGroups() []*Group {
	gs := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *Group) int { return strings.Compare(a.ID, b.ID) })
	return gs
}

// rolesOf returns the directory roles the user holds directly or through
// a group; the caller holds s.mu.
func (s *Server) rolesOf(userID string) []Role {
	principals := append([]string{userID}, s.groupsOf(userID)...)
	var out []Role
	for _, r := range s.roles {
		for _, p := range principals {
			if slices.Contains(r.Members, p) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}
