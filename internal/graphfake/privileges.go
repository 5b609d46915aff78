package graphfake

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The endpoints mfabot reads to rule out every path from a user to power,
// beside transitiveMemberOf, ownedObjects and the directory role listings
// in directory.go.

func spJSON(sp ServicePrincipal) map[string]any {
	roles := []map[string]any{}
	for _, ar := range sp.AppRoles {
		roles = append(roles, map[string]any{"id": ar.ID, "value": ar.Value, "allowedMemberTypes": []string{"Application"}, "isEnabled": true})
	}
	return map[string]any{"@odata.type": "#microsoft.graph.servicePrincipal", "id": sp.ID, "appId": sp.AppID,
		"displayName": sp.DisplayName, "appRoles": roles}
}

// getGroup answers GET /groups/{id} with $select.
// https://learn.microsoft.com/en-us/graph/api/group-get
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("group")
	s.mu.Lock()
	g := s.groups[id]
	var full map[string]any
	if g != nil {
		full = groupJSON(g)
	}
	s.mu.Unlock()
	if g == nil {
		notFoundObject(w, r, id)
		return
	}
	out := selectObjects(r, []map[string]any{full})[0]
	out["@odata.context"] = "https://graph.microsoft.com/" + version(r) + "/$metadata#groups/$entity"
	writeJSON(w, http.StatusOK, out)
}

// groupCheckMemberGroups answers which of up to 20 groups a group is a
// transitive member of.
func (s *Server) groupCheckMemberGroups(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("group")
	s.memberGroups(w, r, func() (string, bool) { return id, s.groups[id] != nil }, func() { notFoundObject(w, r, id) })
}

// pimGroup answers the PIM for Groups listings. Each requires a filter on
// principalId (or groupId); schedules hold what is in force and what starts
// later, instances only what is in force now.
// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-eligibilityschedules
// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-assignmentscheduleinstances
func (s *Server) pimGroup(w http.ResponseWriter, r *http.Request) {
	coll := r.PathValue("coll")
	eligible := strings.HasPrefix(coll, "eligibility")
	instances := strings.HasSuffix(coll, "Instances")
	switch coll {
	case "eligibilitySchedules", "eligibilityScheduleInstances", "assignmentSchedules", "assignmentScheduleInstances":
	default:
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+coll+"'.")
		return
	}
	pid, ok := principalFilter(w, r)
	if !ok {
		return
	}
	now := s.opts.Now()
	s.mu.Lock()
	var items []map[string]any
	for _, g := range positions(s.gsched, s.ix.gsched[pid]) {
		if g.Eligible != eligible || (instances && g.Start.After(now)) {
			continue
		}
		start := g.Start
		if start.IsZero() {
			start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		items = append(items, map[string]any{"id": g.ID, "principalId": g.PrincipalID, "groupId": g.GroupID, "accessId": g.Access,
			"memberType": "direct", "startDateTime": start.UTC().Format(time.RFC3339), "endDateTime": nil})
	}
	s.mu.Unlock()
	collection(w, r, "identityGovernance/privilegedAccess/group/"+coll, items)
}

// listServicePrincipals supports $filter=appId eq '…'.
// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list
func (s *Server) listServicePrincipals(w http.ResponseWriter, r *http.Request) {
	var cs []eqClause
	if f := r.URL.Query().Get("$filter"); f != "" {
		var err error
		if cs, err = parseEqFilter(f, "appId"); err != nil {
			writeError(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", err.Error())
			return
		}
	}
	s.mu.Lock()
	var items []map[string]any
	for _, sp := range s.sps {
		if len(cs) == 0 || slices.ContainsFunc(cs, func(c eqClause) bool { return strings.EqualFold(c.value, sp.AppID) }) {
			items = append(items, spJSON(sp))
		}
	}
	s.mu.Unlock()
	collection(w, r, "servicePrincipals", selectObjects(r, items))
}

func (s *Server) sp(id string) (ServicePrincipal, bool) {
	i := slices.IndexFunc(s.sps, func(sp ServicePrincipal) bool { return strings.EqualFold(sp.ID, id) })
	if i < 0 {
		return ServicePrincipal{}, false
	}
	return s.sps[i], true
}

// getServicePrincipal answers GET /servicePrincipals/{id} with $select.
func (s *Server) getServicePrincipal(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sp")
	s.mu.Lock()
	sp, ok := s.sp(id)
	s.mu.Unlock()
	if !ok {
		notFoundObject(w, r, id)
		return
	}
	out := selectObjects(r, []map[string]any{spJSON(sp)})[0]
	writeJSON(w, http.StatusOK, out)
}

// appRoleAssignments lists the app roles granted to a service principal.
// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-approleassignments
func (s *Server) appRoleAssignments(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sp")
	s.mu.Lock()
	sp, ok := s.sp(id)
	var items []map[string]any
	for i, g := range sp.Granted {
		res, _ := s.sp(g.ResourceID)
		items = append(items, map[string]any{"id": sp.ID + "-" + string(rune('a'+i)), "principalId": sp.ID, "principalType": "ServicePrincipal",
			"principalDisplayName": sp.DisplayName, "resourceId": g.ResourceID, "resourceDisplayName": res.DisplayName, "appRoleId": g.AppRoleID})
	}
	s.mu.Unlock()
	if !ok {
		notFoundObject(w, r, id)
		return
	}
	collection(w, r, "servicePrincipals('"+id+"')/appRoleAssignments", items)
}

func notFoundObject(w http.ResponseWriter, r *http.Request, id string) {
	writeError(w, r, http.StatusNotFound, "Request_ResourceNotFound",
		"Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

// spOwnedObjects lists what a service principal owns: groups and
// applications (a service principal can own a group, and so decide who is
// in it).
// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-ownedobjects
func (s *Server) spOwnedObjects(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("sp")
	s.mu.Lock()
	sp, ok := s.sp(id)
	var items []map[string]any
	if ok {
		for _, g := range s.sortedGroups() {
			if slices.ContainsFunc(g.Owners, func(o string) bool { return strings.EqualFold(o, sp.ID) }) {
				items = append(items, groupJSON(g))
			}
		}
		for _, a := range s.apps {
			if slices.ContainsFunc(a.Owners, func(o string) bool { return strings.EqualFold(o, sp.ID) }) {
				items = append(items, map[string]any{"@odata.type": "#microsoft.graph.application", "id": a.ID, "appId": a.AppID, "displayName": a.DisplayName})
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		notFoundObject(w, r, id)
		return
	}
	collection(w, r, "directoryObjects", selectObjects(r, items))
}
