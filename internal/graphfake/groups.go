package graphfake

import (
	"net/http"
	"strings"
)

// listGroups answers GET /groups, with $filter=displayName eq '…' (or id
// eq '…'; clauses joined by or) and $select, paged like every collection.
// eq on a group's displayName is served by default, without
// ConsistencyLevel: eventual and $count (the group properties table of
// https://learn.microsoft.com/en-us/graph/aad-advanced-queries); the value
// is an OData string literal, a single quote doubled inside it. Directory
// string comparisons ignore case, as this fake compares mail and UPN.
// https://learn.microsoft.com/en-us/graph/api/group-list
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	var clauses []eqClause
	if f := r.URL.Query().Get("$filter"); f != "" {
		var err error
		if clauses, err = parseEqFilter(f, "displayName", "id"); err != nil {
			writeError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", err.Error())
			return
		}
	}
	s.mu.Lock()
	var items []map[string]any
	for _, g := range s.sortedGroups() {
		if matchGroup(g, clauses) {
			items = append(items, groupJSON(g))
		}
	}
	s.mu.Unlock()
	collection(w, r, "groups", selectObjects(r, items))
}

func matchGroup(g *Group, cs []eqClause) bool {
	if len(cs) == 0 {
		return true
	}
	for _, c := range cs {
		switch c.prop {
		case "displayname":
			if !g.Limited && strings.EqualFold(g.DisplayName, c.value) {
				return true
			}
		case "id":
			if strings.EqualFold(g.ID, c.value) {
				return true
			}
		}
	}
	return false
}
