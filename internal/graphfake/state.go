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
	s.deleted = map[methodKey]bool{}
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
	s.reindex()
}

// AddUser adds or replaces one user.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UserType == "" {
		u.UserType = "Member"
	}
	u.Methods = slices.Clone(u.Methods)
	if old := s.users[u.ID]; old != nil {
		s.unindexUser(old)
	}
	s.users[u.ID] = &u
	s.indexUser(&u)
	clear(s.ix.members)
}

// AddMethod registers a method for a user.
func (s *Server) AddMethod(userID string, m Method) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		u.Methods = append(u.Methods, m)
		s.methodAdded(u.ID, m.ID)
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
	rs := s.requests
	if max := s.opts.MaxRequests; max > 0 && len(rs) > max {
		rs = rs[len(rs)-max:]
	}
	return slices.Clone(rs)
}

// CallCount is the number of requests answered since the fake started or
// since ResetRequests, whether the log keeps them or not.
func (s *Server) CallCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
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
	s.calls = 0
}

// logRequest records a request answered, within Options.MaxRequests; the
// caller holds s.mu.
func (s *Server) logRequest(rec Request) {
	s.calls++
	s.stats.Requests++
	if rec.Status == 429 {
		s.stats.Throttled++
	}
	switch max := s.opts.MaxRequests; {
	case max < 0:
		return
	case max > 0 && len(s.requests) >= 2*max:
		// Keep the last max-1, then add this one: the copy is paid once
		// every max requests.
		n := copy(s.requests, s.requests[len(s.requests)-(max-1):])
		clear(s.requests[n:])
		s.requests = s.requests[:n]
	}
	s.requests = append(s.requests, rec)
}

// user finds a user by id or UPN (without case); the caller holds s.mu.
func (s *Server) user(key string) *User {
	if u := s.users[key]; u != nil {
		return u
	}
	return s.ix.byUPN[strings.ToLower(key)]
}

// groupsOf returns the ids of the groups the principal is a transitive
// member of, nearest first; the caller holds s.mu.
func (s *Server) groupsOf(principal string) []string {
	seen := map[string]bool{}
	frontier := []string{principal}
	var out []string
	for len(frontier) > 0 {
		var next []string
		for _, id := range frontier {
			for _, gid := range s.ix.parents[id] {
				if !seen[gid] {
					seen[gid] = true
					out = append(out, gid)
					next = append(next, gid)
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
	var at []int
	for _, p := range append([]string{userID}, s.groupsOf(userID)...) {
		at = append(at, s.ix.roles[p]...)
	}
	slices.Sort(at)
	return positions(s.roles, slices.Compact(at))
}
