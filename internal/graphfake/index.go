package graphfake

import (
	"slices"
	"strings"
)

// index finds a user's data by the user, so that every per-user request —
// the privilege lookups the reset makes for each user of an incident
// batch, the methods, the memberships — costs what that user's own data
// costs, not the tenant's size. The server's mutex guards it; Seed builds
// it, AddUser and AddGroupMember keep it.
type index struct {
	byUPN  map[string]*User   // lower-case UPN
	byMail map[string][]*User // lower-case mail
	// parents are the groups a principal (user or group) is a direct
	// member of, sorted by id.
	parents map[string][]string
	// owns are the groups a principal owns, sorted by id.
	owns map[string][]string
	// The positions in s.roles, s.eligible, s.assigns, s.gsched, s.apps and
	// s.sps that name a principal (as a member, the principal or an owner),
	// in order.
	roles, eligible, assigns, gsched, apps, sps map[string][]int
	// members caches each group's transitive member users, sorted by UPN
	// (the order of a member listing); emptied on any change of users or
	// memberships.
	members map[string][]*User
}

// reindex builds the index from the tenant; the caller holds s.mu.
func (s *Server) reindex() {
	s.ix = index{byUPN: map[string]*User{}, byMail: map[string][]*User{}, parents: map[string][]string{}, owns: map[string][]string{},
		roles: map[string][]int{}, eligible: map[string][]int{}, assigns: map[string][]int{}, gsched: map[string][]int{},
		apps: map[string][]int{}, sps: map[string][]int{}, members: map[string][]*User{}}
	ix := s.ix
	for _, u := range s.users {
		s.indexUser(u)
	}
	for _, g := range s.sortedGroups() {
		for _, m := range g.Members {
			s.ix.parents[m] = insertSorted(s.ix.parents[m], g.ID)
		}
		for _, o := range g.Owners {
			s.ix.owns[o] = insertSorted(s.ix.owns[o], g.ID)
		}
	}
	add := func(m map[string][]int, key string, i int) {
		if l := m[key]; len(l) == 0 || l[len(l)-1] != i {
			m[key] = append(l, i)
		}
	}
	for i, r := range s.roles {
		for _, m := range r.Members {
			add(ix.roles, m, i)
		}
	}
	for i, e := range s.eligible {
		add(ix.eligible, e.PrincipalID, i)
	}
	for i, a := range s.assigns {
		add(ix.assigns, a.PrincipalID, i)
	}
	for i, g := range s.gsched {
		add(ix.gsched, g.PrincipalID, i)
	}
	for i, a := range s.apps {
		for _, o := range a.Owners {
			add(ix.apps, o, i)
		}
	}
	for i, sp := range s.sps {
		for _, o := range sp.Owners {
			add(ix.sps, o, i)
		}
	}
}

// indexUser adds u's UPN and mail; the caller holds s.mu.
func (s *Server) indexUser(u *User) {
	s.ix.byUPN[strings.ToLower(u.UPN)] = u
	if u.Mail != "" {
		k := strings.ToLower(u.Mail)
		s.ix.byMail[k] = append(s.ix.byMail[k], u)
	}
}

// unindexUser removes u's UPN and mail; the caller holds s.mu.
func (s *Server) unindexUser(u *User) {
	if k := strings.ToLower(u.UPN); s.ix.byUPN[k] == u {
		delete(s.ix.byUPN, k)
	}
	if u.Mail != "" {
		k := strings.ToLower(u.Mail)
		s.ix.byMail[k] = slices.DeleteFunc(s.ix.byMail[k], func(x *User) bool { return x == u })
		if len(s.ix.byMail[k]) == 0 {
			delete(s.ix.byMail, k)
		}
	}
}

func insertSorted(l []string, id string) []string {
	i, found := slices.BinarySearch(l, id)
	if found {
		return l
	}
	return slices.Insert(l, i, id)
}

// positions returns the values of list at the positions, in order.
func positions[T any](list []T, at []int) []T {
	out := make([]T, len(at))
	for i, p := range at {
		out[i] = list[p]
	}
	return out
}

// transitiveUsers returns the users who are members of the group, nested
// groups flattened, sorted by UPN; the caller holds s.mu. The answer is
// kept until users or memberships change: each page of a member listing
// reads it again.
func (s *Server) transitiveUsers(groupID string) []*User {
	if us, ok := s.ix.members[groupID]; ok {
		return us
	}
	var us []*User
	seenGroup := map[string]bool{groupID: true}
	seenUser := map[string]bool{}
	frontier := []string{groupID}
	for len(frontier) > 0 {
		var next []string
		for _, gid := range frontier {
			g := s.groups[gid]
			if g == nil {
				continue
			}
			for _, m := range g.Members {
				switch {
				case s.groups[m] != nil:
					if !seenGroup[m] {
						seenGroup[m] = true
						next = append(next, m)
					}
				case s.users[m] != nil:
					if !seenUser[m] {
						seenUser[m] = true
						us = append(us, s.users[m])
					}
				}
			}
		}
		frontier = next
	}
	slices.SortFunc(us, func(a, b *User) int { return strings.Compare(a.UPN, b.UPN) })
	s.ix.members[groupID] = us
	return us
}
