package graphfake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Page sizes of transitiveMembers: "The default and maximum page sizes are
// 100 and 999 objects respectively", and a page is followed through
// @odata.nextLink, an opaque URL with a $skiptoken
// (https://learn.microsoft.com/en-us/graph/api/group-list-transitivemembers,
// https://learn.microsoft.com/en-us/graph/paging).
const (
	memberPageDefault = 100
	memberPageMax     = 999
)

// AddGroupMember adds a principal (a user or a group) to a group.
func (s *Server) AddGroupMember(groupID, principal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[groupID]; g != nil && !slices.Contains(g.Members, principal) {
		g.Members = append(g.Members, principal)
		s.ix.parents[principal] = insertSorted(s.ix.parents[principal], groupID)
		clear(s.ix.members)
	}
}

// transitiveMembers lists a group's members, nested groups flattened, cast
// to users (the only cast mfabot uses; others are 400 as Graph answers a
// cast it does not support here), paged.
func (s *Server) transitiveMembers(w http.ResponseWriter, r *http.Request) {
	cast, ok := castType(r.PathValue("cast"))
	if !ok || cast != "user" {
		writeError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", "The type cast '"+r.PathValue("cast")+"' is not supported on this navigation.")
		return
	}
	q := r.URL.Query()
	top := memberPageDefault
	if t := q.Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > memberPageMax {
			writeError(w, r, http.StatusBadRequest, "Request_BadRequest", "Invalid page size specified: '"+t+"'. Must be between 1 and 999 inclusive.")
			return
		}
		top = n
	}
	skip := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "skip-"))
		if err != nil || n < 0 {
			writeError(w, r, http.StatusBadRequest, "Directory_InvalidSkipToken", "The skip token is invalid.")
			return
		}
		skip = n
	}
	id := r.PathValue("group")
	s.mu.Lock()
	g := s.groups[id]
	var users []*User
	if g != nil {
		users = s.transitiveUsers(id)
	}
	s.mu.Unlock()
	// The page is rendered without the lock: the cached list is never
	// changed (a change makes a new one), nor are the properties userJSON
	// reads (only methods change in place).
	var items []map[string]any
	for _, u := range users[min(skip, len(users)):min(skip+top, len(users))] {
		full := userJSON(u)
		it, err := selectFields(r, full, userDefaults)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, "Request_BadRequest", err.Error())
			return
		}
		it["@odata.type"] = "#microsoft.graph.user"
		items = append(items, it)
	}
	if g == nil {
		writeError(w, r, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	if items == nil {
		items = []map[string]any{}
	}
	out := map[string]any{"@odata.context": "https://graph.microsoft.com/" + version(r) + "/$metadata#users", "value": items}
	if q.Get("$count") == "true" {
		out["@odata.count"] = len(users)
	}
	if skip+top < len(users) {
		next := url.Values{}
		for k, v := range q {
			if k != "$skiptoken" {
				next[k] = v
			}
		}
		next.Set("$skiptoken", "skip-"+strconv.Itoa(skip+top))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		out["@odata.nextLink"] = scheme + "://" + r.Host + "/" + version(r) + "/groups/" + url.PathEscape(id) + "/transitiveMembers/microsoft.graph.user?" + next.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}
